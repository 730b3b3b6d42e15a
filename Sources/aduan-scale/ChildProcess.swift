import Foundation

/// One run of a real binary, timed as an operator's shell would see it:
/// wall time from spawn to exit, and the kernel's account of its peak
/// resident memory. `Process` does not report rusage, so the child is spawned
/// and reaped by hand (`posix_spawn`, `wait4`).
struct ChildProcess {
    struct Result {
        var status: Int32
        var seconds: Double
        /// Peak resident set (`ru_maxrss`), in KiB.
        var peakKiB: Int
        var userSeconds: Double
        var systemSeconds: Double
    }

    var executable: String
    var arguments: [String]
    var environment: [String: String] = ProcessInfo.processInfo.environment
    /// Where the child's standard output goes (`/dev/null` to time only).
    var stdout = "/dev/null"
    var stderr = "/dev/null"

    func run() throws -> Result {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        let argv = ([executable] + arguments).map { strdup($0) }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") }
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let started = monotonic()
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv + [nil], envp + [nil])
        guard spawned == 0 else { throw ScaleError("cannot run \(executable): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw ScaleError("wait for \(executable): \(String(cString: strerror(errno)))") }
        }
        let seconds = monotonic() - started
        // WIFEXITED/WEXITSTATUS are macros Swift does not import.
        let exit: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        func time(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return Result(status: exit, seconds: seconds, peakKiB: Int(usage.ru_maxrss),
                      userSeconds: time(usage.ru_utime), systemSeconds: time(usage.ru_stime))
    }
}
