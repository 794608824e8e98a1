import Analysis
import LoadGen
import ServerConfig

/// The charts of report.html, built from a report's phases.
enum HTMLCharts {
    static func all(_ r: RunReport) -> [String] {
        sweepCharts(r) + simulationCharts(r) + cpuCharts(r) + percentileCharts(r) + lockWaitCharts(r)
            + perInstanceCharts(r) + timeCharts(r)
    }

    /// The phases a chart with one series per phase shows: every phase that is not a sweep point,
    /// and each sweep's largest fleet (its most loaded point), so scale-001's 48 phases do not
    /// become 48 lines.
    static func representative(_ r: RunReport) -> [PhaseResult] {
        r.phases.filter { p in
            guard let sweep = p.sweep else { return true }
            return p.instances == r.phases.filter { $0.sweep == sweep }.map(\.instances).max()
        }
    }

    /// Series split into charts of at most `size` (small multiples), titled "(k of n)" when split.
    static func multiples(
        _ series: [SVGLineChart.Series], size: Int = 6, make: (String, [SVGLineChart.Series]) -> SVGLineChart,
        title: String
    ) -> [String] {
        guard series.count > size else { return [make(title, series).render()] }
        let chunks = stride(from: 0, to: series.count, by: size).map {
            Array(series[$0..<min($0 + size, series.count)])
        }
        return chunks.enumerated().map { i, chunk in make("\(title) (\(i + 1) of \(chunks.count))", chunk).render() }
    }

    /// The machine's and the generator's busy CPU, beside the throughput: vs instances for sweeps,
    /// over time otherwise; the saturation limit drawn (the validity check's).
    static func cpuCharts(_ r: RunReport) -> [String] {
        let limit = r.config.sampling.machineCPULimit ?? SamplingSpec.defaultMachineCPULimit
        let sweeps = Array(Set(r.phases.compactMap(\.sweep))).sorted()
        if !sweeps.isEmpty {
            var series: [SVGLineChart.Series] = []
            for (i, sweep) in sweeps.enumerated() {
                let points = r.phases.filter { $0.sweep == sweep }
                series.append(
                    .init(
                        name: "\(sweep) machine",
                        points: points.compactMap { p in p.metrics[.machineCpuPercent].map { (Double(p.instances), $0) }
                        },
                        color: i))
                series.append(
                    .init(
                        name: "\(sweep) generator",
                        points: points.compactMap { p in
                            p.metrics[.generatorCpuPercent].map { (Double(p.instances), $0) }
                        },
                        dashed: true, color: i))
            }
            return multiples(
                series.filter { !$0.points.isEmpty }, size: 8,
                make: { title, s in
                    var c = SVGLineChart(
                        title: title, xLabel: "instances", yLabel: "busy CPU (% of all cores)", series: s,
                        limit: ("saturated at \(Int(limit)) %", limit))
                    c.xAxis = .integers
                    return c
                }, title: "Machine and generator CPU vs instances")
        }
        var series: [SVGLineChart.Series] = []
        let cores = Double(max(r.environment.cores, 1))
        for (i, p) in representative(r).enumerated() {
            var machine: [(x: Double, y: Double)] = []
            var generator: [(x: Double, y: Double)] = []
            for (a, b) in zip(p.samples, p.samples.dropFirst()) where b.t > a.t {
                let span = (b.t - a.t) * cores / 100
                if let x = a.machineBusySeconds, let y = b.machineBusySeconds { machine.append((b.t, (y - x) / span)) }
                generator.append((b.t, (b.generatorCPUSeconds - a.generatorCPUSeconds) / span))
            }
            series.append(.init(name: "\(p.name) machine", points: machine, color: i))
            series.append(.init(name: "\(p.name) generator", points: generator, dashed: true, color: i))
        }
        return multiples(
            series.filter { !$0.points.isEmpty }, size: 8,
            make: { title, s in
                SVGLineChart(
                    title: title, xLabel: "seconds", yLabel: "busy CPU (% of all cores)", series: s,
                    limit: ("saturated at \(Int(limit)) %", limit))
            }, title: "Machine and generator CPU over time")
    }

