import Histogram

/// The outcome of a run. Encoded as `result.json` (schema in docs/result-schema.md).
public struct LoadResult: Sendable, Codable {
    public static let currentSchemaVersion = 1

    public struct Target: Sendable, Codable, Equatable {
        public var url: String
        public var method: String
    }

    /// The settings that shaped the run.
    public struct Settings: Sendable, Codable, Equatable {
        public var durationSeconds: Double
        public var threads: Int
        public var receiveBufferSize: Int
        /// The HTTP client used: `native` or `curl` (absent in results before it was recorded).
        public var transport: String?
        /// The read tick in milliseconds: event times are exact to this; nil: exact per read.
        public var tickMilliseconds: Double?
        public var clients: Int?
        public var mix: String?
        public var rampPerSecond: Double?
        public var rate: String?
        public var maxInFlight: Int?
        public var vus: Int?
        public var thinkSeconds: Double?
        public var sessionHotSet: Int?
        /// The Zipf exponent of the session draws; nil: uniform.
        public var sessionZipf: Double?
        /// SSE: the content event types, comma-separated; the SLO streams were judged against.
        public var contentEvents: String?
        public var slo: String?
    }

    /// Goodput (vLLM's definition): the streams that completed and met every SLO term.
    public struct Goodput: Sendable, Codable, Equatable {
        public var slo: String
        /// Streams judged: every stream that ended, completed or not.
        public var streams: Int
        public var good: Int
        /// good / streams; nil when no stream ended.
        public var share: Double?
        /// Good streams per second of the run.
        public var perSecond: Double
        public var missedFirstContent: Int
        public var missedGap: Int
        public var missedCompletion: Int
        public var incomplete: Int

        public init(slo: String, counters c: LoadCounters, elapsedSeconds: Double) {
            self.slo = slo
            streams = c.sloStreams
            good = c.sloGood
            share = c.sloStreams > 0 ? Double(c.sloGood) / Double(c.sloStreams) : nil
            perSecond = Double(c.sloGood) / max(elapsedSeconds, 0.001)
            missedFirstContent = c.sloMissedFirstContent
            missedGap = c.sloMissedGap
            missedCompletion = c.sloMissedCompletion
            incomplete = c.sloIncomplete
        }
    }

    public struct Rates: Sendable, Codable, Equatable {
        public var eventsPerSecond: Double
        public var bytesPerSecond: Double
        public var requestsPerSecond: Double
    }

    public var schema = "stampede.load-result"
    public var schemaVersion = LoadResult.currentSchemaVersion
    public var mode: LoadConfiguration.Mode
    public var target: Target
    public var settings: Settings
    public var startedAtUnixSeconds: Double
    public var elapsedSeconds: Double
    /// True when stopped before `durationSeconds` (SIGINT, `stop()`, task cancellation).
    public var stoppedEarly: Bool
    public var counters: LoadCounters
    public var rates: Rates
    /// Errors by kind (see ``EngineMetrics/errors``).
    public var errors: [String: Int]
    /// SSE `error` events by kind (``EngineMetrics/errorEvents``): not errors of the client, which
    /// got a 200 stream, but what the server said went wrong inside it.
    public var errorEvents: [String: Int]
    /// SSE: clients and body bytes received per profile (profiles with clients only).
    public var clientsByProfile: [String: Int]
    public var bytesByProfile: [String: Int]
    /// Keyed by ``LatencyMetric`` raw value; only metrics with samples.
    public var latency: [String: LatencySummary]
    public var series: [SecondSample]
    public var generator: GeneratorCost
    /// Each second's latency histograms by ``LatencyMetric`` raw value, when the run kept them
    /// (``LoadConfiguration/recordsIntervals``; `stampede load --out` does). nil: not recorded.
    public var intervals: [String: [LatencyInterval]]?
    /// A shard's result: which share of the whole test this process ran (`settings` are the
    /// whole test's). nil: the whole test in one process, or a merge of shards (see `merged`).
    public var shard: ShardShare?
    /// A merge of shards (`stampede merge`): which files and what each generator cost.
    public var merged: MergeInfo?
    /// With an SLO (`--slo`): the share and rate of streams that met it, and what the others missed.
    public var goodput: Goodput?

    /// This process's share of a sharded test.
    public struct ShardShare: Sendable, Codable, Equatable {
        public var index: Int
        public var count: Int
        /// The shard's clients (SSE) or VUs (closed model), and open-model slots.
        public var clients: Int?
        public var vus: Int?
        public var maxInFlight: Int?
        /// The instant the whole test started (`--start-at`), the same in every shard; nil when
        /// the shard started by itself.
        public var testStartUnixSeconds: Double?
    }

    /// What a merged result was made of.
    public struct MergeInfo: Sendable, Codable, Equatable {
        public var shards: [MergedShard]
        /// The start instant every second of the merged series counts from (the earliest shard's).
        public var originUnixSeconds: Double
    }

    /// One shard of a merge: where it came from, when it started, what its generator cost.
    public struct MergedShard: Sendable, Codable, Equatable {
        public var index: Int
        public var file: String
        public var startedAtUnixSeconds: Double
        public var elapsedSeconds: Double
        public var stoppedEarly: Bool
        public var generator: GeneratorCost
    }

    /// Nothing succeeded (the target is down, or every request failed).
    public var nothingSucceeded: Bool { counters.succeeded == 0 }
    public var totalErrors: Int { errors.values.reduce(0, +) }

    /// The `.hgrm` percentile spectrum of a metric, in milliseconds, or nil without samples.
    public func hgrm(_ metric: LatencyMetric) -> String? {
        guard let summary = latency[metric.rawValue], summary.count > 0 else { return nil }
        var text = ""
        summary.histogram().outputPercentileDistribution(to: &text, outputValueUnitScalingRatio: 1000)
        return text
    }
}
