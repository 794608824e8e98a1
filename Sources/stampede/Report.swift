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

    func run() async throws {
        let report: RunReport
        do {
            report = try RunReport.read("\(directory)/report.json")
        } catch {
            throw ValidationError("\(error)")
        }
        try ReportWriter.write(report, to: directory)
        print(ReportSummary.lines(report).joined(separator: "\n"))
        print("rewrote \(directory)/report.md, report.html, junit.xml, timeseries.csv and .hgrm files")
    }
}