    /// HdrHistogram percentile plots (latency against 1/(1 − percentile), log axis), per client
    /// group of the representative phases, for the first event, the gaps and request latency.
    static func percentileCharts(_ r: RunReport) -> [String] {
        let metrics: [(LatencyMetric, String)] = [
            (.timeToFirstEvent, "Time to first event"), (.interEventGap, "Inter-event gap"),
            (.requestLatency, "Request latency"),
        ]
        var charts: [String] = []
        for (metric, title) in metrics {
            var series: [SVGLineChart.Series] = []
            for p in representative(r) {
                for c in p.clients {
                    guard let summary = c.latency[metric.rawValue], summary.count > 0 else { continue }
                    series.append(.init(name: "\(p.name) \(c.name)", points: percentilePoints(summary)))
                }
            }
            charts += multiples(
                series, size: 6,
                make: { t, s in
                    var chart = SVGLineChart(title: t, xLabel: "percentile", yLabel: "ms", series: s)
                    chart.xAxis = .percentile
                    return chart
                }, title: "\(title): percentile distribution")
        }
        return charts.filter { !$0.hasPrefix("<p") }
    }

    /// (1/(1 − p), value in ms) at HdrHistogram's percentile steps, up to the last recorded value.
    static func percentilePoints(_ summary: LatencySummary) -> [(x: Double, y: Double)] {
        var points: [(x: Double, y: Double)] = summary.percentileCurve().map { p in
            (1 / (1 - p.percentile / 100), Double(p.value) / 1000)
        }
        points.append((1_000_000, Double(summary.max) / 1000))
        return points
    }

    /// The lock's wait distribution per phase with hot sessions (each strategy of a sweep at its
    /// largest fleet), from the servers' `stampede_lock_acquire_wait_seconds` histogram over the
    /// measured window, as a percentile plot.
    static func lockWaitCharts(_ r: RunReport) -> [String] {
        var series: [SVGLineChart.Series] = []
        for p in representative(r) where p.hotSet != nil {
            let window = p.samples.filter { $0.t >= p.warmupSeconds }
            var distribution = p.lockWait
            if distribution == nil, let first = window.first, let last = window.last, last.t > first.t {
                distribution = LockWaitDistribution(first: first, last: last)
            }
            guard let d = distribution, d.total > 0 else { continue }
            var points: [(x: Double, y: Double)] = []
            for (le, count) in zip(d.bounds, d.counts) {
                let b = (le: le, count: count)
                let share = b.count / d.total
                guard share < 1 else {
                    points.append((1_000_000, b.le * 1000))
                    break
                }
                points.append((1 / (1 - share), b.le * 1000))
            }
            series.append(.init(name: "\(p.name) (\(p.profile))", points: points))
        }
        return multiples(
            series, size: 6,
            make: { t, s in
                var chart = SVGLineChart(
                    title: t, xLabel: "percentile", yLabel: "lock wait, ms (bucket bound)", series: s)
                chart.xAxis = .percentile
                return chart
            }, title: "Lock wait distribution per strategy"
        ).filter { !$0.hasPrefix("<p") }
    }

