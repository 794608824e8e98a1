import Backends

/// The simulated agent that replaces the Claude SDK: what one run emits, and how fast.
public struct AgentConfiguration: Sendable, Equatable, Codable {
    /// How many content (`message`) events a run emits between `init` and `result`.
    public enum RunLength: Sendable, Equatable, Codable, CustomStringConvertible {
        case fixed(Int)
        case uniform(min: Int, max: Int)
        case exponential(mean: Double)

        public var description: String {
            switch self {
            case .fixed(let n): return "\(n)"
            case .uniform(let a, let b): return "uniform:\(a)-\(b)"
            case .exponential(let m): return m == m.rounded() ? "exp:\(Int(m))" : "exp:\(m)"
            }
        }

        /// Parses `20`, `uniform:10-30` or `exp:20`.
        public init(parsing text: String) throws {
            if let n = Int(text), n >= 0 {
                self = .fixed(n)
            } else if text.hasPrefix("uniform:"), case let parts = text.dropFirst(8).split(separator: "-"),
                parts.count == 2, let a = Int(parts[0]), let b = Int(parts[1]), a >= 0, b >= a
            {
                self = .uniform(min: a, max: b)
            } else if text.hasPrefix("exp:"), let m = Double(text.dropFirst(4)), m > 0 {
                self = .exponential(mean: m)
            } else {
                throw ConfigurationError(
                    "invalid run length '\(text)': expected a count (20), uniform:MIN-MAX (uniform:10-30) or exp:MEAN (exp:20)"
                )
            }
        }
    }

    /// Content events per run.
    public var eventsPerRun: RunLength = .fixed(20)
    /// Time between two events of a run.
    public var eventInterval: Duration = .milliseconds(200)
    /// Approximate size in bytes of one `message` event's text.
    public var payloadBytes: Int = 300
    /// `partial` deltas emitted before each message when the request asks for them.
    public var partialsPerMessage: Int = 3
    /// Time before the first event (the SDK's start-up).
    public var startDelay: Duration = .zero
    /// Seed of the run-length and payload randomness (runs are reproducible).
    public var seed: UInt64 = 42

    public init() {}
}
