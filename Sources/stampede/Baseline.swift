import Analysis
import ArgumentParser
import Foundation
import Reports

/// `stampede baseline update`: keeps a run's key figures as the project's baseline.
struct Baseline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage baselines (reports/baselines/<scenario>.json) that `stampede gate --baseline` compares with.",
        subcommands: [Update.self])

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a run's key figures as the baseline of its scenario.",
            discussion: """
                Reads REPORT (a run directory or report.json; default reports/latest) and writes \
                reports/baselines/<scenario>.json: one entry per key figure (metric, value, direction). \
                Commit the file; edit it to drop a noisy figure or give one its own "tolerance": "25%". \
                The run must be complete: an incomplete run's numbers would make a misleading baseline.

                Example: stampede run ci-smoke && stampede baseline update
                """)

        @Argument(help: "A run directory or its report.json.") var report: String = "reports/latest"
        @Option(
            help: ArgumentHelp(
                "Where to write the baseline (default: reports/baselines/<scenario>.json).", valueName: "FILE"))
        var output: String?
        @Option(
            help: ArgumentHelp(
                "The baseline's default tolerance, e.g. 15% (the gate's --tolerance overrides it).",
                valueName: "PERCENT"))
        var tolerance: String?

        func validate() throws {
            if let tolerance {
                do { _ = try Tolerance(parsing: tolerance) } catch { throw ValidationError("--tolerance: \(error)") }
            }
        }

        func run() async throws {
            let file = ReportLocation.reportFile(report)
            let loaded: RunReport
            do { loaded = try RunReport.read(file) } catch { throw ValidationError("\(error)") }
            guard loaded.complete else {
                throw ValidationError(
                    "\(file) is an incomplete run (\(loaded.incompleteReason ?? "unknown reason")); run the scenario again to make a baseline"
                )
            }
            let baseline = BaselineFile(report: loaded, tolerance: try tolerance.map { try Tolerance(parsing: $0) })
            guard !baseline.figures.isEmpty else { throw ValidationError("\(file) has no key figures to keep") }
            let path = output ?? "reports/baselines/\(loaded.scenario).json"
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent.isEmpty
                    ? "." : (path as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true)
            try baseline.encoded().write(to: URL(fileURLWithPath: path))
            print("wrote \(path): \(baseline.figures.count) figures of \(loaded.scenario) (run of \(loaded.startedAt))")
        }
    }
}
