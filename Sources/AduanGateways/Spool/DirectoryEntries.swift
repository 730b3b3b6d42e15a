import Glibc

/// The names in a spool directory, for the scans that look at every entry:
/// inbound files found at start-up, prepared replies left by a crash.
enum DirectoryEntries {
    /// Every name but `.` and `..`, in byte order; nil when the directory
    /// cannot be opened (errno says why). A name that is not UTF-8 is left
    /// out: no gateway and no part of aduan writes one.
    static func names(in path: String) -> [String]? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name: String? = withUnsafeBytes(of: &entry.pointee.d_name) { raw in
                String(validating: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if let name, name != ".", name != ".." { names.append(name) }
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
