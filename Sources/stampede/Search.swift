import Analysis
import ArgumentParser
import Foundation
import LoadGen
import Orchestration
import Reports

/// `stampede search`: the most concurrent streams a target serves within an SLO.
struct Search: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find the most streams (or requests/s) a target serves within an SLO (bracket, then bisect).",
        discussion: """
            Each step holds N streams (the request below, ramped at --ramp) for --step once all are \
            open, and judges every stream that ended against --slo (as `stampede load --slo`: ttfe, \
            gap.pNN or gap.max, completion). A step passes when at least --min-goodput of its \
            streams met the SLO and at most 1 % of requests failed. The search starts at the low end \
            of --clients, doubles until a step fails (or the high end passes), then bisects between \
            the highest pass and the lowest fail until they are within --precision. A step stops early, \
            and fails, when the target is over-saturated: more than 10 % of requests failed after 3 s, \
            or with every stream open the events per stream per second fell below half of the first \
            3 s at full load (latency growing over the step).

            With --rate LOW/s..HIGH/s the load is an open-model request load instead (arrivals per \
            second whatever the answers do, as `stampede load http --rate`): a request is good when \
            it completed within --slo 'latency<200ms' of its intended start, and an arrival dropped \
            at --max-in-flight or failed is a miss; a step stops early when more than 10 % of the \
            arrivals failed or were dropped after 3 s.

            Prints each step and the answer (`max_load`); --json prints the steps and the answer as \
            JSON instead. Writes search.json, search.md and search.html (the curve, the answer marked) \
            into --output.

            Example:
              stampede search --url http://127.0.0.1:8080/api/v1/query --method POST \\
                --header X-API-Key:KEY --header Content-Type:application/json --body '{"prompt":"hi"}' \\
                --slo 'ttfe<1s,gap.p99<500ms' --clients 50..5000 --step 20s
            """)

    @Option(name: .customLong("url"), help: "Target URL; repeat it to spread the streams over several targets.")
    var urls: [String] = []
    @Option(help: "HTTP method. Default GET, or POST with --body.") var method: String?
    @Option(help: "Request body (e.g. JSON).") var body: String?
    @Option(name: .customLong("header"), help: "A request header NAME:VALUE (repeatable).") var headers: [String] = []
    @Option(
        help: ArgumentHelp(
            "The SLO: for streams, e.g. 'ttfe<1s,gap.p99<500ms'; with --rate, a request latency bound 'latency<200ms'.",
            valueName: "SLO"))
    var slo: String
    @Option(help: ArgumentHelp("Search concurrent SSE streams in LOW..HIGH.", valueName: "LOW..HIGH")) var clients:
        String?
    @Option(
        help: ArgumentHelp(
            "Search an open-model request load instead: arrivals per second in LOW/s..HIGH/s (latency from each arrival's intended start).",
            valueName: "LOW/s..HIGH/s"))
    var rate: String?
    @Option(help: "With --rate: most requests in flight; an arrival beyond it is dropped (a miss). Default 1000.")
    var maxInFlight: Int = 1000
    @Option(help: "Share of a step's streams that must meet the SLO. Default 95%.") var minGoodput: String = "95%"
    @Option(help: "Length of a step once every stream is open. Default 20s.") var step: String = "20s"
    @Option(help: "Stop when the highest pass and the lowest fail are this close. Default 10%.") var precision: String =
        "10%"
    @Option(help: "Profiles by weight, as `stampede load sse --mix`. Default fast.") var mix: String = "fast:1"
    @Option(help: "Connection ramp-up rate. Default 500/s.") var ramp: String = "500/s"
    @Option(help: "Pause before a client opens its next stream. Default 100ms.") var restartDelay: String = "100ms"
    @Option(help: "Event types that carry content. Default message,partial.") var contentEvents: String =
        "message,partial"
    @Option(help: "Directory for search.json, search.md and search.html.") var output: String = "reports/search"
    @Flag(help: "Print the steps and the answer as JSON.") var json = false
    @Flag(help: "No step lines on stderr.") var quiet = false

    static func parseRange(_ text: String) -> ClosedRange<Int>? {
        let parts = text.components(separatedBy: "..")
        guard parts.count == 2, let lo = Int(parts[0]), let hi = Int(parts[1]), lo >= 1, hi >= lo, hi <= 100_000 else {
            return nil
        }
        return lo...hi
    }

    static func parseShare(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let v = t.hasSuffix("%") ? Double(t.dropLast()).map { $0 / 100 } : Double(t)
        guard let v, v > 0, v <= 1 else { return nil }
        return v
    }

    /// `--rate 10/s..2000/s` as whole arrivals per second.
    static func parseRateRange(_ text: String) -> ClosedRange<Int>? {
        guard let r = try? Rate(parsing: text), !r.isConstant, r.start >= 1, r.end >= r.start, r.end <= 1_000_000 else {
            return nil
        }
        return Int(r.start.rounded())...Int(r.end.rounded())
    }

    /// `latency<200ms` or `latency<=200ms`.
    static func parseLatencySLO(_ text: String) -> (bound: Duration, inclusive: Bool)? {
        let t = text.filter { $0 != " " }
        let inclusive = t.hasPrefix("latency<=")
        guard t.hasPrefix("latency<") else { return nil }
        guard let d = DurationArgument.parse(String(t.dropFirst(inclusive ? 9 : 8))), d > .zero else { return nil }
        return (d, inclusive)
    }

    func validate() throws {
        if urls.isEmpty {
            throw ValidationError("--url is required: the target, e.g. --url http://127.0.0.1:8080/events")
        }
        switch (clients, rate) {
        case (nil, nil): throw ValidationError("give --clients LOW..HIGH (streams) or --rate LOW/s..HIGH/s (requests)")
        case (.some, .some): throw ValidationError("--clients and --rate are two searches: give one of them")
        case (let c?, nil):
            if Self.parseRange(c) == nil {
                throw ValidationError(
                    "--clients '\(c)': expected LOW..HIGH streams with 1 <= LOW <= HIGH <= 100000, e.g. 50..5000")
            }
        case (nil, let r?):
            if Self.parseRateRange(r) == nil {
                throw ValidationError("--rate '\(r)': expected LOW/s..HIGH/s with 1 <= LOW < HIGH, e.g. 10/s..2000/s")
            }
            if Self.parseLatencySLO(slo) == nil {
                throw ValidationError(
                    "--slo '\(slo)': with --rate, expected a request latency bound such as latency<200ms")
            }
            if maxInFlight < 1 { throw ValidationError("--max-in-flight: at least 1") }
        }
        if Self.parseShare(minGoodput) == nil {
            throw ValidationError("--min-goodput '\(minGoodput)': expected a share like 95% or 0.95")
        }
        if Self.parseShare(precision) == nil {
            throw ValidationError("--precision '\(precision)': expected a share like 10%")
        }
        if rate == nil {
            do { _ = try StreamSLO(parsing: slo, duration: DurationArgument.parse) } catch {
                throw ValidationError("--slo: \(error.description)")
            }
        }
        if DurationArgument.parse(step).map({ $0 > .zero }) != true {
            throw ValidationError("--step '\(step)': expected a duration above zero like 20s")
        }
    }

    func run() async throws {
        var c = LoadConfiguration(mode: rate == nil ? .sse : .http, targets: urls)
        c.method = method?.uppercased()
        c.body = body
        do {
            c.headers += try headers.map(LoadCommonOptions.header)
            c.mix = try ProfileMix(parsing: mix)
            c.ramp = try parseRate(ramp, flag: "--ramp").start
            c.restartDelay = try parseDuration(restartDelay, flag: "--restart-delay")
        } catch let e as LoadUsageError {
            LoadReporter.fail(e)
        } catch {
            LoadReporter.fail("error: --mix \(error)")
        }
        let latencySLO = rate == nil ? nil : Self.parseLatencySLO(slo)
        if latencySLO == nil { c.slo = try StreamSLO(parsing: slo, duration: DurationArgument.parse) }
        c.contentEvents = Set(contentEvents.split(separator: ",").map(String.init))
        c.firstSequence = nil
        do { try c.validate() } catch { LoadReporter.fail("error: " + error.problems.joined(separator: "; ")) }
        let stepSeconds =
            DurationArgument.parse(step).map {
                Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18
            } ?? 20
        let criteria = SLOSearch.Criteria(
            slo: c.slo?.description ?? slo.filter { $0 != " " }, minGoodput: Self.parseShare(minGoodput)!,
            what: latencySLO == nil ? "streams" : "requests")
        let mode: LoadSearchRunner.Mode =
            latencySLO.map { .rate(latency: $0.bound, inclusive: $0.inclusive, maxInFlight: maxInFlight) } ?? .streams
        let quiet = self.quiet || json
        let started = Date()
        let runner = LoadSearchRunner(
            template: c, stepSeconds: stepSeconds, criteria: criteria, mode: mode,
            log: { line in
                if !quiet {
                    FileHandle.standardError.write(
                        Data("[\(String(format: "%6.1f", Date().timeIntervalSince(started)))s] \(line)\n".utf8))
                }
            })
        let search = try await CommandLifecycle.run(onSignal: { runner.cancellation.cancel("interrupted by \($0)") }) {
            try await runner.run(
                SLOSearch(
                    range: rate.flatMap(Self.parseRateRange) ?? Self.parseRange(clients ?? "")!,
                    precision: Self.parseShare(precision)!, unit: rate == nil ? "streams" : "requests/s"))
        }
        let file = SearchReport.file(
            search, target: urls.joined(separator: ","), criteria: criteria, stepSeconds: stepSeconds)
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        try SearchReport.json(file).write(to: URL(fileURLWithPath: "\(output)/search.json"))
        try Data(SearchReport.markdown(file).utf8).write(to: URL(fileURLWithPath: "\(output)/search.md"))
        try Data(SearchReport.html(file).utf8).write(to: URL(fileURLWithPath: "\(output)/search.html"))
        if json {
            print(String(decoding: try SearchReport.json(file), as: UTF8.self))
        } else {
            print(SearchReport.markdown(file))
            print("report: \(output)/search.md")
        }
        if runner.cancellation.isCancelled { throw ExitCode(1) }
    }
}
