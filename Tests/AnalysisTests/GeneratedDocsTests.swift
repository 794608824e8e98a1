import Foundation
import ServerConfig
import Testing

@testable import Analysis

/// The tables in docs/ that come from the code (`stampede list --knobs`, `--metrics`) say what the
/// code says. When one fails, run `scripts/generate-docs.sh` (it rewrites them from the built binary).
@Suite struct GeneratedDocsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func block(_ file: String, _ command: String) throws -> String {
        let text = try String(contentsOf: Self.root.appendingPathComponent(file), encoding: .utf8)
        let begin = try #require(text.range(of: "<!-- BEGIN \(command) -->\n"), "\(file) lacks the BEGIN marker")
        let end = try #require(text.range(of: "\n<!-- END \(command) -->"), "\(file) lacks the END marker")
        return String(text[begin.upperBound..<end.lowerBound])
    }

    @Test func theKnobTableInTheServerDocsIsTheCodes() throws {
        #expect(try block("docs/reference-server.md", "stampede list --knobs") == ServerKnobs.markdownTable)
    }

    @Test func theMetricTableInTheScenarioDocsIsTheCatalogs() throws {
        #expect(try block("docs/scenarios.md", "stampede list --metrics") == MetricCatalog.markdownTable)
    }

    @Test func theReportMetricTableInTheGateDocsIsTheCodes() throws {
        #expect(try block("docs/gates.md", "stampede list --report-metrics") == ReportMetric.markdownTable)
    }
}
