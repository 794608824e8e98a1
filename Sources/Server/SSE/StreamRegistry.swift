import Foundation
import NIOCore
import ServerConfig
import Synchronization

/// The streams of one server instance, by stream id: for resume, for `/metrics`, and for the one
/// housekeeping clock (pings, slow-consumer deadlines, resume windows) that serves them all.
public final class StreamRegistry: Sendable {
    let configuration: ServerConfiguration
    let metrics: ServerMetrics
    private let streams = Mutex<[String: EventStream]>([:])

    init(configuration: ServerConfiguration, metrics: ServerMetrics) {
        self.configuration = configuration
        self.metrics = metrics
    }

    func make() -> EventStream {
        let resumable = configuration.sseDelivery == .bounded && configuration.slowConsumerDeadline != nil
        let stream = EventStream(
            id: Self.newStreamID(),
            capacity: configuration.sseDelivery == .bounded ? configuration.sseQueue : nil,
            retainForResume: resumable ? configuration.sseQueue : 0,
            spillLimit: resumable ? configuration.cutSpillBytes : 0,
            metrics: metrics)
        streams.withLock { $0[stream.id] = stream }
        return stream
    }

    func stream(_ id: String) -> EventStream? { streams.withLock { $0[id] } }

    func remove(_ stream: EventStream) { _ = streams.withLock { $0.removeValue(forKey: stream.id) } }

    var count: Int { streams.withLock { $0.count } }

    /// The largest queue of one stream, in bytes.
    var largestQueuedBytes: Int {
        streams.withLock { Array($0.values) }.reduce(0) { max($0, $1.queuedBytes) }
    }

    /// How often streams are checked: a quarter of the slow-consumer deadline (at most 100 ms,
    /// at least 10 ms), else once a second, which is plenty for pings and resume windows and keeps
    /// the scan of 10,000 idle streams off the CPU.
    var housekeepingTick: Duration {
        guard let d = configuration.slowConsumerDeadline else { return .seconds(1) }
        return min(.milliseconds(100), max(.milliseconds(10), d / 4))
    }

    /// Runs the housekeeping clock until cancelled.
    func runHousekeeping() async {
        let tick = housekeepingTick
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        while !Task.isCancelled {
            try? await Task.sleep(for: tick)
            let now = ContinuousClock.now
            var pingText: String?
            for s in streams.withLock({ Array($0.values) }) {
                let action = s.housekeeping(now: now, configuration: configuration) {
                    if pingText == nil { pingText = formatter.string(from: Date()) }
                    return pingText!
                }
                switch action {
                case .none: break
                case .closeChannel(let ch): ch.close(promise: nil)
                case .abandon:
                    s.abandon()
                    remove(s)
                }
            }
        }
    }

    /// Graceful shutdown: every stream ends after its current event with `done`.
    func endAll() {
        for s in streams.withLock({ Array($0.values) }) { s.terminate() }
    }

    private static func newStreamID() -> String {
        var g = SystemRandomNumberGenerator()
        let v = g.next() as UInt64
        let hex = String(v, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
