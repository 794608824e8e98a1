import Analysis
import Foundation

/// A self-contained SVG line chart (axes, ticks, legend), for report.html. No scripts, no
/// external resources.
public struct SVGLineChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var dashed = false
        /// Dotted (a model's curve, such as a USL fit); wins over `dashed`.
        public var dotted = false
        /// Palette slot; series of one family (a sweep and its ideal line) share it. Default: the series' position.
        public var color: Int?
        public init(
            name: String, points: [(x: Double, y: Double)], dashed: Bool = false, dotted: Bool = false,
            color: Int? = nil
        ) {
            self.name = name
            self.points = points
            self.dashed = dashed
            self.dotted = dotted
            self.color = color
        }

        /// The SVG attribute that draws the line's style.
        var dashAttribute: String {
            dotted ? " stroke-dasharray=\"1.5 3\"" : dashed ? " stroke-dasharray=\"6 4\"" : ""
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    /// A horizontal reference line (a limit), if any.
    public var limit: (label: String, y: Double)?
    /// How the x axis is drawn and ticked.
    public enum XAxis: Sendable {
        /// Evenly spaced ticks.
        case linear
        /// Whole numbers only (instance counts): the data's own values when few, else round steps.
        case integers
        /// HdrHistogram's percentile plot: x is 1/(1 − percentile), on a log axis ticked 0 %, 90 %, 99 %, ...
        case percentile
    }
    public var xAxis: XAxis = .linear
    public var width = 640.0
    public var height = 300.0

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]

    public init(
        title: String, xLabel: String, yLabel: String, series: [Series], limit: (label: String, y: Double)? = nil
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.limit = limit
    }

    public func render() -> String {
        let longest = Double(series.map(\.name.count).max() ?? 10)
        let left = 64.0, right = max(150, 44 + longest * 6.2), top = 30.0, bottom = 44.0
        let width = self.width + right - 150
        let plotW = width - left - right, plotH = height - top - bottom
        let xs = series.flatMap { $0.points.map { xAxis == .percentile ? log10(max($0.x, 1)) : $0.x } }
        let ys = series.flatMap { $0.points.map(\.y) } + (limit.map { [$0.y] } ?? [])
        guard let minX = xs.min(), let maxX = xs.max(), let maxYRaw = ys.max() else {
            return "<p class=\"empty\">\(HTMLReport.escape(title)): no data</p>"
        }
        let minY = min(0, ys.min() ?? 0)
        let maxY = maxYRaw <= minY ? minY + 1 : Self.niceCeiling(maxYRaw)
        let spanX = maxX > minX ? maxX - minX : 1
        let percentileAxis = xAxis == .percentile
        func px(_ x: Double) -> Double {
            left + ((percentileAxis ? log10(max(x, 1)) : x) - minX) / spanX * plotW
        }
        func py(_ y: Double) -> Double { top + plotH - (y - minY) / (maxY - minY) * plotH }
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" style=\"max-width:100%;height:auto\" role=\"img\" aria-label=\"\(HTMLReport.escape(title))\">"
        svg +=
            "<style>text{font:11px sans-serif;fill:#333}.t{font-weight:bold;font-size:13px}.g{stroke:#e5e5e5}.a{stroke:#555}</style>"
        svg += "<text class=\"t\" x=\"\(left)\" y=\"18\">\(HTMLReport.escape(title))</text>"
        for i in 0...4 {
            let y = minY + (maxY - minY) * Double(i) / 4
            svg += "<line class=\"g\" x1=\"\(left)\" x2=\"\(left + plotW)\" y1=\"\(f(py(y)))\" y2=\"\(f(py(y)))\"/>"
            svg +=
                "<text x=\"\(left - 6)\" y=\"\(f(py(y) + 4))\" text-anchor=\"end\">\(ClaimEvaluator.format(y))</text>"
        }
        for (x, label) in xTicks(minX: minX, maxX: maxX) {
            let at = left + (x - minX) / spanX * plotW
            svg += "<text x=\"\(f(at))\" y=\"\(f(top + plotH + 16))\" text-anchor=\"middle\">\(label)</text>"
        }
        svg += "<line class=\"a\" x1=\"\(left)\" x2=\"\(left)\" y1=\"\(top)\" y2=\"\(top + plotH)\"/>"
        svg += "<line class=\"a\" x1=\"\(left)\" x2=\"\(left + plotW)\" y1=\"\(top + plotH)\" y2=\"\(top + plotH)\"/>"
        svg +=
            "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 6))\" text-anchor=\"middle\">\(HTMLReport.escape(xLabel))</text>"
        svg +=
            "<text transform=\"translate(14 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(HTMLReport.escape(yLabel))</text>"
        if let limit {
            svg +=
                "<line x1=\"\(left)\" x2=\"\(left + plotW)\" y1=\"\(f(py(limit.y)))\" y2=\"\(f(py(limit.y)))\" stroke=\"#000\" stroke-dasharray=\"2 3\"/>"
            svg +=
                "<text x=\"\(left + plotW - 4)\" y=\"\(f(py(limit.y) - 4))\" text-anchor=\"end\">\(HTMLReport.escape(limit.label))</text>"
        }
        // Fitted curves (dotted) last, so the measured lines never hide them.
        let order = series.indices.filter { !series[$0].dotted } + series.indices.filter { series[$0].dotted }
        for i in order where !series[i].points.isEmpty {
            let s = series[i]
            let color = Self.palette[(s.color ?? i) % Self.palette.count]
            let path = s.points.sorted { $0.x < $1.x }.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
            svg +=
                "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.8\"\(s.dashAttribute) points=\"\(path)\"/>"
            if s.points.count <= 12 {
                for p in s.points {
                    svg += "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"3\" fill=\"\(color)\"/>"
                }
            }
            let ly = top + 8 + Double(i) * 16
            svg +=
                "<line x1=\"\(left + plotW + 12)\" x2=\"\(left + plotW + 32)\" y1=\"\(f(ly))\" y2=\"\(f(ly))\" stroke=\"\(color)\" stroke-width=\"2\"\(s.dashAttribute)/>"
            svg += "<text x=\"\(left + plotW + 36)\" y=\"\(f(ly + 4))\">\(HTMLReport.escape(s.name))</text>"
        }
        return svg + "</svg>"
    }

    /// Tick positions (in the axis' own units: log10 for percentiles) and their labels.
    func xTicks(minX: Double, maxX: Double) -> [(Double, String)] {
        switch xAxis {
        case .linear:
            let span = maxX > minX ? maxX - minX : 1
            return (0...4).map { i in
                let x = minX + span * Double(i) / 4
                return (x, ClaimEvaluator.format(x))
            }
        case .integers:
            let values = Set(series.flatMap { $0.points.map { $0.x.rounded() } }).sorted()
            if values.count <= 10 { return values.map { ($0, String(Int($0))) } }
            let step = max(1, Self.niceCeiling((maxX - minX) / 5).rounded())
            var out: [(Double, String)] = []
            var x = (minX / step).rounded(.up) * step
            while x <= maxX + 1e-9 {
                out.append((x, String(Int(x))))
                x += step
            }
            return out
        case .percentile:
            let labels = ["0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"]
            return (0...min(6, Int(maxX.rounded(.up)))).map { (Double($0), labels[$0]) }
        }
    }

    /// 1, 2, 2.5 or 5 × a power of ten at or above `v`.
    static func niceCeiling(_ v: Double) -> Double {
        guard v > 0 else { return 1 }
        let p = pow(10, floor(log10(v)))
        for m in [1, 2, 2.5, 5, 10] where m * p >= v { return m * p }
        return 10 * p
    }

    private func f(_ v: Double) -> String { String(format: "%.1f", v) }
}
