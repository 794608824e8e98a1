/// An arrival or connection rate: `500/s`, `30/m`, `2000/s`, or a linear ramp `100/s..1000/s`
/// (from the first rate at the start of the run to the second at its end).
public struct Rate: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Per second at the start.
    public var start: Double
    /// Per second at the end (equal to `start` for a constant rate).
    public var end: Double

    public struct ParseError: Error, CustomStringConvertible {
        public var description: String
    }

    public static func perSecond(_ r: Double) -> Rate { Rate(start: r, end: r) }

    public init(start: Double, end: Double) {
        self.start = start
        self.end = end
    }

    public init(parsing text: String) throws(ParseError) {
        let form = "expected N/s, N/m or a ramp N/s..M/s (e.g. 500/s, 100/s..1000/s)"
        let parts = text.split(separator: "..", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { throw ParseError(description: "'\(text)': \(form)") }
        guard let a = Self.single(parts[0]), let b = parts.count == 2 ? Self.single(parts[1]) : Self.single(parts[0])
        else { throw ParseError(description: "'\(text)': \(form)") }
        guard a > 0 || b > 0 else { throw ParseError(description: "'\(text)': the rate must be above zero; \(form)") }
        self.init(start: a, end: b)
    }

    private static func single(_ text: Substring) -> Double? {
        let pieces = text.split(separator: "/", omittingEmptySubsequences: false)
        guard pieces.count == 2, let n = Double(pieces[0]), n.isFinite, n >= 0 else { return nil }
        switch pieces[1] {
        case "s": return n
        case "m": return n / 60
        case "h": return n / 3600
        default: return nil
        }
    }

    public var isConstant: Bool { start == end }

    public var description: String {
        isConstant ? "\(Self.format(start))/s" : "\(Self.format(start))/s..\(Self.format(end))/s"
    }

    private static func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }
}
