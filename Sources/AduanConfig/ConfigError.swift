/// One thing wrong with a config file, located so an operator can go straight to it.
public struct ConfigIssue: Sendable, Hashable, CustomStringConvertible {
    /// Absolute path of the config file.
    public var file: String
    /// 1-based line of the offending key (or of its table header when the key is
    /// missing); nil when the problem belongs to no line, like a missing section.
    public var line: Int?
    public var message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`, the form editors and `grep -n` users jump to.
    public var description: String {
        if let line { "\(file):\(line): \(message)" } else { "\(file): \(message)" }
    }
}

/// A config that was refused, with every problem found, not only the first:
/// an operator fixing a file should not have to run `check-config` once per typo.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var issues: [ConfigIssue]

    public init(issues: [ConfigIssue]) {
        self.issues = issues
    }

    public init(file: String, line: Int? = nil, message: String) {
        self.issues = [ConfigIssue(file: file, line: line, message: message)]
    }

    /// One line per issue.
    public var description: String {
        issues.map(\.description).joined(separator: "\n")
    }
}
