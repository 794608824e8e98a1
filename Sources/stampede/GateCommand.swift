import Analysis
import ArgumentParser
import Foundation
import LoadGen
import Reports

/// `stampede gate REPORT`: thresholds and baseline comparison for CI.
struct GateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Check a run's report against thresholds and a baseline; write JUnit; exit 0, 99 or 104.",
        discussion: """
            Evaluates the scenario's thresholds (its `thresholds:` list) and every --threshold, and \
            with --baseline compares the report's key figures with the baseline's, each in its \
            direction (throughput higher-is-better, latency and errors lower-is-better) within the \
            tolerance. Prints a table and writes JUnit XML (default: gate-junit.xml next to the report).

            Exit status: 0 everything passed; 99 a threshold failed or a figure regressed; 104 the \
            gate could not be evaluated (unknown metric, malformed threshold, missing baseline value, \
            incomplete run, nothing to check, unreadable file). An unknown metric is never a pass. \
            Threshold grammar, metric names and units: docs/gates.md; CI recipes: docs/ci.md.

            Examples:
              stampede gate reports/latest
              stampede gate reports/latest --threshold 'errors: rate < 1%' --threshold 'stream.first_event: p(99) < 500ms'
              stampede gate reports/latest --baseline reports/baselines/ci-smoke.json --tolerance 15%
            """)

    @Argument(help: "A run directory or its report.json, or a `stampede load --out` / `stampede merge` result.json.")
    var report: String = "reports/latest"
    @OptionGroup var options: GateOptions
    @Option(
        help: ArgumentHelp(
            "Where to write the JUnit XML (default: gate-junit.xml next to the report).", valueName: "FILE"))
    var junit: String?

    func run() async throws {
        let file = ReportLocation.reportFile(report)
        let loadResult = Self.isLoadResult(file)
        let outcome: Analysis.Gate.Outcome
        let name: String
        let timestamp: String?
        do {
            let gate = try options.makeGate(extraThresholds: options.thresholds)
            if loadResult {
                let result = try Merge.read(file)
                outcome = gate.evaluate(load: result)
                name = "stampede gate \((file as NSString).lastPathComponent)"
                timestamp = ISO8601DateFormatter().string(
                    from: Date(timeIntervalSince1970: result.startedAtUnixSeconds))
            } else {
                let loaded = try RunReport.read(file)
                outcome = gate.evaluate(loaded)
                name = "stampede gate \(loaded.scenario)"
                timestamp = loaded.startedAt
            }
        } catch {
            FileHandle.standardError.write(Data("stampede gate: \(error)\n".utf8))
            throw ExitCode(GateExitCode.error.rawValue)
        }
        let junitPath =
            junit ?? ((file as NSString).deletingLastPathComponent as NSString).appendingPathComponent("gate-junit.xml")
        let code = GateOptions.finish(outcome, name: name, timestamp: timestamp, junitPath: junitPath)
        if code != .passed { throw ExitCode(code.rawValue) }
    }

    /// A `stampede load --out` or `stampede merge` file (schema `stampede.load-result`).
    static func isLoadResult(_ file: String) -> Bool {
        struct Header: Decodable { var schema: String? }
        guard let data = FileManager.default.contents(atPath: file),
            let header = try? JSONDecoder().decode(Header.self, from: data)
        else { return false }
        return header.schema == "stampede.load-result"
    }
}
