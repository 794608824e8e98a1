import ArgumentParser
import Foundation
import LoadGen
import Server

/// Flags shared by `stampede load sse` and `stampede load http`. URL, durations, rates and mixes
/// are taken as text and parsed here, so bad input gets one line naming the flag and exit code 64.
struct LoadCommonOptions: ParsableArguments {
    @Option(
        name: .customLong("url"),
        help: """
            Target URL (http:// or https://); repeat it to spread the clients over several targets \
            (an equal share each). `{session}` is replaced per request when --hot-set is given.
            """)
    var urls: [String] = []
    @Option(help: "HTTP method. Default GET, or POST with --body.") var method: String?
    @Option(help: "Request body (e.g. JSON); set Content-Type with --header.") var body: String?
    @Option(name: .customLong("header"), help: "A request header NAME:VALUE (repeatable), e.g. X-API-Key:secret.")
    var headers: [String] = []
    @Option(help: "Run length: 250ms, 60s, 2m. Default 30s.") var duration: String = "30s"
    @Option(help: "Engine threads. Default: one per core.") var threads: Int?
    @Option(
        help: """
            Bytes read from a connection at a time (1024...524288): the native transport's one buffer \
            per engine thread, libcurl's buffer per connection. Default 4096.
            """)
    var bufferSize: Int = 4096
    @Option(
        help: """
            HTTP client: native (Stampede's HTTP/1.1 on epoll, plain http:// only, the least CPU and \
            memory per connection), curl (libcurl, for https://), or auto (native when every --url is \
            plain http://). Default auto.
            """)
    var transport: LoadConfiguration.Transport = .auto
    @Option(
        help: """
            Read tick: each engine thread collects ready connections at most once per tick, so one \
            wake-up serves many reads (less CPU per event); event times are then exact to the tick, \
            which the summary and result state. 0 (default) times every read as it happens. E.g. 1ms.
            """)
    var tick: String = "0"
    @Option(help: "TCP connect timeout. Default 10s.") var connectTimeout: String = "10s"
    @Option(help: "Time allowed until the response headers. Default 10s.") var headerTimeout: String = "10s"
    @Option(help: "Draw a session id per request from this many ids (session-0 ...) for `{session}`.")
    var hotSet: Int?
    @Option(
        help:
            "With --hot-set M: draw sessions Zipf(S) over the M ids (session-0 the most popular; 1.1 is typical) instead of uniformly."
    )
    var zipf: Double?
    @Option(help: "Prefix of the pooled session ids. Default session-.") var sessionPrefix: String = "session-"
    @Option(
        help:
            "Write result.json here (plus NAME.<metric>.hgrm percentile spectra and NAME.<metric>.hlog HdrHistogram interval logs beside it)."
    )
    var out: String?
    @Flag(help: "No live progress line even on a terminal.") var quiet = false
    @Option(
        help: ArgumentHelp(
            "Run only this share of the test: shard INDEX of COUNT (0-based), e.g. 0/4 ... 3/4. Clients, --rate, --vus and --max-in-flight stay the whole test's; merge the shards' results with `stampede merge`.",
            valueName: "INDEX/COUNT"))
    var shard: String?
    @Option(
        help: ArgumentHelp(
            "Run shard $JOB_COMPLETION_INDEX of COUNT (a Kubernetes Indexed Job's pod index).", valueName: "COUNT"))
    var shards: Int?
    @Option(
        help: ArgumentHelp(
            "Start at this wall-clock time (Unix seconds or RFC 3339, e.g. 2026-12-03T10:00:00Z), so that shards start together; the run ends at TIME + --duration.",
            valueName: "TIME"))
    var startAt: String?

    /// The configuration, or exit 64 with a one-line message naming the flag.
    func configuration(mode: LoadConfiguration.Mode) throws -> LoadConfiguration {
        guard !urls.isEmpty else {
            throw LoadUsageError(
                flag: "--url", message: "is required: the target, e.g. --url http://127.0.0.1:8080/events")
        }
        var c = LoadConfiguration(mode: mode, targets: urls)
        c.method = method?.uppercased()
        c.body = body
        c.duration = try parseDuration(duration, flag: "--duration")
        c.connectTimeout = try parseDuration(connectTimeout, flag: "--connect-timeout")
        c.headerTimeout = try parseDuration(headerTimeout, flag: "--header-timeout")
        c.threads = threads ?? LoadConfiguration.defaultThreads
        c.receiveBufferSize = bufferSize
        c.transport = transport
        c.tick = tick == "0" || tick == "off" ? .zero : try parseDuration(tick, flag: "--tick")
        c.headers += try headers.map(Self.header)
        if zipf != nil && hotSet == nil {
            throw LoadUsageError(flag: "--zipf", message: "needs --hot-set M: the number of sessions to draw from")
        }
        if let hotSet { c.sessionPool = .init(hotSet: hotSet, prefix: sessionPrefix, zipf: zipf) }
        c.shard = try parseShard(environment: ProcessInfo.processInfo.environment)
        c.recordsIntervals = out != nil
        return c
    }

