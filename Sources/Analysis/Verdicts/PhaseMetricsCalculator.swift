import Foundation
import LoadGen
import ServerConfig

/// Turns a phase's samples and client results into the metrics of ``MetricCatalog`` and the list
/// of reasons its numbers are too weak for a verdict. Pure: tested on synthetic samples.
public enum PhaseMetricsCalculator {
    static let mib = 1_048_576.0

    public struct Limits: Sendable {
        public var minSamples: Int
        /// Percent of all cores.
        public var generatorCPULimit: Double
        /// Percent of all cores, machine-wide.
        public var machineCPULimit: Double
        public var cores: Int
        public init(minSamples: Int = 8, generatorCPULimit: Double = 90, machineCPULimit: Double = 90, cores: Int = 2) {
            self.minSamples = minSamples
            self.generatorCPULimit = generatorCPULimit
            self.machineCPULimit = machineCPULimit
            self.cores = cores
        }
    }

    public static func compute(
        samples all: [Sample], warmup: Double, clients: [ClientGroupResult], limits: Limits
    )
        -> (metrics: [String: Double], validity: [String])
    {
        var m: [String: Double] = [:]
        var validity: [String] = []
        let window = all.filter { $0.t >= warmup }
        m[.samples] = Double(window.count)
        if window.count < limits.minSamples {
            validity.append("only \(window.count) server samples in the measured window (minimum \(limits.minSamples))")
        }
        if let first = window.first, let last = window.last, last.t > first.t {
            let span = last.t - first.t
            func delta(_ series: String) -> Double { counterDelta(window, series) }
            let updates = delta(ServerSeries.sessionUpdatesTotal.rawValue)
            m[.updatesPerSecond] = updates / span
            m[.updateErrors] = delta(ServerSeries.sessionUpdateErrorsTotal.rawValue)
            m[.lockTimeouts] = delta(ServerSeries.lockTimeoutsTotal.rawValue)
            m[.sessionCreateErrors] = delta(ServerSeries.sessionCreateErrorsTotal.rawValue)
            m[.dbPoolTimeouts] = delta(ServerSeries.poolTimeoutsTotal.pool("postgres"))
            m[.slowConsumersCut] = delta(ServerSeries.sseSlowConsumersCutTotal.rawValue)
            agentSlots(window, into: &m)
            m[.eventsProduced] = delta(ServerSeries.sseEventsProducedTotal.rawValue)
            m[.eventsSent] = delta(ServerSeries.sseEventsSentTotal.rawValue)
            if updates > 0 { m[.redisCommandsPerUpdate] = delta(ServerSeries.redisCommandsTotal.rawValue) / updates }
            let acquired = delta(ServerSeries.lockAcquiredTotal.rawValue)
            if acquired > 0 {
                m[.lockAttemptsPerAcquisition] = delta(ServerSeries.lockAttemptsTotal.rawValue) / acquired
                let commands = delta(ServerSeries.lockRedisCommandsTotal.rawValue)
                if commands > 0 { m[.lockCommandsPerAcquisition] = commands / acquired }
            }
            m[.lockFencedWrites] = delta(ServerSeries.lockFencedWritesTotal.rawValue)
            let waitCount = delta(ServerSeries.lockAcquireWaitSeconds.count)
            if waitCount > 0 { m[.lockWaitMeanMs] = delta(ServerSeries.lockAcquireWaitSeconds.sum) / waitCount * 1000 }
            let waits = lockWaitBuckets(first: first, last: last)
            if let p50 = PrometheusText.quantile(0.5, buckets: waits) { m[.lockWaitP50Ms] = p50 * 1000 }
            if let p99 = PrometheusText.quantile(0.99, buckets: waits) { m[.lockWaitP99Ms] = p99 * 1000 }
            let maxes = last.servers.compactMap { $0.metrics[ServerSeries.lockAcquireWaitSecondsMax.rawValue] }
            if let mx = maxes.max() { m[.lockWaitMaxMs] = mx * 1000 }
            /// CPU seconds over the window as a percentage of all cores.
            func percentOfCores(_ seconds: Double) -> Double { seconds / span / Double(max(limits.cores, 1)) * 100 }
            let cpu = percentOfCores(last.generatorCPUSeconds - first.generatorCPUSeconds)
            m[.generatorCpuPercent] = cpu
            if cpu >= limits.generatorCPULimit {
                validity.append(
                    String(
                        format: "load generator saturated: %.0f %% of all cores (limit %.0f %%)", cpu,
                        limits.generatorCPULimit))
            }
            if let busyFirst = first.machineBusySeconds, let busyLast = last.machineBusySeconds {
                let machine = percentOfCores(busyLast - busyFirst)
                m[.machineCpuPercent] = machine
                if machine >= limits.machineCPULimit {
                    validity.append(
                        String(
                            format:
                                "machine saturated: %.0f %% of all cores busy (limit %.0f %%); servers, generator and services "
                                + "competed for CPU, so the numbers measure this machine", machine,
                            limits.machineCPULimit))
                }
            }
        }
        memory(window, into: &m)
        capacity(window, into: &m)
        backends(window, into: &m)
        load(clients, into: &m, validity: &validity)
        return (m, validity)
    }

