import Analysis
import ArgumentParser
import Foundation
import Reports
import Server
import ServerConfig

/// `stampede plan`: fleet size, fd limits, pools and memory from measured reports.
struct Plan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Size a deployment (instances, fd limit, pools, memory) from measured reports.",
        discussion: """
            Instances for --target-sessions come from the USL fit of a report's instance sweep \
            (scale-001): a fleet of N holds X(N) × W concurrent sessions of W seconds (Little's law), \
            never past the peak N*. Instances for --target-streams come from the most SSE streams one \
            instance held without an error (sse-capacity, fd-limits); the plan never assumes more \
            than was measured. The soft open-file limit and memory per instance follow from the \
            measured FDs and RSS per stream; pool sizes from the upstream defaults and measured \
            peaks (perf-005); PostgreSQL max_connections from the fleet. Every figure says which \
            measurement it came from.

            A target that needs more than twice the largest measured fleet is sized by the \
            discrete-event simulator calibrated on the same sweep (stampede simulate), and the figure \
            says "simulated". It refuses, with the reason, to plan from an incomplete report, a weak \
            (inconclusive) phase, or a sweep of fewer than 3 fleet sizes. Exit status: 0 every figure planned, 104 something was refused \
            (the rest is still printed), 64 bad arguments.

            Without --from it reads the newest run of each scenario under reports/.

            Example: stampede plan --target-sessions 300 --target-streams 5000 --session-duration 90s
            """)

    @Option(help: ArgumentHelp("Concurrent agent sessions the fleet must hold.", valueName: "S")) var targetSessions:
        Int?
    @Option(help: ArgumentHelp("Concurrent SSE streams the fleet must hold.", valueName: "T")) var targetStreams: Int?
    @Option(
        name: .customLong("from"),
        help: ArgumentHelp(
            "A report (run directory or report.json) to plan from; repeatable. Default: the newest of each scenario in --reports.",
            valueName: "REPORT"))
    var from: [String] = []
    @Option(help: ArgumentHelp("Where runs are, for the default --from.", valueName: "DIR")) var reports: String =
        "reports"
    @Option(
        help: ArgumentHelp(
            "How long one session lasts (default: the mean stream duration measured in the sweep), e.g. 90s.",
            valueName: "DURATION"))
    var sessionDuration: String?
    @Option(
        help: ArgumentHelp(
            "The sweep whose USL fit sizes the fleet (default: recommended, else the one with the highest peak).",
            valueName: "NAME"))
    var sweep: String?
    @Option(help: ArgumentHelp("Head room on file descriptors, memory and pools.", valueName: "PERCENT")) var margin:
        String = "25%"
    @Flag(help: "Print the plan as JSON.") var json = false
    @Option(
        help: ArgumentHelp(
            "A `stampede search` result (search.json): its max_load, divided by the targets it searched, is the streams per instance for --target-streams.",
            valueName: "FILE"))
    var search: String?

    func validate() throws {
        if targetSessions == nil && targetStreams == nil {
            throw ValidationError("give --target-sessions S, --target-streams T or both")
        }
        if let s = targetSessions, s < 1 { throw ValidationError("--target-sessions must be at least 1") }
        if let t = targetStreams, t < 1 { throw ValidationError("--target-streams must be at least 1") }
        do { _ = try Tolerance(parsing: margin) } catch {
            throw ValidationError("--margin: expected a percentage such as 25%")
        }
        if let sessionDuration, (DurationText.seconds(sessionDuration) ?? 0) <= 0 {
            throw ValidationError(
                "--session-duration: expected a positive duration such as 90s or 2m, got '\(sessionDuration)'")
        }
    }

    func run() async throws {
        var inputs: [CapacityPlanner.Input] = []
        do {
            let paths = from.isEmpty ? Self.newestRuns(in: reports) : from.map(ReportLocation.reportFile)
            guard !paths.isEmpty || (search != nil && targetSessions == nil) else {
                throw ReportReadError(
                    description:
                        "no reports in \(reports)/; run scenarios first (stampede run scale-001, sse-capacity) or pass --from"
                )
            }
            for path in paths { inputs.append(.init(path: path, report: try RunReport.read(path))) }
        } catch {
            FileHandle.standardError.write(Data("stampede plan: \(error)\n".utf8))
            throw ExitCode(GateExitCode.error.rawValue)
        }
        var planner = CapacityPlanner(
            targetSessions: targetSessions, targetStreams: targetStreams,
            sessionSeconds: sessionDuration.flatMap(DurationText.seconds), sweep: sweep,
            margin: try Tolerance(parsing: margin).fraction, inputs: inputs)
        if let search {
            do { planner.searched = try Self.searched(search) } catch {
                FileHandle.standardError.write(Data("stampede plan: \(error)\n".utf8))
                throw ExitCode(GateExitCode.error.rawValue)
            }
        }
        let plan = planner.plan()
        if json {
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try e.encode(plan), as: UTF8.self))
        } else {
            print(plan.text, terminator: "")
        }
        if !plan.refusals.isEmpty { throw ExitCode(GateExitCode.error.rawValue) }
    }

    /// A search result's streams per instance: max_load over the targets it searched.
    static func searched(_ path: String) throws -> (streamsPerInstance: Double, source: String) {
        let file = path.hasSuffix(".json") ? path : "\(path)/search.json"
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ReportReadError(description: "cannot read \(file)")
        }
        let f: SearchReport.File
        do { f = try JSONDecoder().decode(SearchReport.File.self, from: data) } catch {
            throw ReportReadError(description: "\(file) is not a `stampede search` result: \(error)")
        }
        guard f.schema == "stampede.search" else {
            throw ReportReadError(description: "\(file) has schema '\(f.schema)', expected 'stampede.search'")
        }
        guard let best = f.maxLoad, best > 0 else {
            throw ReportReadError(description: "\(file): the search found no load that meets its SLO (\(f.answer))")
        }
        let targets = Swift.max(1, f.target.split(separator: ",").count)
        return (
            Double(best) / Double(targets), "\(file): max_load \(best) at \(f.criteria.slo) over \(targets) target(s)"
        )
    }

    /// The newest `<scenario>-<timestamp>/report.json` of each scenario under `root`, chosen by
    /// directory name (timestamps sort), so only the chosen reports are read.
    static func newestRuns(in root: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { return [] }
        var newest: [String: String] = [:]
        for name in names.sorted() {
            let file = "\(root)/\(name)/report.json"
            guard let scenario = ReportWriter.scenario(ofRunDirectory: name),
                FileManager.default.fileExists(atPath: file)
            else { continue }
            newest[scenario] = file
        }
        return newest.keys.sorted().map { newest[$0]! }
    }
}