    /// Per instance, for each sweep's largest fleet and every fleet of two or more: updates/s over
    /// the window, peak RSS and peak open FDs, so an instance that does more (or less) shows.
    static func perInstanceCharts(_ r: RunReport) -> [String] {
        let phases = representative(r).filter { $0.instances >= 2 }
        guard !phases.isEmpty else { return [] }
        var updates: [SVGLineChart.Series] = []
        var rss: [SVGLineChart.Series] = []
        var fds: [SVGLineChart.Series] = []
        for p in phases {
            let window = p.samples.filter { $0.t >= p.warmupSeconds }
            guard let first = window.first, let last = window.last, last.t > first.t else { continue }
            let instances = Set(window.flatMap { $0.servers.map(\.instance) }).sorted()
            let name = ServerSeries.sessionUpdatesTotal.rawValue
            updates.append(
                .init(
                    name: p.name,
                    points: instances.compactMap { i in
                        guard let a = first.servers.first(where: { $0.instance == i })?.metrics[name],
                            let b = last.servers.first(where: { $0.instance == i })?.metrics[name]
                        else { return nil }
                        return (Double(i), (b - a) / (last.t - first.t))
                    }))
            rss.append(
                .init(
                    name: p.name,
                    points: instances.map { i in
                        (
                            Double(i),
                            Double(window.compactMap { $0.servers.first { $0.instance == i }?.rssBytes }.max() ?? 0)
                                / 1_048_576
                        )
                    }))
            fds.append(
                .init(
                    name: p.name,
                    points: instances.map { i in
                        (
                            Double(i),
                            Double(window.compactMap { $0.servers.first { $0.instance == i }?.openFDs }.max() ?? 0)
                        )
                    }))
        }
        func chart(_ title: String, _ y: String, _ s: [SVGLineChart.Series]) -> [String] {
            multiples(
                s.filter { !$0.points.isEmpty }, size: 6,
                make: { t, s in
                    var c = SVGLineChart(title: t, xLabel: "instance", yLabel: y, series: s)
                    c.xAxis = .integers
                    return c
                }, title: title
            ).filter { !$0.hasPrefix("<p") }
        }
        return chart("Updates/s per instance", "updates/s", updates) + chart("Peak RSS per instance", "MiB", rss)
            + chart("Peak open FDs per instance", "FDs", fds)
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
        // Each sweep's measured line, ideal line and fit stay together when split into multiples.
        throughput = sweeps.flatMap { s in throughput.filter { $0.name == s || $0.name.hasPrefix(s + " ") } }
        let efficiency = sweeps.enumerated().map {
            SVGLineChart.Series(name: $1, points: points($1, .scalingEfficiency), color: $0)
        }
        let waits = sweeps.enumerated().flatMap { i, s in
            [
                SVGLineChart.Series(name: "\(s) p50", points: points(s, .lockWaitP50Ms), dashed: true, color: i),
                SVGLineChart.Series(name: "\(s) p99", points: points(s, .lockWaitP99Ms), color: i),
            ]
        }
        func integers(
            _ title: String, _ y: String, _ limit: (label: String, y: Double)? = nil
        ) -> (
            String, [SVGLineChart.Series]
        ) -> SVGLineChart {
            { t, s in
                var c = SVGLineChart(title: t, xLabel: "instances", yLabel: y, series: s, limit: limit)
                c.xAxis = .integers
                return c
            }
        }
        return multiples(
            throughput, size: 9, make: integers("t", "updates/s"), title: "Completed updates/s vs instances")
            + multiples(
                efficiency, size: 6, make: integers("e", "efficiency", ("ideal", 1)),
                title: "Scaling efficiency X(N)/(N·X(1))")
            + multiples(waits, size: 6, make: integers("w", "ms"), title: "Lock acquire wait vs instances")
    }

