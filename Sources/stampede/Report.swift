import Analysis
import ArgumentParser
import Foundation
import Reports

struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Re-render report.md, report.html, junit.xml, timeseries.csv and .hgrm files of a run directory from its report.json."
    )

    @Argument(help: "A run directory (reports/ci-smoke-...) or reports/latest.") var directory: String

    @Flag(
        help:
            "Judge the claims again from the recorded phases with this version's evaluator (report.json is rewritten too), e.g. after an upgrade changed how a claim's phase is found."
    )
    var judgeAgain = false

    func run() async throws {
        var report: RunReport
        do {
            report = try RunReport.read("\(directory)/report.json")
        } catch {
            throw ValidationError("\(error)")
        }
        if judgeAgain { report.claims = ClaimEvaluator.evaluate(report.config.claims, phases: report.phases) }
        try ReportWriter.write(report, to: directory)
        print(ReportSummary.lines(report).joined(separator: "\n"))
        print("rewrote \(directory)/report.md, report.html, junit.xml, timeseries.csv and .hgrm files")
    }
}