    /// Lock-wait histogram buckets over the window, summed over instances.
    public static func lockWaitBuckets(first: Sample, last: Sample) -> [(le: Double, count: Double)] {
        var byBound: [Double: Double] = [:]
        for s in last.servers {
            let begin =
                first.servers.first { $0.instance == s.instance }.map {
                    PrometheusText.buckets($0.metrics, name: ServerSeries.lockAcquireWaitSeconds.rawValue)
                } ?? []
            for b in PrometheusText.buckets(s.metrics, name: ServerSeries.lockAcquireWaitSeconds.rawValue) {
                let before = begin.first { $0.le == b.le }?.count ?? 0
                byBound[b.le, default: 0] += b.count - before
            }
        }
        return byBound.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    static func memory(_ window: [Sample], into m: inout [String: Double]) {
        let instances = Set(window.flatMap { $0.servers.map(\.instance) })
        guard !instances.isEmpty else { return }
        var rssMax = 0.0, growth = -Double.infinity, slope = -Double.infinity, buffered = 0.0, fds = 0.0
        var fdSlope = -Double.infinity
        for i in instances {
            let points = window.compactMap { s in
                s.servers.first { $0.instance == i }.map { (s.t, Double($0.rssBytes) / mib, $0) }
            }
            .filter { $0.1 > 0 }
            guard let a = points.first, let b = points.last else { continue }
            rssMax = max(rssMax, points.map(\.1).max() ?? 0)
            growth = max(growth, b.1 - a.1)
            if let k = leastSquaresSlope(points.map { ($0.0, $0.1) }) { slope = max(slope, k) }
            buffered = max(
                buffered, points.compactMap { $0.2.metrics[ServerSeries.sseBufferedBytes.rawValue] }.max() ?? 0)
            fds = max(fds, Double(points.map(\.2.openFDs).max() ?? 0))
            if let k = leastSquaresSlope(points.map { ($0.0, Double($0.2.openFDs)) }) { fdSlope = max(fdSlope, k) }
        }
        if let k = leastSquaresSlope(
            window.filter { $0.generatorRSSBytes > 0 }.map { ($0.t, Double($0.generatorRSSBytes) / mib) })
        {
            m[.generatorRssSlopeMbPerH] = k * 3600
        }
        if fdSlope.isFinite { m[.fdsSlopePerH] = fdSlope * 3600 }
        m[.rssMaxMb] = rssMax
        if growth.isFinite { m[.rssGrowthMb] = growth }
        if slope.isFinite {
            m[.rssSlopeMbPerS] = slope
            m[.rssSlopeMbPerH] = slope * 3600
        }
        m[.bufferedMaxMb] = buffered / mib
        m[.fdsMax] = fds
    }

    /// Agent slots held (`stampede_agent_slots_in_use`): the most and the time-mean on one
    /// instance, and the fewest left free (slots − in use) on any instance at any sample; the same
    /// for runs blocked by their reader (`stampede_agent_runs_blocked`), and the fewest slots not
    /// held by one (slots − blocked).
    static func agentSlots(_ window: [Sample], into m: inout [String: Double]) {
        let slots = ServerSeries.agentSlots.rawValue
        if let used = gauge(ServerSeries.agentSlotsInUse.rawValue, window) {
            m[.agentSlotsInUseMax] = used.most
            m[.agentSlotsInUseMean] = used.mean
            if let free = used.fewestLeft(of: slots) { m[.agentSlotsFreeMin] = free }
        }
        if let blocked = gauge(ServerSeries.agentRunsBlocked.rawValue, window) {
            m[.agentRunsBlockedMax] = blocked.most
            m[.agentRunsBlockedMean] = blocked.mean
            if let left = blocked.fewestLeft(of: slots) { m[.agentSlotsForReadersMin] = left }
        }
    }

    /// A per-instance gauge over the window: its most and its time-mean on one instance (the
    /// largest of any), and, against a limit series, the fewest left (limit − gauge) anywhere.
    struct InstanceGauge {
        var points: [[(value: Double, metrics: [String: Double])]]
        var most: Double { points.compactMap { $0.map(\.value).max() }.max() ?? 0 }
        var mean: Double {
            points.map { $0.map(\.value).reduce(0, +) / Double($0.count) }.max() ?? 0
        }
        func fewestLeft(of limit: String) -> Double? {
            points.joined().compactMap { p in p.metrics[limit].map { $0 - p.value } }.min()
        }
    }

    static func gauge(_ series: String, _ window: [Sample]) -> InstanceGauge? {
        let points = Set(window.flatMap { $0.servers.map(\.instance) }).sorted().map { i in
            window.compactMap { s in s.servers.first { $0.instance == i }?.metrics }
                .compactMap { x in x[series].map { (value: $0, metrics: x) } }
        }.filter { !$0.isEmpty }
        return points.isEmpty ? nil : InstanceGauge(points: points)
    }

    static func backends(_ window: [Sample], into m: inout [String: Double]) {
        let b = window.compactMap(\.backends)
        func maxOf(_ value: (Sample.Backends) -> Double?) -> Double? { b.compactMap(value).max() }
        m[.redisClientsMax] = maxOf { $0.redisConnectedClients.map(Double.init) }
        m[.redisOpsPerSecondMax] = maxOf(\.redisOpsPerSecond)
        m[.pgConnectionsMax] = maxOf { $0.postgresConnections.map(Double.init) }
        m[.pgActiveMax] = maxOf { $0.postgresActive.map(Double.init) }
        m[.pgIdleInTransactionMax] = maxOf { $0.postgresIdleInTransaction.map(Double.init) }
    }

    static func load(_ clients: [ClientGroupResult], into m: inout [String: Double], validity: inout [String]) {
        guard !clients.isEmpty else { return }
        let elapsed = clients.map(\.elapsedSeconds).max() ?? 0
        let completed = clients.reduce(0) { $0 + $1.counters.streamsCompleted }
        let events = clients.reduce(0) { $0 + $1.counters.events }
        m[PhaseMetric.streamsCompleted] = Double(completed)
        m[.clientErrors] = Double(clients.reduce(0) { $0 + $1.counters.failed })
        m[.lostEvents] = Double(
            clients.reduce(0) { $0 + $1.counters.gaps + $1.counters.duplicates + $1.counters.reorders })
        if elapsed > 0 {
            m[.streamsPerSecond] = Double(completed) / elapsed
            m[.eventsPerSecond] = Double(events) / elapsed
        }
        var gaps: LatencySummaryMerge? = nil
        for c in clients {
            for (k, v) in c.metrics { m["\(c.name).\(k)"] = v }
            if let g = c.latency["inter_event_gap"] { gaps = (gaps ?? LatencySummaryMerge()).adding(g) }
            let harness = c.errors.filter { ["emfile", "out_of_memory"].contains($0.key) || $0.key.hasPrefix("curl_") }
            if !harness.isEmpty {
                validity.append(
                    "load generator errors in client group \(c.name): \(harness.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: ", "))"
                )
            }
        }
        if let p99 = gaps?.p99Microseconds { m[PhaseMetric.gapP99Ms] = Double(p99) / 1000 }
    }

    /// Slope of y over x by least squares; nil with fewer than two distinct x.
    public static func leastSquaresSlope(_ points: [(Double, Double)]) -> Double? {
        guard points.count >= 2 else { return nil }
        let n = Double(points.count)
        let mx = points.reduce(0) { $0 + $1.0 } / n
        let my = points.reduce(0) { $0 + $1.1 } / n
        let sxx = points.reduce(0) { $0 + ($1.0 - mx) * ($1.0 - mx) }
        guard sxx > 0 else { return nil }
        return points.reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) } / sxx
    }
}
