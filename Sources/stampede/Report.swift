import Analysis
import ArgumentParser
import Foundation
import Reports

struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Re-render report.md, report.html, junit.xml, timeseries.csv and .hgrm files of a run directory from its report.json, or compare two runs.",
        discussion: """
            stampede report --compare A B puts two runs of one scenario side by side (A the \
            earlier, B the later): the claims whose verdicts changed (marked), then every key \
            figure with A, B, the change and whether it regressed, improved or stayed within \
            --tolerance (the baseline's rules: docs/gates.md). It prints the Markdown (for a \
            pull-request comment) and writes compare.md and compare.html into B's directory, or \
            into --output. Runs of different scenarios are refused unless --force.

            Example: stampede report --compare reports/ci-smoke-20261201-101500 reports/latest
            """)

    @Argument(help: "A run directory (reports/ci-smoke-...) or reports/latest.") var directory: String?

    @Flag(
        help:
            "Judge the claims again from the recorded phases with this version's evaluator (report.json is rewritten too), e.g. after an upgrade changed how a claim's phase is found."
    )
    var judgeAgain = false

    @Option(
        name: .customLong("compare"), parsing: .upToNextOption,
        help: ArgumentHelp("Compare two run directories (or report.json files): A B.", valueName: "run"))
    var compared: [String] = []

    @Option(help: "With --compare: where compare.md and compare.html go (default: B's directory).")
    var output: String?

    @Option(help: "With --compare: the change a figure may make before it counts as regressed or improved.")
    var tolerance: String = "10%"

    @Flag(help: "With --compare: compare runs of different scenarios.") var force = false

    func validate() throws {
        if compared.isEmpty {
            guard directory != nil else { throw ValidationError("give a run directory, or --compare A B") }
            if output != nil || force { throw ValidationError("--output and --force go with --compare A B") }
        } else {
            guard compared.count == 2 else {
                throw ValidationError("--compare takes two runs, A (earlier) and B (later); got \(compared.count)")
            }
            if directory != nil || judgeAgain {
                throw ValidationError("--compare A B stands alone: no run directory and no --judge-again beside it")
            }
            _ = try parsedTolerance()
        }
    }

    func parsedTolerance() throws -> Tolerance {
        do { return try Tolerance(parsing: tolerance) } catch { throw ValidationError("--tolerance: \(error)") }
    }

    static func read(_ path: String) throws -> RunReport {
        let file = path.hasSuffix(".json") ? path : "\(path)/report.json"
        do { return try RunReport.read(file) } catch { throw ValidationError("\(error)") }
    }

    func run() async throws {
        if compared.count == 2 {
            let a = try Self.read(compared[0])
            let b = try Self.read(compared[1])
            let comparison: RunComparison
            do {
                comparison = try RunComparison(a, b, tolerance: try parsedTolerance(), force: force)
            } catch let error as RunComparison.DifferentScenarios {
                throw ValidationError(error.description)
            }
            let bDirectory =
                compared[1].hasSuffix(".json") ? (compared[1] as NSString).deletingLastPathComponent : compared[1]
            let dir = output ?? bDirectory
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let md = ComparisonReport.markdown(comparison)
            try md.write(toFile: "\(dir)/compare.md", atomically: true, encoding: .utf8)
            try ComparisonReport.html(comparison, reports: (a, b)).write(
                toFile: "\(dir)/compare.html", atomically: true, encoding: .utf8)
            print(md)
            print("wrote \(dir)/compare.md and compare.html")
            return
        }
        guard let directory else { return }
        var report = try Self.read(directory)
        if judgeAgain { report.claims = ClaimEvaluator.evaluate(report.config.claims, phases: report.phases) }
        try ReportWriter.write(report, to: directory)
        print(ReportSummary.lines(report).joined(separator: "\n"))
        print("rewrote \(directory)/report.md, report.html, junit.xml, timeseries.csv and .hgrm files")
    }
}
