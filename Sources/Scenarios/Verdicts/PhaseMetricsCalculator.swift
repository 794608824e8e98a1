import LoadGen
import Foundation

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

    public static func compute(samples all: [Sample], warmup: Double, clients: [ClientGroupResult], limits: Limits)
        -> (metrics: [String: Double], validity: [String])
    {
        var m: [String: Double] = [:]
        var validity: [String] = []
        let window = all.filter { $0.t >= warmup }
        m["samples"] = Double(window.count)
        if window.count < limits.minSamples {
            validity.append("only \(window.count) server samples in the measured window (minimum \(limits.minSamples))")
        }
        if let first = window.first, let last = window.last, last.t > first.t {
            let span = last.t - first.t
            func delta(_ series: String) -> Double { counterDelta(window, series) }
            let updates = delta("stampede_session_updates_total")
            m["updates_per_second"] = updates / span
            m["update_errors"] = delta("stampede_session_update_errors_total")
            m["lock_timeouts"] = delta("stampede_lock_timeouts_total")
            m["session_create_errors"] = delta("stampede_session_create_errors_total")
            m["db_pool_timeouts"] = delta("stampede_pool_timeouts_total{pool=\"postgres\"}")
            m["slow_consumers_cut"] = delta("stampede_sse_slow_consumers_cut_total")
            m["events_produced"] = delta("stampede_sse_events_produced_total")
            m["events_sent"] = delta("stampede_sse_events_sent_total")
            if updates > 0 { m["redis_commands_per_update"] = delta("stampede_redis_commands_total") / updates }
            let waitCount = delta("stampede_lock_acquire_wait_seconds_count")
            if waitCount > 0 { m["lock_wait_mean_ms"] = delta("stampede_lock_acquire_wait_seconds_sum") / waitCount * 1000 }
            let waits = lockWaitBuckets(first: first, last: last)
            if let p50 = PrometheusText.quantile(0.5, buckets: waits) { m["lock_wait_p50_ms"] = p50 * 1000 }
            if let p99 = PrometheusText.quantile(0.99, buckets: waits) { m["lock_wait_p99_ms"] = p99 * 1000 }
            let maxes = last.servers.compactMap { $0.metrics["stampede_lock_acquire_wait_seconds_max"] }
            if let mx = maxes.max() { m["lock_wait_max_ms"] = mx * 1000 }
            /// CPU seconds over the window as a percentage of all cores.
            func percentOfCores(_ seconds: Double) -> Double { seconds / span / Double(max(limits.cores, 1)) * 100 }
            let cpu = percentOfCores(last.generatorCPUSeconds - first.generatorCPUSeconds)
            m["generator_cpu_percent"] = cpu
            if cpu >= limits.generatorCPULimit {
                validity.append(String(format: "load generator saturated: %.0f %% of all cores (limit %.0f %%)", cpu, limits.generatorCPULimit))
            }
            if let busyFirst = first.machineBusySeconds, let busyLast = last.machineBusySeconds {
                let machine = percentOfCores(busyLast - busyFirst)
                m["machine_cpu_percent"] = machine
                if machine >= limits.machineCPULimit {
                    validity.append(
                        String(
                            format: "machine saturated: %.0f %% of all cores busy (limit %.0f %%); servers, generator and services "
                                + "competed for CPU, so the numbers measure this machine", machine, limits.machineCPULimit))
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
    static func lockWaitBuckets(first: Sample, last: Sample) -> [(le: Double, count: Double)] {
        var byBound: [Double: Double] = [:]
        for s in last.servers {
            let begin = first.servers.first { $0.instance == s.instance }.map {
                PrometheusText.buckets($0.metrics, name: "stampede_lock_acquire_wait_seconds")
            } ?? []
            for b in PrometheusText.buckets(s.metrics, name: "stampede_lock_acquire_wait_seconds") {
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
        for i in instances {
            let points = window.compactMap { s in s.servers.first { $0.instance == i }.map { (s.t, Double($0.rssBytes) / mib, $0) } }
                .filter { $0.1 > 0 }
            guard let a = points.first, let b = points.last else { continue }
            rssMax = max(rssMax, points.map(\.1).max() ?? 0)
            growth = max(growth, b.1 - a.1)
            if let k = leastSquaresSlope(points.map { ($0.0, $0.1) }) { slope = max(slope, k) }
            buffered = max(buffered, points.compactMap { $0.2.metrics["stampede_sse_buffered_bytes"] }.max() ?? 0)
            fds = max(fds, Double(points.map(\.2.openFDs).max() ?? 0))
        }
        m["rss_max_mb"] = rssMax
        if growth.isFinite { m["rss_growth_mb"] = growth }
        if slope.isFinite { m["rss_slope_mb_per_s"] = slope }
        m["buffered_max_mb"] = buffered / mib
        m["fds_max"] = fds
    }

    static func backends(_ window: [Sample], into m: inout [String: Double]) {
        let b = window.compactMap(\.backends)
        func maxOf(_ value: (Sample.Backends) -> Double?) -> Double? { b.compactMap(value).max() }
        m["redis_clients_max"] = maxOf { $0.redisConnectedClients.map(Double.init) }
        m["redis_ops_per_second_max"] = maxOf(\.redisOpsPerSecond)
        m["pg_connections_max"] = maxOf { $0.postgresConnections.map(Double.init) }
        m["pg_active_max"] = maxOf { $0.postgresActive.map(Double.init) }
        m["pg_idle_in_transaction_max"] = maxOf { $0.postgresIdleInTransaction.map(Double.init) }
    }

    static func load(_ clients: [ClientGroupResult], into m: inout [String: Double], validity: inout [String]) {
        guard !clients.isEmpty else { return }
        let elapsed = clients.map(\.elapsedSeconds).max() ?? 0
        let completed = clients.reduce(0) { $0 + $1.counters.streamsCompleted }
        let events = clients.reduce(0) { $0 + $1.counters.events }
        m["streams_completed"] = Double(completed)
        m["client_errors"] = Double(clients.reduce(0) { $0 + $1.counters.failed })
        m["lost_events"] = Double(clients.reduce(0) { $0 + $1.counters.gaps + $1.counters.duplicates + $1.counters.reorders })
        if elapsed > 0 {
            m["streams_per_second"] = Double(completed) / elapsed
            m["events_per_second"] = Double(events) / elapsed
        }
        var gaps: LatencySummaryMerge? = nil
        for c in clients {
            for (k, v) in c.metrics { m["\(c.name).\(k)"] = v }
            if let g = c.latency["inter_event_gap"] { gaps = (gaps ?? LatencySummaryMerge()).adding(g) }
            let harness = c.errors.filter { ["emfile", "out_of_memory"].contains($0.key) || $0.key.hasPrefix("curl_") }
            if !harness.isEmpty {
                validity.append("load generator errors in client group \(c.name): \(harness.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: ", "))")
            }
        }
        if let p99 = gaps?.p99Microseconds { m["gap_p99_ms"] = Double(p99) / 1000 }
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
