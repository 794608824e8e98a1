import ArgumentParser
import Server

/// A duration flag: `250ms`, `5s`, `2m`, `1h`, or a bare number of seconds.
struct DurationArgument: ExpressibleByArgument, Sendable {
    var duration: Duration

    init?(argument: String) {
        guard let d = Self.parse(argument) else { return nil }
        duration = d
    }

    static func parse(_ text: String) -> Duration? {
        let units: [(String, Double)] = [("ms", 0.001), ("us", 0.000_001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let v = Double(text.dropLast(suffix.count)), v >= 0, v.isFinite else { return nil }
            return .secondsDouble(v * scale)
        }
        guard let v = Double(text), v >= 0, v.isFinite else { return nil }
        return .secondsDouble(v)
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

extension ServerProfile: ExpressibleByArgument {}
extension LockStrategy: ExpressibleByArgument {}
extension SSEDelivery: ExpressibleByArgument {}
extension AgentSlotPolicy: ExpressibleByArgument {}
