import ArgumentParser
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
    @Option(help: "libcurl receive buffer per connection, bytes (1024...524288). Default 4096.") var bufferSize: Int =
        4096
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
    @Option(help: "Write result.json here (plus NAME.<metric>.hgrm beside it).") var out: String?
    @Flag(help: "No live progress line even on a terminal.") var quiet = false

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
        for h in headers {
            guard let colon = h.firstIndex(of: ":"), colon != h.startIndex else {
                throw LoadUsageError(flag: "--header", message: "'\(h)': expected NAME:VALUE, e.g. X-API-Key:secret")
            }
            c.headers.append(
                .init(name: String(h[..<colon]), value: String(h[h.index(after: colon)...]).trimmingLeadingSpaces()))
        }
        if zipf != nil && hotSet == nil {
            throw LoadUsageError(flag: "--zipf", message: "needs --hot-set M: the number of sessions to draw from")
        }
        if let hotSet { c.sessionPool = .init(hotSet: hotSet, prefix: sessionPrefix, zipf: zipf) }
        return c
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
