import Analysis
import Foundation

/// `report.html`: one self-contained page (inline CSS and SVG, no scripts). An overview first
/// (a tile per claim: its verdict's colour and the number that decided it), then the charts in a
/// responsive grid (sweeps with integer instance axes, the machine's and the generator's CPU with
/// the saturation limit, HdrHistogram percentile plots per client group, the lock-wait
/// distribution per strategy, per-instance breakdowns, RSS/FDs/buffers over time as small
/// multiples), then the tables. Fits 1280 px without scrolling sideways, and prints.
public enum HTMLReport {
    /// The page, table and cell rules every Stampede HTML page shares (report.html, compare.html).
    static let baseStyle =
        "body{font:14px/1.4 sans-serif;margin:24px;color:#222;max-width:1240px}table{border-collapse:collapse;margin:8px 0 20px;width:100%}"
        + "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f3f3f3}"

    public static func render(_ r: RunReport) -> String {
        var h =
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>stampede \(escape(r.scenario))</title><style>"
        h += baseStyle
        h +=
            ".reproduced{background:#fde2e1}.fixed{background:#dff3df}.not{background:#eee}.inconclusive{background:#fff3cd}"
        h +=
            ".charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:12px}.charts>div{min-width:0}"
        h +=
            ".num{text-align:right}td{overflow-wrap:anywhere}td b{white-space:nowrap}td code{overflow-wrap:anywhere}td.m{min-width:150px}td.q{min-width:220px}"
        h +=
            ".tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:8px;margin:12px 0 20px}"
            + ".tile{border-radius:6px;padding:8px 10px;border:1px solid #ccc}.tile .v{font-weight:bold;text-transform:uppercase;font-size:12px}"
            + ".tile .n{font-size:20px;font-weight:bold}.tile .id{font-size:12px;color:#444;overflow-wrap:anywhere}"
            + "table.phases{table-layout:fixed;font-size:12px}table.phases th{overflow-wrap:anywhere;font-size:11px}"
            + "@media print{.charts{display:block}.charts>div{break-inside:avoid}body{margin:0;max-width:none}}</style></head><body>"
        h += "<h1>stampede run <code>\(escape(r.scenario))</code></h1><p>\(escape(r.summary))</p>"
        h += "<p>Started \(escape(r.startedAt)), \(Int(r.wallSeconds.rounded())) s. "
        h += r.complete ? "<b>Complete.</b></p>" : "<b>INCOMPLETE:</b> \(escape(r.incompleteReason ?? ""))</p>"
        h += tiles(r)
        h += PopularityReport.html(PopularityAnswer.analyse(r.phases))
        h +=
            "<h2>Claims</h2><table><tr><th>claim</th><th>issue</th><th>statement</th><th>metric</th><th>expected</th><th>measured</th><th>verdict</th><th>reason</th></tr>"
        for c in r.claims {
            let css = c.verdict == .notReproduced ? "not" : c.verdict.rawValue
            h +=
                "<tr class=\"\(css)\"><td>\(escape(c.id))</td><td>\(escape(c.issue))</td><td class=\"q\">“\(escape(c.statement))”</td><td class=\"m\"><code>\(escape(c.metric))</code></td>"
            h +=
                "<td>\(c.kind == .fix ? "fix: " : "")\(escape(c.relation.rawValue)) \(escape(c.target))</td><td class=\"num\">\(c.measured.map(ClaimEvaluator.format) ?? "n/a")</td>"
            h += "<td><b>\(c.verdict.rawValue)</b></td><td>\(escape(c.reason))</td></tr>"
        }
        h += "</table>"
        if let thresholds = r.thresholds, !thresholds.isEmpty {
            h += "<h2>Thresholds</h2><table><tr><th>threshold</th><th>measured</th><th>status</th><th>detail</th></tr>"
            for t in thresholds {
                let css = t.status == .passed ? "fixed" : t.status == .failed ? "reproduced" : "inconclusive"
                h +=
                    "<tr class=\"\(css)\"><td><code>\(escape(t.expression))</code></td><td class=\"num\">\(escape(t.actual ?? "n/a"))</td>"
                h += "<td><b>\(t.status.rawValue)</b></td><td>\(escape(t.message))</td></tr>"
            }
            h += "</table>"
        }
        h += "<h2>Charts</h2><div class=\"charts\">"
        h += HTMLCharts.all(r).map { "<div>\($0)</div>" }.joined()
        h += "</div><h2>Phases</h2><table class=\"phases\"><tr><th>phase</th><th>fleet</th><th>status</th>"
        let columns: [PhaseMetric] = [
            .updatesPerSecond, .scalingEfficiency, .lockWaitMeanMs, .lockWaitP99Ms, .lockTimeouts, .lostUpdates,
            .lostTurns, .rssMaxMb, .rssGrowthMb, .bufferedMaxMb, .streamsCompleted, .generatorCpuPercent,
        ]
        h += columns.map { "<th>\($0.rawValue)</th>" }.joined() + "</tr>"
        for p in r.phases {
            let status =
                !p.complete
                ? "incomplete: \(p.error ?? "")"
                : (p.validity.isEmpty ? "ok" : "weak: " + p.validity.joined(separator: "; "))
            h +=
                "<tr><td>\(escape(p.name))</td><td>\(p.instances) × \(escape(p.profile))</td><td>\(escape(status))</td>"
            h +=
                columns.map { "<td class=\"num\">\(p.metrics[$0].map(ClaimEvaluator.format) ?? "")</td>" }.joined()
                + "</tr>"
        }
        h += "</table>"
        let faulted = r.phases.filter { !($0.faults ?? []).isEmpty }
        if !faulted.isEmpty {
            h +=
                "<h2>Faults</h2><table><tr><th>phase</th><th>fault</th><th>at</th><th>ended</th><th>errors during</th><th>errors after</th><th>recovery</th><th>effects</th></tr>"
            for p in faulted {
                for f in p.faults ?? [] {
                    h +=
                        "<tr><td>\(escape(p.name))</td><td>\(escape(f.fault))</td><td class=\"num\">\(f.atText)</td><td class=\"num\">\(f.endedText)</td><td class=\"num\">\(f.errorsDuring)</td><td class=\"num\">\(f.errorsAfter)</td><td>\(escape(f.recovery))</td><td>\(escape(f.effectsText))</td></tr>"
                }
            }
            h += "</table>"
        }
        let e = r.environment
        h +=
            "<h2>Environment</h2><p>\(escape(e.hostname)), \(e.cores) cores, \(e.memoryBytes / 1_048_576) MiB; \(escape(e.os)); \(escape(e.kernel)); "
        h +=
            "open files \(e.fdSoftLimit)/\(e.fdHardLimit); source \(escape(e.gitCommit ?? "unknown"))\(e.gitDirty == true ? " (with local changes)" : ""); services \(escape(e.services)).</p>"
        return h + "</body></html>\n"
    }

