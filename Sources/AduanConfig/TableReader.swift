import Foundation
import AduanCore
import TOMLKit

/// The issues found so far, each placed on its line.
struct IssueLog {
    let file: String
    let lines: SourceLines
    private(set) var issues: [ConfigIssue] = []

    init(file: String, lines: SourceLines) {
        self.file = file
        self.lines = lines
    }

    /// An issue at `path`'s line, or its table's when the key itself is not written.
    mutating func add(_ message: String, at path: String) {
        issues.append(ConfigIssue(file: file, line: lines.line(path), message: message))
    }

    /// An issue that belongs to no line, like a section that is missing altogether.
    mutating func add(_ message: String) {
        issues.append(ConfigIssue(file: file, line: nil, message: message))
    }

    /// File order, so the list reads like the file; issues without a line come first.
    var sorted: [ConfigIssue] {
        issues.enumerated().sorted { a, b in
            let la = a.element.line ?? 0, lb = b.element.line ?? 0
            return la != lb ? la < lb : a.offset < b.offset
        }.map(\.element)
    }
}

/// Typed reads from one TOML table. A value of the wrong type is reported and
/// read as absent, so one mistake does not hide the others behind it.
struct TableReader {
    /// nil when the section is not in the file: every key reads as absent.
    let table: TOMLTable?
    /// Path of the table, e.g. `service` or `routes[1]`.
    let path: String
    /// How the operator wrote it, for messages: `[service]`, `[[routes]]`.
    let title: String

    func keyPath(_ key: String) -> String {
        SourceLines.join(path, key)
    }

    func has(_ key: String) -> Bool {
        table?[key] != nil
    }

    /// Reports every key not in `known`: a misspelt key must not silently
    /// leave a setting at its default.
    func rejectUnknown(_ known: [String], _ log: inout IssueLog) {
        guard let table else { return }
        for key in table.keys where !known.contains(key) {
            var message = "unknown key '\(key)' in \(title)"
            if let guess = Suggestion.closest(to: key, in: known) {
                message += "; did you mean '\(guess)'?"
            }
            log.add(message, at: keyPath(key))
        }
    }

    func requireKey(_ key: String, _ log: inout IssueLog) {
        if !has(key) { log.add("\(keyPath(key)) is required", at: keyPath(key)) }
    }

    /// `hint` completes "must be …", e.g. `a string like "24h"`.
    func string(_ key: String, _ log: inout IssueLog, hint: String = "a string") -> String? {
        guard let value = table?[key] else { return nil }
        guard let s = value.string else {
            log.add("\(keyPath(key)) must be \(hint)", at: keyPath(key))
            return nil
        }
        return s
    }

    /// A string that must say something: empty or blank is reported.
    func text(_ key: String, _ log: inout IssueLog, required: Bool = false) -> String? {
        if required { requireKey(key, &log) }
        guard let s = string(key, &log) else { return nil }
        let trimmed = s.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            log.add("\(keyPath(key)) must not be empty", at: keyPath(key))
            return nil
        }
        return trimmed
    }

    func int(_ key: String, _ log: inout IssueLog, hint: String = "a whole number") -> Int? {
        guard let value = table?[key] else { return nil }
        guard let n = value.int else {
            log.add("\(keyPath(key)) must be \(hint)", at: keyPath(key))
            return nil
        }
        return n
    }

    func bool(_ key: String, _ log: inout IssueLog) -> Bool? {
        guard let value = table?[key] else { return nil }
        guard let b = value.bool else {
            log.add("\(keyPath(key)) must be true or false", at: keyPath(key))
            return nil
        }
        return b
    }

    /// A list of strings; elements of another type are reported one by one.
    func strings(_ key: String, _ log: inout IssueLog, example: String = #"["a", "b"]"#) -> [String]? {
        guard let value = table?[key] else { return nil }
        guard let array = value.array else {
            log.add("\(keyPath(key)) must be a list of strings, like \(example)", at: keyPath(key))
            return nil
        }
        var result: [String] = []
        for (i, element) in array.enumerated() {
            guard let s = element.string else {
                log.add("\(keyPath(key))[\(i)] must be a string", at: "\(keyPath(key))[\(i)]")
                continue
            }
            result.append(s)
        }
        return result
    }

    /// A duration in the config's four forms. A zero deadline would make every
    /// complaint overdue the moment it arrives, so callers may refuse it.
    func duration(_ key: String, _ log: inout IssueLog, example: String, allowZero: Bool = true,
                  required: Bool = false) -> TimeSpan?
    {
        if required { requireKey(key, &log) }
        guard let s = string(key, &log, hint: "a string like \"\(example)\"") else { return nil }
        guard let span = TimeSpan(s) else {
            log.add(
                "\(keyPath(key)): \"\(s)\" is not a duration; use \"30m\", \"24h\", \"3d\" or \"5wd\"",
                at: keyPath(key))
            return nil
        }
        if !allowZero, span.isZero {
            log.add("\(keyPath(key)): \"\(s)\" must be longer than zero", at: keyPath(key))
            return nil
        }
        return span
    }

    /// A sub-table such as `[service]`; reports a key of that name that is not a table.
    static func section(_ name: String, in root: TOMLTable, _ log: inout IssueLog) -> TableReader {
        guard let value = root[name] else { return TableReader(table: nil, path: name, title: "[\(name)]") }
        guard let table = value.table else {
            log.add("\(name) must be a table: write it as a [\(name)] section", at: name)
            return TableReader(table: nil, path: name, title: "[\(name)]")
        }
        return TableReader(table: table, path: name, title: "[\(name)]")
    }

    /// The tables of `[[name]]`; an entry that is not a table is reported and skipped.
    static func arrayOfTables(_ name: String, in root: TOMLTable, _ log: inout IssueLog) -> [TableReader] {
        guard let value = root[name] else { return [] }
        guard let array = value.array else {
            log.add("\(name) must be a list of tables: write each one as [[\(name)]]", at: name)
            return []
        }
        var readers: [TableReader] = []
        for (i, element) in array.enumerated() {
            guard let table = element.table else {
                log.add("\(name)[\(i)] must be a table: write each one as [[\(name)]]", at: "\(name)[\(i)]")
                continue
            }
            readers.append(TableReader(table: table, path: "\(name)[\(i)]", title: "[[\(name)]]"))
        }
        return readers
    }
}

extension TimeSpan {
    var isZero: Bool {
        switch self {
        case .minutes(let n), .hours(let n), .days(let n), .workingDays(let n): n == 0
        }
    }
}
