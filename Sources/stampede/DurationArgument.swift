import Analysis
import ArgumentParser
import LoadGen
import Server
import ServerConfig

/// A duration flag: `250ms`, `5s`, `2m`, `1h`, or a bare number of seconds.
struct DurationArgument: ExpressibleByArgument, Sendable {
    var duration: Duration

    init?(argument: String) {
        guard let d = Self.parse(argument) else { return nil }
        duration = d
    }

    static func parse(_ text: String) -> Duration? {
        DurationText.seconds(text).map(Duration.secondsDouble)
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

extension ServerProfile: ExpressibleByArgument {}
extension LoadConfiguration.Transport: ExpressibleByArgument {}
extension LockStrategy: ExpressibleByArgument {}
extension SSEDelivery: ExpressibleByArgument {}
extension AgentSlotPolicy: ExpressibleByArgument {}
