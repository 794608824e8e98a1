/// Everything a load run needs. Build it from flags (the CLI), from a scenario, or in code;
/// call ``validate()`` (``LoadRun`` does) to get every problem at once.
public struct LoadConfiguration: Sendable {
    public enum Mode: String, Sendable, Codable {
        /// Long-lived Server-Sent Event streams, `clients` of them, each looping stream after stream.
        case sse
        /// Request/response load.
        case http
    }

    /// How the clients talk HTTP.
    public enum Transport: String, Sendable, Codable, CaseIterable {
        /// `native` when every target is a plain `http://HOST[:PORT]/PATH`, else `curl`.
        case auto
        /// Stampede's own HTTP/1.1 client: non-blocking sockets on the engine's epoll, one shared
        /// read buffer per engine thread, keep-alive. Plain `http://` only.
        case native
        /// libcurl's multi interface (TLS, `https://`).
        case curl
    }

    /// How request/response load is driven.
    public enum Driver: Sendable, Equatable {
        /// Open model: arrivals at `rate` whatever the responses do; latency is timed from each
        /// arrival's intended start; an arrival that finds all `maxInFlight` slots busy is dropped
        /// and counted (as k6's `dropped_iterations`).
        case open(rate: Rate, maxInFlight: Int)
        /// Closed model: `vus` virtual users, each sends, waits for the response, thinks, repeats.
        case closed(vus: Int, think: Duration)
    }

    public struct Header: Sendable, Equatable, Codable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Per-request session ids drawn from a pool of `hotSet` ids, `prefix0 ... prefix(hotSet-1)`,
    /// substituted for `placeholder` in the URL, body and header values: uniformly, or with `zipf`
    /// set, Zipf(zipf) over the pool (session 0 the most popular). A small hot set, or a steep
    /// exponent, aims many requests at few sessions (lock contention). With `indexDigits` the index
    /// is zero-padded to that width (fixed-length ids such as UUIDs: `...-000000000042`).
    public struct SessionPool: Sendable, Equatable {
        public var hotSet: Int
        public var prefix: String
        public var placeholder: String
        public var indexDigits: Int
        /// The Zipf exponent (0 < s ≤ 10); nil: uniform.
        public var zipf: Double?
        /// The largest pool a Zipf draw may use (its table holds one Double per session and thread).
        public static let maxZipfSessions = 1_000_000
        /// Ids given one by one (sessions an API created, whose ids follow no pattern); nil:
        /// `prefix` + index.
        public var ids: [String]?

        /// A pool of these ids (`hotSet` of them), substituted for `placeholder`.
        public init(hotSet: Int, ids: [String], placeholder: String = "{session}") {
            self.init(hotSet: hotSet, prefix: "", placeholder: placeholder)
            self.ids = ids
        }
        public init(
            hotSet: Int, prefix: String = "session-", placeholder: String = "{session}", indexDigits: Int = 0,
            zipf: Double? = nil
        ) {
            self.hotSet = hotSet
            self.prefix = prefix
            self.placeholder = placeholder
            self.indexDigits = indexDigits
            self.zipf = zipf
        }

        /// The id of session `index`.
        public func id(_ index: Int) -> String {
            if let ids, index < ids.count { return ids[index] }
            let digits = String(index)
            return prefix + String(repeating: "0", count: max(0, indexDigits - digits.count)) + digits
        }
    }

    /// The `slow` profile.
    public struct SlowProfile: Sendable, Equatable {
        /// Receive cap in bytes per second. Default 1 KiB/s.
        public var bytesPerSecond: Int = 1024
        /// Socket receive buffer (`SO_RCVBUF`) in bytes; the kernel doubles and clamps it. Default 4 KiB.
        public var receiveBuffer: Int = 4096
        public init() {}
    }

    /// The `stalled` profile.
    public struct StallProfile: Sendable, Equatable {
        /// Time after the response headers when reading stops. Default 2 s.
        public var after: Duration = .seconds(2)
        /// How long reading stays stopped. Default 10 s.
        public var length: Duration = .seconds(10)
        /// After the stall, leave (close the connection and start afresh) instead of resuming.
        public var thenLeave = false
        public init() {}
    }

