import Analysis
import Foundation

/// The popularity sweep's answer (``PopularityAnswer``) for report.md (a sentence and a table per
/// strategy) and report.html (a heat map per strategy: efficiency by instances × hot set, the
/// machine's busy CPU in each cell).
enum PopularityReport {
    static func markdown(_ strategies: [PopularityAnswer.Strategy]) -> String {
        guard !strategies.isEmpty else { return "" }
        var md = "## What limits scaling\n\n"
        md +=
            "Scaling efficiency of the largest fleet by hot-set size (computed from this run; cells: efficiency, machine busy CPU).\n\n"
        if let c = PopularityAnswer.comparison(strategies) { md += c + "\n\n" }
        for s in strategies {
            md += "\(s.sentence)\n\n"
            md += "| hot set | " + s.instanceCounts.map { "\($0) inst." }.joined(separator: " | ") + " |\n"
            md += "| ---: |" + String(repeating: " ---: |", count: s.instanceCounts.count) + "\n"
            for h in s.hotSets {
                md += "| \(h) | "
                md +=
                    s.instanceCounts.map { n in
                        guard let p = s.point(instances: n, hotSet: h) else { return "" }
                        return cell(p)
                    }.joined(separator: " | ") + " |\n"
            }
            md += "\n"
        }
        return md
    }

    static func cell(_ p: PopularityAnswer.Point) -> String {
        let e = p.efficiency.map { String(format: "%.2f", $0) } ?? "–"
        let cpu = p.machineCPUPercent.map { String(format: "%.0f %%", $0) } ?? "cpu n/a"
        return "\(e) (\(cpu)\(p.saturated ? ", saturated" : ""))"
    }

    static func html(_ strategies: [PopularityAnswer.Strategy]) -> String {
        guard !strategies.isEmpty else { return "" }
        var h = "<h2>What limits scaling</h2>"
        if let c = PopularityAnswer.comparison(strategies) { h += "<p>\(HTMLReport.escape(c))</p>" }
        for s in strategies {
            h += "<p>\(HTMLReport.escape(s.sentence.replacingOccurrences(of: "**", with: "")))</p>"
        }
        h += "<div class=\"charts\">" + strategies.map(heatMap).joined() + "</div>"
        return h
    }

    /// Efficiency 0 → red, 0.5 → amber, 1 → green.
    static func colour(_ e: Double?) -> String {
        guard let e else { return "#eeeeee" }
        let x = max(0, min(1, e))
        let (r, g): (Double, Double) = x < 0.5 ? (220, 60 + 300 * x) : (220 - 340 * (x - 0.5), 210)
        return String(format: "#%02x%02x%02x", Int(r), Int(g), 80)
    }

    static func heatMap(_ s: PopularityAnswer.Strategy) -> String {
        let cw = 74.0, ch = 40.0, left = 70.0, top = 44.0
        let w = left + cw * Double(s.instanceCounts.count) + 10
        let hgt = top + ch * Double(s.hotSets.count) + 30
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(hgt))\" role=\"img\" aria-label=\"scaling efficiency heat map, \(HTMLReport.escape(s.name))\">"
        svg +=
            "<text x=\"4\" y=\"16\" font-size=\"13\" font-weight=\"bold\">\(HTMLReport.escape(s.name)): scaling efficiency</text>"
        svg += "<text x=\"4\" y=\"\(Int(top - 6))\" font-size=\"11\">hot set</text>"
        for (j, n) in s.instanceCounts.enumerated() {
            svg +=
                "<text x=\(q(left + cw * (Double(j) + 0.5))) y=\"\(Int(top - 6))\" font-size=\"11\" text-anchor=\"middle\">\(n) inst.</text>"
        }
        for (i, hot) in s.hotSets.enumerated() {
            let y = top + ch * Double(i)
            svg +=
                "<text x=\"\(Int(left - 8))\" y=\(q(y + ch / 2 + 4)) font-size=\"11\" text-anchor=\"end\">\(hot)</text>"
            for (j, n) in s.instanceCounts.enumerated() {
                let x = left + cw * Double(j)
                let p = s.point(instances: n, hotSet: hot)
                svg +=
                    "<rect class=\"cell\" x=\(q(x)) y=\(q(y)) width=\(q(cw - 2)) height=\(q(ch - 2)) fill=\"\(colour(p?.efficiency))\"/>"
                let e = p?.efficiency.map { String(format: "%.2f", $0) } ?? "–"
                let cpu = p?.machineCPUPercent.map { String(format: "cpu %.0f%%", $0) } ?? ""
                svg +=
                    "<text x=\(q(x + cw / 2 - 1)) y=\(q(y + 17)) font-size=\"12\" text-anchor=\"middle\">\(e)</text>"
                svg +=
                    "<text x=\(q(x + cw / 2 - 1)) y=\(q(y + 31)) font-size=\"10\" text-anchor=\"middle\" fill=\"#333\">\(cpu)\(p?.saturated == true ? " sat." : "")</text>"
            }
        }
        svg +=
            "<text x=\"4\" y=\(q(hgt - 8)) font-size=\"10\">efficiency X(N)/(N·X(N₀)) per hot set; red < 0.5 ≤ amber < green</text>"
        return svg + "</svg>"
    }

    private static func q(_ v: Double) -> String { "\"\(Int(v.rounded()))\"" }
}
