@testable import AduanDaemon
import Foundation
import Logging
import Testing

@Suite struct LogfmtHandlerTests {
    final class Lines: @unchecked Sendable {
        let lock = NSLock()
        var lines: [String] = []
        func append(_ line: String) { lock.withLock { lines.append(line) } }
    }

    /// A gammu inbox file is named after its sender: whatever a caller puts in
    /// a value or an error, no number reaches the log whole.
    @Test func numbersInValuesAndErrorsAreMasked() {
        let lines = Lines()
        let logger = Logger(label: "test") { label in LogfmtHandler(label: label, output: { lines.append($0) }) }
        logger.info("ingested", metadata: ["file": "IN20261122_135900_00_+6281234567890_00.txt", "line": "42"])
        logger.error("archive_failed", metadata: ["error": "move /spool/IN20261122_135900_00_6285711112222_00.txt: EACCES"])
        #expect(lines.lines.count == 2)
        #expect(lines.lines[0].contains("file=IN20261122_135900_00_+62812****7890_00.txt"))
        #expect(lines.lines[0].contains("line=42"))
        #expect(lines.lines[1].contains("IN20261122_135900_00_62857****2222_00.txt"))
        for line in lines.lines {
            #expect(!line.contains("34567890") && !line.contains("11112222"), "\(line)")
        }
    }

    @Test("values are quoted and escaped so one event stays one parsable line", arguments: [
        ("BJR-0001", "BJR-0001"),
        ("", #""""#),
        ("two words", #""two words""#),
        ("a=b", #""a=b""#),
        ("tab\there", "\"tab\there\""),
        (#"say "hi""#, #""say \"hi\"""#),
        (#"C:\path"#, #"C:\path"#),
        (#"a \ b"#, #""a \\ b""#),
        ("line\nbreak", #"line\nbreak"#),
        ("cr\rhere", #"cr\rhere"#),
        ("two\nlines here", #""two\nlines here""#),
        ("jalan rusak di désa", #""jalan rusak di désa""#),
    ])
    func quoting(_ value: String, _ expected: String) {
        #expect(LogfmtHandler.quote(value) == expected)
    }

    @Test func timestampIsUTCWithMilliseconds() {
        let stamp = LogfmtHandler.timestamp()
        #expect(stamp.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil, "\(stamp)")
        // And it is now, as Foundation reads it.
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let parsed = parser.date(from: stamp)
        #expect(parsed.map { abs($0.timeIntervalSinceNow) < 5 } == true, "\(stamp)")
    }
}
