import Analysis
import Foundation
import ServerConfig

/// `stampede report --compare A B` as Markdown (a PR comment) and HTML: the claims whose verdicts
/// changed first (a flipped verdict is what a reviewer looks for), then every key figure with its
/// change and what the change means for it (regressed, improved, within tolerance).
public enum ComparisonReport {
    static func runText(_ r: RunComparison.Run) -> String {
        "\(r.startedAt)\(r.gitCommit.map { " (\($0.prefix(10)))" } ?? "")\(r.complete ? "" : ", incomplete")"
    }

    static func verdictText(_ v: Verdict?) -> String { v?.rawValue ?? "absent" }

    static func number(_ v: Double?) -> String { v.map(ClaimEvaluator.format) ?? "–" }

    /// What a row says in words: its verdict, or which run lacks the figure.
    static func status(_ row: BaselineComparison.Row, in c: RunComparison) -> String {
        switch (row.baseline, row.current) {
        case (nil, _): return "new in B"
        case (_, nil): return "missing in B"
        default: return c.withinNoise.contains(row.metric) ? "within noise" : row.verdict.rawValue
        }
    }

    static func change(_ row: BaselineComparison.Row) -> String {
        row.change.map { ($0 >= 0 ? "+" : "") + String(format: "%.1f", $0 * 100) + " %" } ?? "–"
    }

    /// How many claims flipped, and how many figures regressed, improved or moved within noise.
    static func summary(_ c: RunComparison) -> (claims: String, figures: String) {
        let flipped = c.flippedClaims.count
        let regressed = c.regressions.count
        return (
            "\(flipped) claim\(flipped == 1 ? "" : "s") changed verdict",
            "\(regressed) figure\(regressed == 1 ? "" : "s") regressed, \(c.figures.filter { $0.verdict == .improved }.count) improved (tolerance \(c.figures.first?.tolerance.description ?? "–")); \(c.withinNoise.count) more changed past it within noise (their 95 % intervals overlap)."
        )
    }

    public static func markdown(_ c: RunComparison) -> String {
        var md = "# stampede compare `\(c.after.scenario)`\n\n"
        md += "A: \(runText(c.before)) · B: \(runText(c.after))"
        if c.before.scenario != c.after.scenario { md += " · **different scenarios** (A: \(c.before.scenario))" }
        md += "\n\n"
        md += "**\(summary(c).claims)**, \(summary(c).figures)\n\n"
        md += "## Claims\n\n| claim | A | B | measured A → B |\n| --- | --- | --- | --- |\n"
        for claim in c.claims {
            let verdicts =
                claim.flipped
                ? "**\(verdictText(claim.before))** | **\(verdictText(claim.after))** ⚠"
                : "\(verdictText(claim.before)) | \(verdictText(claim.after))"
            md +=
                "| \(MarkdownReport.esc(claim.id)) | \(verdicts) | \(number(claim.measuredBefore)) → \(number(claim.measuredAfter)) |\n"
        }
        md +=
            "\n## Key figures\n\n| figure | better | A | B | change | verdict |\n| --- | --- | ---: | ---: | ---: | --- |\n"
        for row in c.figures {
            let s = status(row, in: c)
            md +=
                "| `\(MarkdownReport.esc(row.metric))` | \(row.direction.phrase) | \(number(row.baseline)) | \(number(row.current)) | \(change(row)) | "
            md += (row.verdict == .regressed ? "**\(s)**" : s) + " |\n"
        }
        return md
    }

    /// Per metric, the sweeps of both runs overlaid: A dashed, B solid, a colour per sweep; at
    /// most ``sweepsPerChart`` sweeps on a chart, so its legend stays readable.
    static let sweepsPerChart = 4

    static func overlaidCharts(_ c: RunComparison) -> [String] {
        let titles: [(PhaseMetric, String, String)] = [
            (.updatesPerSecond, "Completed updates/s vs instances", "updates/s"),
            (.lockWaitP99Ms, "Lock wait p99 vs instances", "ms"),
        ]
        func xy(_ p: [RunComparison.Point]) -> [(x: Double, y: Double)] { p.map { (Double($0.instances), $0.value) } }
        return titles.flatMap { metric, title, unit in
            let pairs = c.sweeps.filter { $0.metric == metric }
            return stride(from: 0, to: pairs.count, by: sweepsPerChart).map { start in
                let chunk = pairs[start..<min(start + sweepsPerChart, pairs.count)]
                let series = chunk.enumerated().flatMap { i, pair in
                    [
                        SVGLineChart.Series(name: "\(pair.sweep) A", points: xy(pair.before), dashed: true, color: i),
                        SVGLineChart.Series(name: "\(pair.sweep) B", points: xy(pair.after), color: i),
                    ]
                }
                let part =
                    pairs.count > sweepsPerChart
                    ? " (\(start / sweepsPerChart + 1) of \((pairs.count + sweepsPerChart - 1) / sweepsPerChart))" : ""
                return SVGLineChart(title: title + part, xLabel: "instances", yLabel: unit, series: series).render()
            }
        }
    }

