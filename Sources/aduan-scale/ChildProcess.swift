import Foundation

/// One run of a real binary, timed as an operator's shell would see it:
/// wall time from spawn to exit, CPU time, and peak resident memory.
/// `Process` does not report rusage, so the child is spawned and reaped by
/// hand (`posix_spawn`, `wait4`).
///
/// The peak memory comes from GNU time when it is installed: glibc's
/// `posix_spawn` runs the child in the parent's address space until `exec`,
/// and Linux then starts the child's `ru_maxrss` at the parent's peak, so
/// `wait4` alone reports this tool's memory whenever it is the larger.
/// `/usr/bin/time` forks from its own small address space instead.
struct ChildProcess {
    struct Result {
        var status: Int32
        var seconds: Double
        /// Peak resident set, in KiB.
        var peakKiB: Int
        /// False when GNU time was missing and `peakKiB` is `ru_maxrss`, an upper bound.
        var peakIsExact: Bool
        var userSeconds: Double
        var systemSeconds: Double
    }

    static let gnuTime = "/usr/bin/time"

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

        let peakFile = NSTemporaryDirectory() + "aduan-scale-peak-\(getpid())-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: peakFile) }
        let timed = FileManager.default.isExecutableFile(atPath: Self.gnuTime)
        let command = (timed ? [Self.gnuTime, "-f", "%M", "-o", peakFile] : []) + [executable] + arguments
        let argv = command.map { strdup($0) }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") }
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let started = monotonic()
        let spawned = posix_spawn(&pid, command[0], &actions, nil, argv + [nil], envp + [nil])
        guard spawned == 0 else { throw ScaleError("cannot run \(command[0]): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw ScaleError("wait for \(executable): \(String(cString: strerror(errno)))") }
        }
        let seconds = monotonic() - started
        // WIFEXITED/WEXITSTATUS are macros Swift does not import.
        let exit: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        func time(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        let measured = timed
            ? (try? String(contentsOfFile: peakFile, encoding: .utf8)).flatMap {
                Int($0.split(separator: "\n").last.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? "")
            }
            : nil
        return Result(status: exit, seconds: seconds, peakKiB: measured ?? Int(usage.ru_maxrss), peakIsExact: measured != nil,
                      userSeconds: time(usage.ru_utime), systemSeconds: time(usage.ru_stime))
    }
}
