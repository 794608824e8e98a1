import Histogram
import LoadGen

/// What one client group measured, merged over the load runs against every instance (counters
/// added, histograms merged bucket by bucket, never percentiles averaged).
public struct ClientGroupResult: Sendable, Codable, Equatable {
    public var name: String
    public var clients: Int
    public var counters: LoadCounters
    public var errors: [String: Int]
    /// SSE `error` events by kind (``LoadResult/errorEvents``); empty in reports written before them.
    public var errorEvents: [String: Int] = [:]
    /// By ``LatencyMetric`` raw value.
    public var latency: [String: LatencySummary]
    public var elapsedSeconds: Double
    /// Largest generator CPU reported by the runs (the whole process), percent of one core.
    public var generatorCPUPercent: Double

    public init(
        name: String, clients: Int, counters: LoadCounters, errors: [String: Int] = [:],
        latency: [String: LatencySummary],
        elapsedSeconds: Double, generatorCPUPercent: Double = 0
    ) {
        self.name = name
        self.clients = clients
        self.counters = counters
        self.errors = errors
        self.latency = latency
        self.elapsedSeconds = elapsedSeconds
        self.generatorCPUPercent = generatorCPUPercent
    }

    /// The group's load runs merged.
    public init(name: String, results: [LoadResult]) {
        self.name = name
        clients = results.reduce(0) { $0 + ($1.settings.clients ?? 0) }
        var counters = LoadCounters()
        var errors: [String: Int] = [:]
        var errorEvents: [String: Int] = [:]
        var histograms: [String: LatencySummary] = [:]
        for r in results {
            counters.add(r.counters)
            errors.merge(r.errors, uniquingKeysWith: +)
            errorEvents.merge(r.errorEvents, uniquingKeysWith: +)
            for (metric, summary) in r.latency {
                if let existing = histograms[metric] {
                    var h = existing.histogram()
                    h.add(summary.histogram())
                    histograms[metric] = LatencySummary(h)
                } else {
                    histograms[metric] = summary
                }
            }
        }
        self.counters = counters
        self.errors = errors
        self.errorEvents = errorEvents
        self.latency = histograms
        elapsedSeconds = results.map(\.elapsedSeconds).max() ?? 0
        generatorCPUPercent = results.map(\.generator.cpuPercent).max() ?? 0
    }

    private enum CodingKeys: String, CodingKey {
        case name, clients, counters, errors, errorEvents, latency, elapsedSeconds, generatorCPUPercent
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        clients = try c.decode(Int.self, forKey: .clients)
        counters = try c.decode(LoadCounters.self, forKey: .counters)
        errors = try c.decode([String: Int].self, forKey: .errors)
        errorEvents = try c.decodeIfPresent([String: Int].self, forKey: .errorEvents) ?? [:]
        latency = try c.decode([String: LatencySummary].self, forKey: .latency)
        elapsedSeconds = try c.decode(Double.self, forKey: .elapsedSeconds)
        generatorCPUPercent = try c.decode(Double.self, forKey: .generatorCPUPercent)
    }

    /// The per-group metrics of ``MetricCatalog/client``.
    public var metrics: [String: Double] {
        var m: [String: Double] = [:]
        m[ClientMetric.events] = Double(counters.events)
        m[ClientMetric.clients] = Double(clients)
        m[ClientMetric.streamsCompleted] = Double(counters.streamsCompleted)
        m[ClientMetric.errors] = Double(counters.failed)
        m[ClientMetric.requests] = Double(counters.succeeded)
        if let gap = latency[LatencyMetric.interEventGap.rawValue] {
            m[ClientMetric.gapP99Ms] = Double(gap.p99) / 1000
            m[ClientMetric.gapMaxMs] = Double(gap.max) / 1000
        }
        if let first = latency[LatencyMetric.timeToFirstEvent.rawValue] {
            m[ClientMetric.firstEventP99Ms] = Double(first.p99) / 1000
        }
        if let request = latency[LatencyMetric.requestLatency.rawValue] {
            m[ClientMetric.requestP99Ms] = Double(request.p99) / 1000
        }
        return m
    }
}
