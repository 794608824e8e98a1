import Analysis
import ServerConfig

/// The charts of report.html, built from a report's phases.
enum HTMLCharts {
    static func all(_ r: RunReport) -> [String] {
        sweepCharts(r) + timeCharts(r)
    }

    /// Per sweep: throughput with the ideal line and the USL fit (dotted), efficiency, lock wait percentiles vs instances.
    static func sweepCharts(_ r: RunReport) -> [String] {
        let sweeps = Array(Set(r.phases.compactMap(\.sweep))).sorted()
        guard !sweeps.isEmpty else { return [] }
        func points(_ sweep: String, _ metric: PhaseMetric) -> [(x: Double, y: Double)] {
            r.phases.filter { $0.sweep == sweep }.compactMap { p in p.metrics[metric].map { (Double(p.instances), $0) }
            }
        }
        var throughput: [SVGLineChart.Series] = []
        // The ideal lines stop at 1.5 × the best measured throughput, so they do not flatten
        // the measured curves and the USL fits against the bottom of the chart.
        let ceiling = 1.5 * (sweeps.flatMap { points($0, .updatesPerSecond).map(\.y) }.max() ?? 0)
        for (i, s) in sweeps.enumerated() {
            let pts = points(s, .updatesPerSecond)
            throughput.append(.init(name: s, points: pts, color: i))
            if let base = pts.min(by: { $0.x < $1.x }), base.x > 0, base.y > 0 {
                let slope = base.y / base.x
                var ideal = pts.map { ($0.x, slope * $0.x) }.filter { $0.1 <= ceiling }
                if let last = pts.map(\.x).max(), slope * last > ceiling { ideal.append((ceiling / slope, ceiling)) }
                throughput.append(.init(name: "\(s) ideal", points: ideal, dashed: true, color: i))
            }
        }
        let fits = SweepUSL.fits(r)
        for (i, s) in sweeps.enumerated() {
            guard let usl = fits.first(where: { $0.sweep == s }), let maxN = usl.points.map(\.n).max() else { continue }
            let curve = usl.curve(upTo: maxN)
            if !curve.isEmpty { throughput.append(.init(name: "\(s) USL fit", points: curve, dotted: true, color: i)) }
        }
        let efficiency = sweeps.enumerated().map {
            SVGLineChart.Series(name: $1, points: points($1, .scalingEfficiency), color: $0)
        }
        let waits = sweeps.enumerated().flatMap { i, s in
            [
                SVGLineChart.Series(name: "\(s) p50", points: points(s, .lockWaitP50Ms), dashed: true, color: i),
                SVGLineChart.Series(name: "\(s) p99", points: points(s, .lockWaitP99Ms), color: i),
            ]
        }
        return [
            SVGLineChart(
                title: "Completed updates/s vs instances", xLabel: "instances", yLabel: "updates/s", series: throughput
            ).render(),
            SVGLineChart(
                title: "Scaling efficiency X(N)/(N·X(1))", xLabel: "instances", yLabel: "efficiency",
                series: efficiency,
                limit: ("ideal", 1)
            ).render(),
            SVGLineChart(title: "Lock acquire wait vs instances", xLabel: "instances", yLabel: "ms", series: waits)
                .render(),
        ]
    }

    /// Over time, one line per phase (largest instance at each sample): RSS, FDs, buffered bytes,
    /// and every extra sampled series.
    static func timeCharts(_ r: RunReport) -> [String] {
        func series(_ value: (Sample.Server) -> Double?) -> [SVGLineChart.Series] {
            r.phases.map { p in
                SVGLineChart.Series(
                    name: p.name,
                    points: p.samples.compactMap { s in s.servers.compactMap(value).max().map { (s.t, $0) } })
            }.filter { !$0.points.isEmpty }
        }
        var charts = [
            SVGLineChart(
                title: "Server RSS over time", xLabel: "seconds", yLabel: "MiB",
                series: series { Double($0.rssBytes) / 1_048_576 }
            ).render(),
            SVGLineChart(
                title: "Open FDs over time", xLabel: "seconds", yLabel: "FDs", series: series { Double($0.openFDs) },
                limit: fdLimitLine(r)
            ).render(),
            SVGLineChart(
                title: "Buffered between agent and socket", xLabel: "seconds", yLabel: "MiB",
                series: series { $0.metrics[ServerSeries.sseBufferedBytes.rawValue].map { $0 / 1_048_576 } }
            ).render(),
        ]
        let backends: [(String, (Sample.Backends) -> Int?)] = [
            ("Redis clients", { $0.redisConnectedClients }), ("PostgreSQL connections", { $0.postgresConnections }),
            ("PostgreSQL idle in transaction", { $0.postgresIdleInTransaction }),
        ]
        var backendSeries: [SVGLineChart.Series] = []
        for (i, (label, value)) in backends.enumerated() {
            for (j, p) in r.phases.enumerated() {
                let pts = p.samples.compactMap { s in s.backends.flatMap(value).map { (s.t, Double($0)) } }
                if !pts.isEmpty {
                    backendSeries.append(.init(name: "\(p.name): \(label)", points: pts, dashed: i > 0, color: j))
                }
            }
        }
        charts.append(
            SVGLineChart(
                title: "Redis and PostgreSQL connections over time", xLabel: "seconds", yLabel: "connections",
                series: backendSeries
            ).render())
        for name in r.config.sampling.metrics {
            charts.append(
                SVGLineChart(title: name, xLabel: "seconds", yLabel: "value", series: series { $0.metrics[name] })
                    .render())
        }
        return charts
    }

    /// The smallest soft open-file limit of the instances, drawn on the FD chart when it is near
    /// enough to the FDs used to be read (at most 4 × the most used), so the default 20,000 does not
    /// flatten the curves.
    static func fdLimitLine(_ r: RunReport) -> (label: String, y: Double)? {
        let limits = r.phases.compactMap { $0.metrics[.fdLimit] }
        let used = r.phases.compactMap { $0.metrics[.fdsMax] }.max() ?? 0
        guard let limit = limits.min(), limit > 0, limit <= 4 * max(used, 1) else { return nil }
        return ("soft limit \(Int(limit))", limit)
    }
}
