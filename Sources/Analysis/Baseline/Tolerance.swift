/// How far a metric may move the wrong way, relative to the baseline, before it counts as a
/// regression: `Tolerance(parsing: "10%")` is a fraction of 0.1. A change exactly at the
/// tolerance passes.
public struct Tolerance: Sendable, Equatable, Codable, CustomStringConvertible {
    public var fraction: Double

    public init(fraction: Double) {
        precondition(fraction >= 0 && fraction.isFinite, "a tolerance is a non-negative fraction")
        self.fraction = fraction
    }

    /// The default of `stampede gate --tolerance`.
    public static let `default` = Tolerance(fraction: 0.1)

    /// A tolerance that is not a percentage, as a sentence a user can act on.
    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public var text: String
        public init(text: String) { self.text = text }
        public var description: String {
            "tolerance \"\(text)\" is not a percentage; write it with a % sign, e.g. --tolerance 10% (0% means any "
                + "change the wrong way is a regression)"
        }
    }

    /// Parses `10%`, `2.5 %`, `0%`. A bare number is refused: `10` could mean 10 % or 1000 %.
    public init(parsing text: String) throws(ParseError) {
        let trimmed = text.trimmingSpaces()
        guard trimmed.hasSuffix("%"), let percent = Double(String(trimmed.dropLast()).trimmingSpaces()),
            percent.isFinite, percent >= 0
        else { throw ParseError(text: text) }
        self.init(fraction: percent / 100)
    }

    /// `10%`.
    public var description: String { Quantity.number(fraction * 100) + "%" }
}

extension Tolerance {
    /// Encoded as its text, `"10%"`, so baseline files read (and are edited) as they are written on a command line.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(parsing: text) } catch {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