    /// The simulator's curves to 100 instances (dotted) over the measured points (solid), per
    /// sweep: updates/s and lock-wait p99.
    static func simulationCharts(_ r: RunReport) -> [String] {
        guard let sim = r.simulation else { return [] }
        let sweeps = Array(Set(r.phases.compactMap(\.sweep))).sorted()
        var throughput: [SVGLineChart.Series] = []
        var waits: [SVGLineChart.Series] = []
        for (i, s) in sweeps.enumerated() {
            let phases = r.phases.filter { $0.sweep == s }.sorted { $0.instances < $1.instances }
            guard let group = phases.first?.group, let hot = phases.first?.hotSet else { continue }
            let simulated = sim.points.filter { $0.group == group && $0.sessions == hot }.sorted {
                $0.instances < $1.instances
            }
            guard !simulated.isEmpty else { continue }
            func measured(_ m: PhaseMetric) -> [(x: Double, y: Double)] {
                phases.compactMap { p in p.metrics[m.rawValue].map { (Double(p.instances), $0) } }
            }
            func predicted(_ m: PhaseMetric) -> [(x: Double, y: Double)] {
                simulated.compactMap { p in p.metrics[m.rawValue].map { (Double(p.instances), $0) } }
            }
            throughput.append(.init(name: s, points: measured(.updatesPerSecond), color: i))
            throughput.append(
                .init(name: "\(s) simulated", points: predicted(.updatesPerSecond), dotted: true, color: i))
            waits.append(.init(name: "\(s) p99", points: measured(.lockWaitP99Ms), color: i))
            waits.append(.init(name: "\(s) p99 simulated", points: predicted(.lockWaitP99Ms), dotted: true, color: i))
        }
        guard !throughput.isEmpty else { return [] }
        func chart(_ y: String) -> (String, [SVGLineChart.Series]) -> SVGLineChart {
            { t, s in
                var c = SVGLineChart(title: t, xLabel: "instances", yLabel: y, series: s)
                c.xAxis = .integers
                return c
            }
        }
        return multiples(
            throughput, size: 8, make: chart("updates/s"), title: "Updates/s: measured, simulated to 100 (dotted)")
            + multiples(waits, size: 8, make: chart("ms"), title: "Lock-wait p99: measured, simulated (dotted)")
    }

    /// Over time, one line per phase (largest instance at each sample): RSS, FDs, buffered bytes,
    /// and every extra sampled series.
    static func timeCharts(_ r: RunReport) -> [String] {
        func series(_ value: (Sample.Server) -> Double?) -> [SVGLineChart.Series] {
            representative(r).map { p in
                SVGLineChart.Series(
                    name: p.name,
                    points: p.samples.compactMap { s in s.servers.compactMap(value).max().map { (s.t, $0) } })
            }.filter { !$0.points.isEmpty }
        }
        func overTime(
            _ y: String, _ limit: (label: String, y: Double)? = nil
        ) -> (String, [SVGLineChart.Series]) -> SVGLineChart {
            { t, s in SVGLineChart(title: t, xLabel: "seconds", yLabel: y, series: s, limit: limit) }
        }
        var charts =
            multiples(series { Double($0.rssBytes) / 1_048_576 }, make: overTime("MiB"), title: "Server RSS over time")
            + multiples(
                series { Double($0.openFDs) }, make: overTime("FDs", fdLimitLine(r)), title: "Open FDs over time")
            + multiples(
                series { $0.metrics[ServerSeries.sseBufferedBytes.rawValue].map { $0 / 1_048_576 } },
                make: overTime("MiB"), title: "Buffered between agent and socket")
        let backends: [(String, (Sample.Backends) -> Int?)] = [
            ("Redis clients", { $0.redisConnectedClients }), ("PostgreSQL connections", { $0.postgresConnections }),
            ("PostgreSQL idle in transaction", { $0.postgresIdleInTransaction }),
        ]
        var backendSeries: [SVGLineChart.Series] = []
        for (i, (label, value)) in backends.enumerated() {
            for (j, p) in representative(r).enumerated() {
                let pts = p.samples.compactMap { s in s.backends.flatMap(value).map { (s.t, Double($0)) } }
                if !pts.isEmpty {
                    backendSeries.append(.init(name: "\(p.name): \(label)", points: pts, dashed: i > 0, color: j))
                }
            }
        }
        charts += multiples(
            backendSeries, size: 9, make: overTime("connections"), title: "Redis and PostgreSQL connections over time")
        for name in r.config.sampling.metrics {
            charts += multiples(series { $0.metrics[name] }, make: overTime("value"), title: name)
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
