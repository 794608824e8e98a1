import Foundation
import ServerConfig
import Testing

/// docs/grafana/stampede.json: every query names only series the reference server exports
/// (``ServerSeries``, which the server renders), with histogram suffixes only on histograms, and
/// the panels fit Grafana's 24-column grid.
@Suite struct GrafanaDashboardTests {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/grafana/stampede.json")

    struct Dashboard: Decodable {
        struct Panel: Decodable {
            struct Target: Decodable { var expr: String }
            struct Grid: Decodable { var h: Int, w: Int, x: Int, y: Int }
            var id: Int
            var title: String
            var gridPos: Grid
            var targets: [Target]
        }
        struct Templating: Decodable {
            struct Variable: Decodable { var name: String, query: String? }
            var list: [Variable]
        }
        var title: String
        var panels: [Panel]
        var templating: Templating
    }

    /// Series names in a PromQL expression (`stampede_...`), with a histogram suffix if any.
    static func series(in expr: String) -> [(name: String, suffix: String?)] {
        let pattern = try! NSRegularExpression(pattern: "stampede_[a-z0-9_]+")
        let range = NSRange(expr.startIndex..., in: expr)
        return pattern.matches(in: expr, range: range).map { m in
            let name = String(expr[Range(m.range, in: expr)!])
            for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
                let base = String(name.dropLast(suffix.count))
                if ServerSeries(rawValue: base)?.kind == .histogram { return (base, suffix) }
            }
            return (name, nil)
        }
    }

    @Test func everyQueryNamesOnlySeriesTheServerExports() throws {
        let dashboard = try JSONDecoder().decode(Dashboard.self, from: Data(contentsOf: Self.file))
        var named = Set<String>()
        let expressions =
            dashboard.panels.flatMap { $0.targets.map(\.expr) } + dashboard.templating.list.compactMap(\.query)
        #expect(expressions.count > 20)
        for expr in expressions where expr != "prometheus" {
            let found = Self.series(in: expr)
            #expect(!found.isEmpty, "a query without a stampede series: \(expr)")
            for (name, _) in found {
                #expect(ServerSeries(rawValue: name) != nil, "\(name) is not a series the server exports (in \(expr))")
                named.insert(name)
            }
        }
        // The issues' figures are all on it.
        for s in [
            ServerSeries.lockAcquireWaitSeconds, .sseBufferedBytes, .poolInUse, .processOpenFds, .sseActiveStreams,
        ] {
            #expect(named.contains(s.rawValue), "no panel shows \(s.rawValue)")
        }
    }

    @Test func theCheckCatchesASeriesTheServerDoesNotExport() {
        let found = Self.series(
            in: "rate(stampede_lock_wait_seconds_bucket[1m]) + stampede_lock_acquire_wait_seconds_bucket")
        #expect(found.map(\.name) == ["stampede_lock_wait_seconds_bucket", "stampede_lock_acquire_wait_seconds"])
        #expect(ServerSeries(rawValue: found[0].name) == nil)
        #expect(found[1].suffix == "_bucket")
    }

    @Test func panelsFitTheGridWithUniqueIDs() throws {
        let dashboard = try JSONDecoder().decode(Dashboard.self, from: Data(contentsOf: Self.file))
        #expect(Set(dashboard.panels.map(\.id)).count == dashboard.panels.count)
        for p in dashboard.panels {
            #expect(p.gridPos.x >= 0 && p.gridPos.x + p.gridPos.w <= 24, "\(p.title) overflows the 24 columns")
            #expect(!p.title.isEmpty && !p.targets.isEmpty)
        }
    }
}
