import GRDB

/// Versioned schema. A migration, once shipped, is never edited: add a new one.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 complaints, events, inbound, outbox") { db in
            try db.execute(sql: """
                CREATE TABLE complaints (
                    id INTEGER PRIMARY KEY,
                    ticket TEXT NOT NULL UNIQUE,
                    prefix TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    route TEXT,
                    region TEXT NOT NULL,
                    sender TEXT NOT NULL,
                    text TEXT NOT NULL,
                    dedupe_key TEXT NOT NULL,
                    match_kind TEXT NOT NULL,
                    received_at INTEGER NOT NULL,
                    priority TEXT NOT NULL,
                    category TEXT,
                    agency_suggested TEXT,
                    agency TEXT,
                    status TEXT NOT NULL,
                    first_response_due INTEGER NOT NULL,
                    resolution_due INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    UNIQUE (prefix, seq)
                );
                CREATE INDEX complaints_sender ON complaints (sender, received_at);
                CREATE INDEX complaints_status ON complaints (status, received_at);
                CREATE INDEX complaints_received ON complaints (received_at);

                CREATE TABLE ticket_sequences (
                    prefix TEXT PRIMARY KEY,
                    last INTEGER NOT NULL
                );

                -- The audit trail: written once, never changed or deleted.
                CREATE TABLE events (
                    id INTEGER PRIMARY KEY,
                    complaint_id INTEGER NOT NULL REFERENCES complaints (id),
                    at INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    note TEXT
                );
                CREATE INDEX events_complaint ON events (complaint_id, at);
                CREATE TRIGGER events_never_change BEFORE UPDATE ON events
                    BEGIN SELECT RAISE(ABORT, 'events are never changed'); END;
                CREATE TRIGGER events_never_deleted BEFORE DELETE ON events
                    BEGIN SELECT RAISE(ABORT, 'events are never deleted'); END;

                -- Every message that reached aduan, with its original bytes.
                -- identity is what makes ingestion idempotent (§8).
                CREATE TABLE inbound_messages (
                    id INTEGER PRIMARY KEY,
                    identity TEXT NOT NULL UNIQUE,
                    source TEXT NOT NULL,
                    source_ref TEXT NOT NULL,
                    received_at INTEGER NOT NULL,
                    sender TEXT NOT NULL,
                    sender_kind TEXT NOT NULL,
                    text TEXT NOT NULL,
                    raw BLOB NOT NULL,
                    intent TEXT NOT NULL,
                    match_kind TEXT,
                    route TEXT,
                    complaint_id INTEGER REFERENCES complaints (id),
                    flags TEXT NOT NULL DEFAULT ''
                );
                CREATE INDEX inbound_sender ON inbound_messages (sender, received_at);
                CREATE INDEX inbound_complaint ON inbound_messages (complaint_id) WHERE complaint_id IS NOT NULL;

                -- Transactional outbox: a row commits with the event that caused
                -- it; the spooler turns it into a gateway file afterwards.
                CREATE TABLE outbox (
                    id INTEGER PRIMARY KEY,
                    recipient TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    text TEXT NOT NULL,
                    state TEXT NOT NULL,
                    complaint_id INTEGER REFERENCES complaints (id),
                    ticket TEXT,
                    inbound_id INTEGER REFERENCES inbound_messages (id),
                    created_at INTEGER NOT NULL,
                    not_before INTEGER,
                    spooled_at INTEGER,
                    spool TEXT,
                    file TEXT
                );
                CREATE INDEX outbox_unspooled ON outbox (state, id) WHERE state != 'spooled';
                CREATE INDEX outbox_recipient ON outbox (recipient, created_at);
                CREATE INDEX outbox_complaint ON outbox (complaint_id) WHERE complaint_id IS NOT NULL;

                -- Files that could not be parsed, for the count and the audit.
                CREATE TABLE rejections (
                    id INTEGER PRIMARY KEY,
                    source TEXT NOT NULL,
                    file TEXT NOT NULL,
                    moved_to TEXT,
                    reason TEXT NOT NULL,
                    at INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("v2 held multipart parts, log checkpoints") { db in
            try db.execute(sql: """
                -- Parts of concatenated SMS that arrived separately, held until
                -- the set is complete or the timeout passes. Kept after joining
                -- (joined_into), so a part delivered again is recognised.
                CREATE TABLE held_parts (
                    id INTEGER PRIMARY KEY,
                    identity TEXT NOT NULL UNIQUE,
                    source TEXT NOT NULL,
                    source_ref TEXT NOT NULL,
                    sender TEXT NOT NULL,
                    reference INTEGER NOT NULL,
                    total INTEGER NOT NULL,
                    sequence INTEGER NOT NULL,
                    text TEXT NOT NULL,
                    raw BLOB NOT NULL,
                    damaged INTEGER NOT NULL,
                    sent_at TEXT,
                    received_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    joined_into INTEGER REFERENCES inbound_messages (id)
                );
                CREATE INDEX held_parts_open ON held_parts (sender, reference, total) WHERE joined_into IS NULL;
                CREATE INDEX held_parts_expiry ON held_parts (expires_at) WHERE joined_into IS NULL;

                -- Where each tailed log was read up to; written in the same
                -- transaction as the messages it covers.
                CREATE TABLE log_checkpoints (
                    source TEXT PRIMARY KEY,
                    device INTEGER NOT NULL,
                    inode INTEGER NOT NULL,
                    offset INTEGER NOT NULL,
                    line INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("v3 lifecycle, opt-outs") { db in
            try db.execute(sql: """
                ALTER TABLE complaints ADD COLUMN first_response_at INTEGER;
                ALTER TABLE complaints ADD COLUMN closed_at INTEGER;
                ALTER TABLE complaints ADD COLUMN answer TEXT;
                ALTER TABLE complaints ADD COLUMN rating TEXT;
                ALTER TABLE complaints ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX complaints_agency ON complaints (agency, status) WHERE agency IS NOT NULL;
                CREATE INDEX complaints_open_due ON complaints (resolution_due) WHERE status NOT IN ('resolved', 'rejected');

                -- Numbers that sent STOP: no reminders, surveys or broadcasts.
                CREATE TABLE opt_outs (
                    number TEXT PRIMARY KEY,
                    at INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("v4 reminders") { db in
            try db.execute(sql: """
                ALTER TABLE complaints ADD COLUMN forwarded_at INTEGER;
                -- One row per stage per complaint, ever: the UNIQUE key is what
                -- keeps two overlapping cron runs from sending twice.
                CREATE TABLE reminders_sent (
                    id INTEGER PRIMARY KEY,
                    complaint_id INTEGER NOT NULL REFERENCES complaints (id),
                    stage TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    outcome TEXT NOT NULL,
                    UNIQUE (complaint_id, stage)
                );
                CREATE INDEX complaints_open_updated ON complaints (updated_at) WHERE status NOT IN ('resolved', 'rejected');
                CREATE INDEX complaints_resolved_closed ON complaints (closed_at) WHERE status = 'resolved';
                CREATE INDEX complaints_open_forwarded ON complaints (forwarded_at) WHERE status IN ('forwarded', 'in_progress');
                """)
        }
        // Immediate foreign key checks: the migration recreates no table, and
        // the default deferred check reads every foreign key in the database
        // before committing (tens of seconds at a million complaints).
        migrator.registerMigration("v5 reminder stages per complaint, due-scan and overdue indexes",
                                   foreignKeyChecks: .immediate) { db in
            try db.execute(sql: """
                -- The reminder stages a complaint has had, one bit each:
                -- desk_alert 1, agency_reminder 2, escalation 4,
                -- citizen_update 8, survey 16 (ReminderStage.bit), set by the
                -- trigger below from reminders_sent, which stays what keeps a
                -- stage to once. With the bits, each stage's due scan reads a
                -- partial index of the complaints still without that stage,
                -- instead of every complaint it ever reminded about (for the
                -- survey: every resolved complaint of every year).
                ALTER TABLE complaints ADD COLUMN reminded_stages INTEGER NOT NULL DEFAULT 0;
                UPDATE complaints SET reminded_stages = (
                    SELECT SUM(CASE stage WHEN 'desk_alert' THEN 1 WHEN 'agency_reminder' THEN 2 WHEN 'escalation' THEN 4
                                          WHEN 'citizen_update' THEN 8 WHEN 'survey' THEN 16 ELSE 0 END)
                    FROM reminders_sent WHERE complaint_id = complaints.id
                ) WHERE id IN (SELECT complaint_id FROM reminders_sent);
                CREATE TRIGGER reminders_sent_marks_complaint AFTER INSERT ON reminders_sent
                BEGIN
                    UPDATE complaints SET reminded_stages = reminded_stages
                        | CASE NEW.stage WHEN 'desk_alert' THEN 1 WHEN 'agency_reminder' THEN 2 WHEN 'escalation' THEN 4
                                         WHEN 'citizen_update' THEN 8 WHEN 'survey' THEN 16 ELSE 0 END
                    WHERE id = NEW.complaint_id;
                END;

                -- One per stage: the complaints in the stage's state that have
                -- not had it, by the time the stage counts from.
                CREATE INDEX complaints_due_desk_alert ON complaints (received_at)
                    WHERE status = 'received' AND (reminded_stages & 1) = 0;
                CREATE INDEX complaints_due_agency_reminder ON complaints (forwarded_at)
                    WHERE status IN ('forwarded', 'in_progress') AND (reminded_stages & 2) = 0;
                CREATE INDEX complaints_due_escalation ON complaints (resolution_due)
                    WHERE status NOT IN ('resolved', 'rejected') AND (reminded_stages & 4) = 0;
                CREATE INDEX complaints_due_citizen_update ON complaints (updated_at)
                    WHERE status NOT IN ('resolved', 'rejected') AND (reminded_stages & 8) = 0;
                CREATE INDEX complaints_due_survey ON complaints (closed_at)
                    WHERE status = 'resolved' AND rating IS NULL AND (reminded_stages & 16) = 0;

                -- The overdue list's second deadline, beside complaints_open_due:
                -- open and never answered, by first-response deadline.
                CREATE INDEX complaints_open_unanswered ON complaints (first_response_due)
                    WHERE status NOT IN ('resolved', 'rejected') AND first_response_at IS NULL;
                """)
        }
        // v4's index for the citizen-update scan, replaced by v5's
        // complaints_due_citizen_update (the scan names it with INDEXED BY);
        // no other query filters or sorts on updated_at. Every new complaint
        // and every desk action still wrote an entry to it.
        migrator.registerMigration("v6 drop complaints_open_updated", foreignKeyChecks: .immediate) { db in
            try db.execute(sql: "DROP INDEX complaints_open_updated")
        }
        // No query has ever looked up inbound messages by sender (a sender's
        // history is the complaints'), yet every message wrote an entry to
        // it, at a leaf page of its own when senders come in no order.
        migrator.registerMigration("v7 drop inbound_sender", foreignKeyChecks: .immediate) { db in
            try db.execute(sql: "DROP INDEX inbound_sender")
        }
        return migrator
    }
}