    /// A `--header NAME:VALUE`.
    static func header(_ h: String) throws -> LoadConfiguration.Header {
        guard let colon = h.firstIndex(of: ":"), colon != h.startIndex else {
            throw LoadUsageError(flag: "--header", message: "'\(h)': expected NAME:VALUE, e.g. X-API-Key:secret")
        }
        return .init(name: String(h[..<colon]), value: String(h[h.index(after: colon)...]).trimmingLeadingSpaces())
    }

    /// Builds the configuration (`make`: a bad flag is one line and exit 64), then runs it.
    func execute(_ make: () throws -> LoadConfiguration) async throws {
        let c: LoadConfiguration
        let startAt: Double?
        do {
            c = try make()
            startAt = try startTime(duration: c.duration, now: Date().timeIntervalSince1970)
        } catch let e as LoadUsageError { LoadReporter.fail(e) }
        try await LoadReporter.execute(c, out: out, quiet: quiet, startAt: startAt)
    }

    /// `--shard INDEX/COUNT`, or `--shards COUNT` with the index from `JOB_COMPLETION_INDEX`.
    func parseShard(environment: [String: String]) throws -> Shard {
        switch (shard, shards) {
        case (nil, nil):
            return .whole
        case (.some, .some):
            throw LoadUsageError(
                flag: "--shards", message: "and --shard are two ways to say the same: give one of them")
        case (let text?, nil):
            do { return try Shard(parsing: text) } catch {
                throw LoadUsageError(flag: "--shard", message: error.description)
            }
        case (nil, let count?):
            guard let raw = environment["JOB_COMPLETION_INDEX"] else {
                throw LoadUsageError(
                    flag: "--shards",
                    message:
                        "\(count) takes the shard index from JOB_COMPLETION_INDEX (set in a Kubernetes Indexed Job's pods), which is not set; outside Kubernetes give --shard INDEX/\(count)"
                )
            }
            do { return try Shard(parsing: "\(raw)/\(count)") } catch {
                throw LoadUsageError(
                    flag: "--shards", message: "with JOB_COMPLETION_INDEX=\(raw): \(error.description)")
            }
        }
    }

    /// `--start-at` as Unix seconds, checked against now and the run's length; nil when not given.
    func startTime(duration: Duration, now: Double) throws -> Double? {
        guard let startAt else { return nil }
        guard let t = StartTime.parse(startAt) else {
            throw LoadUsageError(
                flag: "--start-at",
                message: "'\(startAt)': expected Unix seconds (1796292000) or RFC 3339 (2026-12-03T10:00:00Z)")
        }
        if t > now + 86_400 {
            throw LoadUsageError(
                flag: "--start-at", message: "'\(startAt)' is more than a day ahead; expected a time within 24 h")
        }
        if t + Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18 <= now {
            throw LoadUsageError(
                flag: "--start-at",
                message:
                    "'\(startAt)' plus --duration is already past: the test it starts is over; give a time ahead of now"
            )
        }
        return t
    }
}

/// Wall-clock times on the command line: Unix seconds or RFC 3339.
enum StartTime {
    static func parse(_ text: String) -> Double? {
        if let seconds = Double(text), seconds.isFinite, seconds > 0 { return seconds }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date.timeIntervalSince1970 }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)?.timeIntervalSince1970
    }
}

/// A bad flag: printed as one line, exit code 64.
struct LoadUsageError: Error, CustomStringConvertible {
    var flag: String
    var message: String
    var description: String { "error: \(flag) \(message)" }
}

func parseDuration(_ text: String, flag: String) throws -> Duration {
    guard let d = DurationArgument.parse(text), d > .zero else {
        throw LoadUsageError(flag: flag, message: "'\(text)': expected a duration above zero like 500ms, 60s, 2m or 1h")
    }
    return d
}

func parseRate(_ text: String, flag: String) throws -> Rate {
    do { return try Rate(parsing: text) } catch { throw LoadUsageError(flag: flag, message: error.description) }
}

extension String {
    func trimmingLeadingSpaces() -> String { String(drop(while: { $0 == " " })) }
}
