@testable import AduanStore
import AduanCore
import Foundation
import GRDB
import Testing

/// `complaints.reminded_stages` mirrors reminders_sent (migration v5), and
/// the due scans that read it find exactly what the NOT EXISTS alone found.
@Suite struct ReminderStagesTests {
    @Test func claimingAStageSetsItsBitOnce() throws {
        let fixture = try StoreFixture()
        try fixture.store.pool.write { db in
            let c = try fixture.complaint(db, age: fixture.days(30), firstResponseIn: -fixture.days(20),
                                          resolutionIn: -fixture.days(10))
            var expected = 0
            for stage in ReminderStage.allCases {
                #expect(try RemindersSent.claim(db, complaintID: c.id, stage: stage, outcome: "sent", at: fixture.now))
                #expect(try !RemindersSent.claim(db, complaintID: c.id, stage: stage, outcome: "sent", at: fixture.now))
                expected |= stage.bit
                let bits = try Int.fetchOne(db, sql: "SELECT reminded_stages FROM complaints WHERE id = ?", arguments: [c.id])
                #expect(bits == expected, "\(stage)")
            }
            #expect(Set(ReminderStage.allCases.map(\.bit)).count == ReminderStage.allCases.count)
        }
    }

    @Test func migrationFillsTheBitsOfEarlierReminders() throws {
        let root = NSTemporaryDirectory() + "aduan-store-v4-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: root + "/aduan.db")
        try Migrations.migrator.migrate(queue, upTo: "v4 reminders")
        try queue.write { db in
            for id in 1...3 {
                try db.execute(sql: """
                    INSERT INTO complaints (id, ticket, prefix, seq, route, region, sender, text, dedupe_key, match_kind,
                        received_at, priority, status, first_response_due, resolution_due, updated_at)
                    VALUES (?, ?, 'BJR', ?, 'BANJAR', 'Kabupaten Banjar', '6281234567890', 'jalan', 'jalan', 'exact',
                        0, 'normal', 'received', 0, 0, 0)
                    """, arguments: [id, "BJR-000\(id)", id])
            }
            for (id, stage) in [(1, "desk_alert"), (1, "escalation"), (2, "survey")] {
                try db.execute(sql: "INSERT INTO reminders_sent (complaint_id, stage, at, outcome) VALUES (?, ?, 0, 'sent')",
                               arguments: [id, stage])
            }
        }
        try Migrations.migrator.migrate(queue)
        let bits = try queue.read { db in try Int.fetchAll(db, sql: "SELECT reminded_stages FROM complaints ORDER BY id") }
        #expect(bits == [ReminderStage.deskAlert.bit | ReminderStage.escalation.bit, ReminderStage.survey.bit, 0])
    }

    /// Complaints in every state, some reminded: each stage's candidates are
    /// the complaints in the stage's state, past its cutoff, never claimed.
    @Test func candidatesAreTheUnclaimedOnesInTheStagesState() throws {
        let fixture = try StoreFixture()
        try fixture.store.pool.write { db in
            let d = fixture.days
            var all: [ComplaintRecord] = []
            for age in [0.5, 3.0, 10.0, 40.0] {
                all.append(try fixture.complaint(db, age: d(age), firstResponseIn: d(2 - age), resolutionIn: d(14 - age)))
                all.append(try fixture.complaint(db, age: d(age), firstResponseIn: d(2 - age), resolutionIn: d(14 - age),
                                                 actions: [(.forward(agency: "dpupr"), .forwarded)]))
                all.append(try fixture.complaint(db, age: d(age), firstResponseIn: d(2 - age), resolutionIn: d(14 - age),
                                                 actions: [(.forward(agency: "dpupr"), .forwarded), (.progress, .inProgress)]))
                all.append(try fixture.complaint(db, age: d(age), firstResponseIn: d(2 - age), resolutionIn: d(14 - age),
                                                 actions: [(.forward(agency: "dpupr"), .forwarded),
                                                           (.resolve(answer: "sudah"), .resolved)]))
                all.append(try fixture.complaint(db, age: d(age), firstResponseIn: d(2 - age), resolutionIn: d(14 - age),
                                                 actions: [(.reject(reason: "bukan"), .rejected)]))
            }
            // Every third complaint has had every stage already.
            for c in all where c.id % 3 == 0 {
                for stage in ReminderStage.allCases {
                    _ = try RemindersSent.claim(db, complaintID: c.id, stage: stage, outcome: "sent", at: fixture.now)
                }
            }
            let records = try all.compactMap { try Complaints.find(db, id: $0.id) }
            let cutoff = fixture.now.addingTimeInterval(-d(2))
            for stage in ReminderStage.allCases {
                let found = try RemindersSent.candidates(db, stage: stage, now: fixture.now, cutoff: cutoff, limit: 500,
                                                         afterID: 0).map(\.id)
                let expected = records.filter { c in
                    guard c.id % 3 != 0 else { return false }
                    let open = c.status != .resolved && c.status != .rejected
                    switch stage {
                    case .deskAlert: return c.status == .received && (c.firstResponseDue <= fixture.now || c.receivedAt <= cutoff)
                    case .agencyReminder:
                        return (c.status == .forwarded || c.status == .inProgress) && (c.forwardedAt ?? .distantFuture) <= cutoff
                    case .escalation: return open && c.resolutionDue <= fixture.now
                    case .citizenUpdate: return open && c.updatedAt <= cutoff
                    case .survey: return c.status == .resolved && c.rating == nil && (c.closedAt ?? .distantFuture) <= cutoff
                    }
                }.map(\.id)
                #expect(found == expected, "\(stage)")
                #expect(!found.isEmpty, "\(stage): the fixture should have some")
            }
        }
    }

    /// The overdue list is `isOverdue(at:)`, with and without other filters.
    @Test func overdueListIsIsOverdue() throws {
        let fixture = try StoreFixture()
        try fixture.store.pool.write { db in
            let d = fixture.days
            for age in [0.2, 2.0, 5.0, 20.0] {
                for (first, resolution) in [(-1.0, 5.0), (1.0, -1.0), (1.0, 5.0), (-3.0, -1.0)] {
                    try fixture.complaint(db, age: d(age), firstResponseIn: d(first), resolutionIn: d(resolution))
                    try fixture.complaint(db, age: d(age), firstResponseIn: d(first), resolutionIn: d(resolution),
                                          actions: [(.forward(agency: "dpupr"), .forwarded)])
                    try fixture.complaint(db, age: d(age), firstResponseIn: d(first), resolutionIn: d(resolution),
                                          actions: [(.forward(agency: "dinkes"), .forwarded), (.resolve(answer: "ok"), .resolved)])
                }
            }
            let all = try Complaints.list(db, ComplaintFilter())
            for status in [nil] + ComplaintStatus.allCases.map(Optional.some) {
                for agency in [nil, "dpupr"] {
                    let listed = try Complaints.list(db, ComplaintFilter(status: status, agency: agency, overdueAt: fixture.now))
                    let expected = all.filter {
                        $0.isOverdue(at: fixture.now) && (status == nil || $0.status == status)
                            && (agency == nil || $0.agency == agency)
                    }
                    #expect(listed.map(\.id) == expected.map(\.id), "status \(String(describing: status)) agency \(agency ?? "-")")
                }
            }
            #expect(try Complaints.list(db, ComplaintFilter(overdueAt: fixture.now)).count > 4)
        }
    }
}
