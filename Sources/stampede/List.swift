import Analysis
import ArgumentParser
import Foundation
import ServerConfig

struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the built-in scenarios, one line each; or the server knobs or phase metrics.",
        discussion: """
            --knobs prints every `stampede serve` knob (what a group's `flags:` may set) with its \
            defaults per profile; --metrics every metric a claim or threshold can name, with its \
            unit, direction and source. Both are Markdown tables, the ones in docs/.
            """)

    @Flag(help: "The `stampede serve` knobs, as a Markdown table.") var knobs = false
    @Flag(help: "The phase metrics, as a Markdown table.") var metrics = false
    @Flag(help: "The other metrics of a report (load generator, sweeps), as a Markdown table.") var reportMetrics =
        false

    func run() async throws {
        if knobs { print(ServerKnobs.markdownTable) }
        if metrics { print(MetricCatalog.markdownTable) }
        if reportMetrics { print(ReportMetric.markdownTable) }
        if knobs || metrics || reportMetrics { return }
        for entry in BuiltinCatalog.entries {
            guard let s = try BuiltinCatalog.scenario(named: entry.name) else { continue }
            let seconds = Int(s.phases.reduce(0) { $0 + $1.duration * Double(s.repeats(of: $1)) })
            print(
                "\(s.name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(s.summary) (\(s.phases.count) phases, \(s.claims.count) claims, ~\(seconds) s of load)"
            )
        }
    }
}
