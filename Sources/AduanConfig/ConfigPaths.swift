/// Paths in the config are relative to the config file's own directory (§9),
/// so the daemon finds the same files whatever directory systemd or an
/// operator starts it from.
enum ConfigPaths {
    /// `path` made absolute against `directory`, with `.` and `..` folded away
    /// lexically (symlinks are not resolved: the operator's spelling is kept).
    static func resolve(_ path: String, against directory: String) -> String {
        let joined = path.hasPrefix("/") ? path : directory + "/" + path
        return normalize(joined)
    }

    /// `/a/b/../c/./d/` → `/a/c/d`; never climbs above `/`.
    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The directory holding `file`, itself absolute.
    static func directory(of file: String) -> String {
        let normalized = normalize(file)
        guard let slash = normalized.lastIndex(of: "/"), slash != normalized.startIndex else { return "/" }
        return String(normalized[..<slash])
    }
}
