/// Reads (N, throughput) points from CSV text: two comma-separated columns, an optional header
/// line (any first line whose first field is not a number), blank lines and `#` comments
/// ignored, `\n` or `\r\n` line endings. Errors name the line.
///
/// ```
/// N,throughput
/// 1,955.16
/// 2,1878.91
/// ```
public enum USLCSV {
    /// A CSV problem at a line (1-based), as a sentence a user can act on.
    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    public static func parse(_ text: String) throws(ParseError) -> [USLPoint] {
        var points: [USLPoint] = []
        var sawData = false
        var lastLine = 1
        // "\r\n" is one Character in Swift, and a newline: this splits LF, CRLF and CR alike.
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let lineNumber = index + 1
            var line = Substring(raw)
            if index == 0, line.hasPrefix("\u{FEFF}") { line = line.dropFirst() }
            let trimmed = line.trimmingSpaces()
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            lastLine = lineNumber
            let fields = trimmed.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces() }
            if !sawData && isHeaderField(fields[0]) {
                sawData = true  // the header: only allowed before any data line
                guard fields.count == 2 else {
                    throw ParseError(
                        line: lineNumber, message: "the header has \(fields.count) columns; expected 2 (N, throughput)."
                    )
                }
                continue
            }
            sawData = true
            guard fields.count == 2 else {
                throw ParseError(
                    line: lineNumber,
                    message:
                        "expected 2 comma-separated columns (N, throughput), found \(fields.count): \"\(trimmed)\"."
                )
            }
            guard let n = Double(fields[0]), n.isFinite else {
                throw ParseError(line: lineNumber, message: "N \"\(fields[0])\" is not a number.")
            }
            guard let x = Double(fields[1]), x.isFinite else {
                throw ParseError(line: lineNumber, message: "throughput \"\(fields[1])\" is not a number.")
            }
            guard n >= 1 else {
                throw ParseError(
                    line: lineNumber, message: "N is \(fields[0]); it is a concurrency and must be at least 1.")
            }
            guard x > 0 else {
                throw ParseError(
                    line: lineNumber, message: "throughput is \(fields[1]); it must be positive (drop failed runs).")
            }
            points.append(USLPoint(n: n, throughput: x))
        }
        if points.isEmpty {
            throw ParseError(line: lastLine, message: "no data rows; expected lines of \"N,throughput\".")
        }
        return points
    }

    /// A header names its columns: its first field starts with a letter or a quote. A malformed
    /// number such as `1.2.3` is a data error, not a header.
    private static func isHeaderField(_ field: Substring) -> Bool {
        guard let first = field.first else { return false }
        return (first.isLetter || first == "\"") && Double(field) == nil
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}
