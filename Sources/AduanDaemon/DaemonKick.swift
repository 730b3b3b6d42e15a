import Foundation

/// How another process (the CLI, `aduan remind`) tells a running daemon that
/// the outbox changed: it closes a file beside the database, which the daemon
/// watches with inotify. The daemon then spools what is due and sets its
/// timer for the next held SMS; nobody polls.
public enum DaemonKick {
    public static func name(forDatabase path: String) -> String {
        (path as NSString).lastPathComponent + ".kick"
    }

    public static func poke(database path: String) {
        let kick = (path as NSString).deletingLastPathComponent + "/" + name(forDatabase: path)
        let fd = open(kick, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o640)
        if fd >= 0 { close(fd) }
    }
}