    /// Over time, the phases both runs have (each sweep's largest fleet, and every other phase),
    /// A dashed and B solid, three phases to a chart: RSS, open FDs, buffered bytes, and the
    /// machine's busy CPU.
    static func overlaidTimeCharts(_ a: RunReport, _ b: RunReport) -> [String] {
        let common = HTMLCharts.representative(b).filter { p in a.phases.contains { $0.name == p.name } }.map(\.name)
        guard !common.isEmpty else { return [] }
        func points(_ p: PhaseResult, _ value: (Sample.Server) -> Double?) -> [(x: Double, y: Double)] {
            p.samples.compactMap { s in s.servers.compactMap(value).max().map { (s.t, $0) } }
        }
        let metrics: [(String, String, (Sample.Server) -> Double?)] = [
            ("Server RSS over time", "MiB", { Double($0.rssBytes) / 1_048_576 }),
            ("Open FDs over time", "FDs", { Double($0.openFDs) }),
            (
                "Buffered between agent and socket", "MiB",
                { $0.metrics[ServerSeries.sseBufferedBytes.rawValue].map { $0 / 1_048_576 } }
            ),
        ]
        var charts: [String] = []
        for (title, unit, value) in metrics {
            var series: [SVGLineChart.Series] = []
            for (i, name) in common.enumerated() {
                guard let pa = a.phases.first(where: { $0.name == name }),
                    let pb = b.phases.first(where: { $0.name == name })
                else { continue }
                let (sa, sb) = (points(pa, value), points(pb, value))
                guard !sa.isEmpty || !sb.isEmpty else { continue }
                series.append(.init(name: "\(name) A", points: sa, dashed: true, color: i))
                series.append(.init(name: "\(name) B", points: sb, color: i))
            }
            charts += HTMLCharts.multiples(
                series, size: 6, make: { t, s in SVGLineChart(title: t, xLabel: "seconds", yLabel: unit, series: s) },
                title: title + ", A dashed, B solid"
            ).filter { !$0.hasPrefix("<p") }
        }
        return charts
    }

    /// compare.html; with both reports, their time series overlaid too.
    public static func html(_ c: RunComparison, reports: (a: RunReport, b: RunReport)? = nil) -> String {
        let e = HTMLReport.escape
        var h =
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>stampede compare \(e(c.after.scenario))</title><style>"
        h += HTMLReport.baseStyle
        h +=
            ".num{text-align:right}.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:12px}.flipped{background:#fff3cd;font-weight:bold}.regressed{background:#fde2e1}"
        h += ".improved{background:#dff3df}td code{overflow-wrap:anywhere}</style></head><body>"
        h += "<h1>stampede compare <code>\(e(c.after.scenario))</code></h1>"
        h += "<p>A: \(e(runText(c.before)))<br>B: \(e(runText(c.after)))</p>"
        h += "<p><b>\(e(summary(c).claims))</b>, \(e(summary(c).figures))</p>"
        let charts = overlaidCharts(c)
        if !charts.isEmpty {
            h += "<h2>Sweeps, A dashed and B solid</h2><div class=\"charts\">" + charts.joined() + "</div>"
        }
        if let reports {
            let over = overlaidTimeCharts(reports.a, reports.b)
            if !over.isEmpty {
                h += "<h2>Over time, A dashed and B solid</h2><div class=\"charts\">" + over.joined() + "</div>"
            }
        }
        h += "<h2>Claims</h2><table><tr><th>claim</th><th>A</th><th>B</th><th>measured A → B</th></tr>"
        for claim in c.claims {
            h += "<tr\(claim.flipped ? " class=\"flipped\"" : "")><td>\(e(claim.id))</td>"
            h +=
                "<td>\(e(verdictText(claim.before)))</td><td>\(e(verdictText(claim.after)))\(claim.flipped ? " ⚠" : "")</td>"
            h += "<td class=\"num\">\(number(claim.measuredBefore)) → \(number(claim.measuredAfter))</td></tr>"
        }
        h +=
            "</table><h2>Key figures</h2><table><tr><th>figure</th><th>better</th><th>A</th><th>B</th><th>change</th><th>verdict</th></tr>"
        for row in c.figures {
            let css =
                row.verdict == .regressed
                ? " class=\"regressed\"" : row.verdict == .improved ? " class=\"improved\"" : ""
            h += "<tr\(css)><td><code>\(e(row.metric))</code></td><td>\(e(row.direction.phrase))</td>"
            h += "<td class=\"num\">\(number(row.baseline))</td><td class=\"num\">\(number(row.current))</td>"
            h += "<td class=\"num\">\(e(change(row)))</td><td>\(e(status(row, in: c)))</td></tr>"
        }
        return h + "</table></body></html>\n"
    }
}
