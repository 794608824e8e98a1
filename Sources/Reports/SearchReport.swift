import Analysis
import Foundation

/// The files of `stampede search`: search.json (criteria, range, every step, the answer),
/// search.md (the steps as a table and the answer line) and search.html (the curve: goodput and
/// the p99 times against the load, the answer marked), one self-contained file.
public enum SearchReport {
    public struct File: Codable, Sendable {
        public var schema = "stampede.search"
        public var schemaVersion = 1
        public var target: String
        public var criteria: SLOSearch.Criteria
        public var range: [Int]
        public var precision: Double
        public var stepSeconds: Double
        public var steps: [SLOSearch.Step]
        /// The load's unit: `streams`, or `requests/s` (open model); absent in files before it: streams.
        public var unit: String?
        /// The highest load that met the SLO (streams), nil when none did.
        public var maxLoad: Int?
        public var answer: String
    }

    public static func file(_ s: SLOSearch, target: String, criteria: SLOSearch.Criteria, stepSeconds: Double) -> File {
        File(
            target: target, criteria: criteria, range: [s.range.lowerBound, s.range.upperBound], precision: s.precision,
            stepSeconds: stepSeconds, steps: s.steps, unit: s.unit, maxLoad: s.answer, answer: s.answerLine)
    }

    public static func json(_ f: File) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try e.encode(f)
    }

    public static func markdown(_ f: File) -> String {
        var md = "# stampede search\n\n"
        md += "Target `\(f.target)`, SLO `\(f.criteria.slo)`, a step passes when at least "
        md += String(format: "%.0f %%", f.criteria.minGoodput * 100) + " of its \(f.criteria.what) meet it and at most "
        md += String(format: "%.0f %%", f.criteria.maxErrorShare * 100) + " of requests fail; "
        md +=
            "\(f.unit ?? "streams") \(f.range[0])...\(f.range[1]), steps of \(Int(f.stepSeconds)) s after the ramp.\n\n"
        md += "**\(f.answer)**\n\n"
        md +=
            "| step | \(f.unit ?? "streams") | verdict | goodput | good/s | first content p99 | content gap p99 | completion p99 | request p99 | errors | events/s | why |\n"
        md += "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n"
        func ms(_ v: Double?) -> String { v.map { String(format: "%.0f ms", $0) } ?? "—" }
        for (i, s) in f.steps.enumerated() {
            md += "| \(i + 1) | \(s.load) | \(s.passed ? "pass" : "**fail**") | "
            md += (s.goodput.map { String(format: "%.1f %%", $0 * 100) } ?? "—") + " | "
            md += (s.goodPerSecond.map { String(format: "%.1f", $0) } ?? "—") + " | "
            md +=
                "\(ms(s.firstContentP99Ms)) | \(ms(s.contentGapP99Ms)) | \(ms(s.completionP99Ms)) | \(ms(s.requestP99Ms)) | "
            md += String(format: "%.1f %%", s.errorShare * 100) + " | " + String(format: "%.0f", s.eventsPerSecond)
            md += " | \(s.reason.replacingOccurrences(of: "|", with: "\\|")) |\n"
        }
        return md
    }

    static func table(_ f: File) -> String {
        func ms(_ v: Double?) -> String { v.map { String(format: "%.0f ms", $0) } ?? "—" }
        var rows = ""
        for (i, s) in f.steps.enumerated() {
            let cells = [
                "\(i + 1)", "\(s.load)", s.passed ? "pass" : "<strong>fail</strong>",
                s.goodput.map { String(format: "%.1f %%", $0 * 100) } ?? "—", ms(s.firstContentP99Ms),
                ms(s.contentGapP99Ms), ms(s.completionP99Ms), String(format: "%.1f %%", s.errorShare * 100),
                HTMLReport.escape(s.reason),
            ]
            rows += "<tr>" + cells.map { "<td>\($0)</td>" }.joined() + "</tr>\n"
        }
        let head = [
            "step", f.unit ?? "streams", "verdict", "goodput", "first content p99", "content gap p99", "completion p99",
            "errors",
            "why",
        ]
        return "<table><tr>" + head.map { "<th>\($0)</th>" }.joined() + "</tr>\n" + rows + "</table>"
    }

    public static func html(_ f: File) -> String {
        let sorted = f.steps.sorted { $0.load < $1.load }
        var marker: [SVGLineChart.Series] = []
        if let max = f.maxLoad {
            marker = [
                .init(name: "max_load \(max)", points: [(Double(max), 0), (Double(max), 100)], dashed: true, color: 2)
            ]
        }
        var goodput = SVGLineChart(
            title: "Goodput against the load", xLabel: f.unit ?? "concurrent streams",
            yLabel: "\(f.criteria.what) meeting the SLO (%)",
            series: [
                .init(name: "goodput", points: sorted.compactMap { s in s.goodput.map { (Double(s.load), $0 * 100) } })
            ] + marker,
            limit: ("needed \(Int(f.criteria.minGoodput * 100)) %", f.criteria.minGoodput * 100))
        goodput.width = 560
        let times = SVGLineChart(
            title: "p99 times against the load", xLabel: f.unit ?? "concurrent streams", yLabel: "ms",
            series: [
                .init(
                    name: "first content p99",
                    points: sorted.compactMap { s in s.firstContentP99Ms.map { (Double(s.load), $0) } }),
                .init(
                    name: "content gap p99",
                    points: sorted.compactMap { s in s.contentGapP99Ms.map { (Double(s.load), $0) } }),
                .init(
                    name: "request p99", points: sorted.compactMap { s in s.requestP99Ms.map { (Double(s.load), $0) } }),
            ])
        return """
            <!doctype html><html><head><meta charset="utf-8"><title>stampede search</title>
            <style>\(HTMLReport.baseStyle) .grid{display:flex;flex-wrap:wrap;gap:16px} .answer{font-size:1.3em;padding:8px 12px;border-left:6px solid #2ca02c;background:#f4fbf4}</style></head>
            <body><h1>stampede search</h1>
            <p class="answer"><strong>\(HTMLReport.escape(f.answer))</strong></p>
            <p>SLO <code>\(HTMLReport.escape(f.criteria.slo))</code> against <code>\(HTMLReport.escape(f.target))</code>.</p>
            <div class="grid">\(goodput.render())\(times.render())</div>
            \(table(f))
            </body></html>
            """
    }
}