    /// One tile per claim (verdict colour, the measured number against its target) and one for
    /// the thresholds: what a reader looks at first.
    static func tiles(_ r: RunReport) -> String {
        guard !r.claims.isEmpty || !(r.thresholds ?? []).isEmpty else { return "" }
        var h = "<div class=\"tiles\">"
        for c in r.claims {
            let css = c.verdict == .notReproduced ? "not" : c.verdict.rawValue
            let number = c.measured.map(ClaimEvaluator.format) ?? "n/a"
            h +=
                "<div class=\"tile \(css)\" title=\"\(escape(c.reason))\"><div class=\"v\">\(escape(c.verdict.rawValue))</div>"
            h += "<div class=\"n\">\(escape(number))</div>"
            h += "<div class=\"id\">\(escape(c.id)): \(escape(c.relation.rawValue)) \(escape(c.target))</div></div>"
        }
        if let t = r.thresholds, !t.isEmpty {
            let passed = t.filter { $0.status == .passed }.count
            let css = passed == t.count ? "fixed" : t.contains { $0.status == .failed } ? "reproduced" : "inconclusive"
            h +=
                "<div class=\"tile \(css)\"><div class=\"v\">thresholds</div><div class=\"n\">\(passed) / \(t.count)</div>"
            h += "<div class=\"id\">passed</div></div>"
        }
        return h + "</div>"
    }

    public static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
