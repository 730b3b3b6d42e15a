import AduanConfig
import Testing

/// A config that must be refused with exactly these issues. Each expected
/// issue names a marker: its line is the first line of the TOML containing
/// the marker (nil: an issue with no line).
struct ErrorCase: Sendable, CustomTestStringConvertible {
    var name: String
    var toml: String
    var expected: [(message: String, marker: String?)]

    init(_ name: String, _ toml: String, _ expected: [(message: String, marker: String?)]) {
        self.name = name
        self.toml = toml
        self.expected = expected
    }

    init(_ name: String, _ toml: String, _ message: String, at marker: String?) {
        self.init(name, toml, [(message, marker)])
    }

    var testDescription: String { name }

    /// Issues as `line: message`, easy to compare and to read in a failure.
    func check(sourceLocation: SourceLocation = #_sourceLocation) {
        let got = Fixture.issues(toml).map { "\($0.line.map(String.init) ?? "-"): \($0.message)" }
        let want = expected.map { e -> String in
            let line = e.marker.map { marker -> String in
                guard let n = Fixture.line(of: marker, in: toml) else { return "marker \(marker) not found" }
                return String(n)
            }
            return "\(line ?? "-"): \(e.message)"
        }
        #expect(got == want, sourceLocation: sourceLocation)
    }
}