    public var mode: Mode
    /// The targets, `http://` or `https://`. The clients are split over them in contiguous blocks
    /// (client `k` of `N` on `targets[k·n/N]`, so each target gets the profile mix's proportions);
    /// open-model arrival `k` goes to `targets[k % n]`.
    public var targets: [String]
    /// The first target; setting it replaces all targets with this one.
    public var url: String {
        get { targets.first ?? "" }
        set { targets = [newValue] }
    }
    /// Default GET; POST when a body is given.
    public var method: String?
    /// A request body (sent as is; set `Content-Type` with a header).
    public var body: String?
    public var headers: [Header] = []
    public var sessionPool: SessionPool?

    /// Run length, measured from the start (ramp-up included). Default 30 s.
    public var duration: Duration = .seconds(30)
    /// Engine threads; each owns a share of the clients. Default: one per core.
    public var threads: Int = LoadConfiguration.defaultThreads
    /// Bytes read from a connection at a time (1024...524288): the native transport's one read
    /// buffer per engine thread, libcurl's receive buffer per transfer (`CURLOPT_BUFFERSIZE`, which
    /// is why it is small: memory per stream is what lets one process hold tens of thousands).
    /// Default 4 KiB.
    public var receiveBufferSize: Int = 4096
    /// Read tick: each engine thread collects ready sockets at most once per tick (sleeping
    /// between), so many reads share one wake-up. Event times are then exact to one tick, which the
    /// result and summary state. Zero (default): every read is timed as it happens.
    public var tick: Duration = .zero
    /// The HTTP client. Default `auto`: native for `http://` targets, libcurl for `https://`.
    public var transport: Transport = .auto
    /// The transport `auto` resolves to for these targets.
    public var effectiveTransport: Transport {
        switch transport {
        case .auto: targets.allSatisfy { HTTPEndpoint($0) != nil } ? .native : .curl
        case let t: t
        }
    }
    /// Per-connection TCP connect timeout. Default 10 s.
    public var connectTimeout: Duration = .seconds(10)
    /// Time from the request start to the end of the response headers. Default 10 s.
    public var headerTimeout: Duration = .seconds(10)
    /// Whole-request timeout (HTTP mode only; streams have none). Default 30 s.
    public var requestTimeout: Duration = .seconds(30)

    // SSE
    /// Concurrent SSE clients. Default 100.
    public var clients: Int = 100
    /// Connection ramp-up: new connections per second across all threads. Default 2000/s.
    public var ramp: Double = 2000
    public var mix: ProfileMix = .allFast
    public var slow = SlowProfile()
    public var stall = StallProfile()
    /// Reconnection delay when the server sent no `retry`. Default 1 s.
    public var reconnectDelay: Duration = .seconds(1)
    /// Pause before a client opens its next stream after one ends (normally or on error). Default 1 s.
    public var restartDelay: Duration = .seconds(1)
    /// First sequence number a stream must start at; nil accepts any. Default 1 (the reference server).
    public var firstSequence: UInt64? = 1
    /// The event types that carry content (an agent's output): the ones `time_to_first_content`,
    /// `content_gap` and the SLO's `ttfe` and `gap` look at. Default `message` (the SSE default
    /// type, so unnamed events count) and `partial` (the reference server's partial messages).
    public var contentEvents: Set<String> = ["message", "partial"]
    /// Goodput: the SLO every stream is judged against at its end (``StreamSLO``); nil: none.
    public var slo: StreamSLO?

    // HTTP
    public var driver: Driver = .open(rate: .perSecond(100), maxInFlight: 1000)

    /// This process's share of a sharded test (``Shard``); `.whole` runs all of it. Clients, VUs,
    /// rates and `maxInFlight` above are the whole test's.
    public var shard: Shard = .whole
    /// Keep each second's latency histograms too (``LoadResult/intervals``: HdrHistogram interval
    /// logs, time-aligned merges of shards). Off by default: scenario phases need only the totals.
    public var recordsIntervals = false

    public init(mode: Mode, url: String) {
        self.mode = mode
        self.targets = [url]
    }

    public init(mode: Mode, targets: [String]) {
        self.mode = mode
        self.targets = targets
    }

    public static var defaultThreads: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// The method actually used.
    public var effectiveMethod: String { method ?? (body == nil ? "GET" : "POST") }
}

#if canImport(Glibc)
import Glibc
#endif
