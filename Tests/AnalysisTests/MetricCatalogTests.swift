import Histogram
import LoadGen
import ServerConfig
import Testing

@testable import Analysis

/// Every catalogued metric is produced by the code that computes phase metrics (on synthetic
/// samples that carry every server series), and every one has a definition a report can use.
@Suite struct MetricCatalogTests {
    /// Two instances over 10 s at 4 Hz; every server series grows (counters) or varies (gauges),
    /// streams ramp so per-stream slopes exist, the services and the machine are sampled.
    static func samples() -> [Sample] {
        (0..<41).map { i in
            let t = Double(i) * 0.25
            func server(_ index: Int) -> Sample.Server {
                let streams = Double(i) * Double(index + 1)
                var metrics: [String: Double] = [:]
                for series in ServerSeries.allCases {
                    let value = t * Double(index + 2)
                    let keys =
                        series.rawValue.hasPrefix("stampede_pool_")
                        ? ["redis", "postgres"].map { series.pool($0) } : [series.rawValue]
                    for key in keys { metrics[key] = value }
                    if series.kind == .histogram {
                        for le in ["0.01", "0.5", "+Inf"] { metrics["\(series.bucket){le=\"\(le)\"}"] = value }
                        metrics[series.sum] = value / 10
                        metrics[series.count] = value
                        metrics[series.pool("redis", suffix: "_count")] = value
                        metrics[series.pool("postgres", suffix: "_count")] = value
                    }
                }
                metrics[ServerSeries.sseActiveStreams.rawValue] = streams
                return Sample.Server(
                    instance: index, rssBytes: Int(100 * 1_048_576 + streams * 20 * 1024), openFDs: Int(50 + streams),
                    threads: 8,
                    cpuSeconds: t, metrics: metrics)
            }
            var s = Sample(
                t: t, servers: [server(0), server(1)], generatorRSSBytes: 50_000_000 + Int(t) * 1000,
                generatorCPUSeconds: 0.1 * t, machineBusySeconds: 0.5 * t)
            var b = Sample.Backends()
            b.redisConnectedClients = 10
            b.redisOpsPerSecond = 100
            b.postgresConnections = 5
            b.postgresActive = 2
            b.postgresIdleInTransaction = 1
            s.backends = b
            return s
        }
    }

    static func clients() -> [ClientGroupResult] {
        var h = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        for v in [1_000, 2_000, 30_000] as [UInt64] { h.record(v) }
        var counters = LoadCounters()
        counters.events = 300
        counters.streamsCompleted = 10
        counters.succeeded = 12
        counters.started = 12
        return [
            ClientGroupResult(
                name: "c", clients: 4, counters: counters,
                latency: [
                    LatencyMetric.interEventGap.rawValue: LatencySummary(h),
                    LatencyMetric.timeToFirstEvent.rawValue: LatencySummary(h),
                    LatencyMetric.requestLatency.rawValue: LatencySummary(h),
                ], elapsedSeconds: 10)
        ]
    }

    @Test func everyCataloguedMetricIsProduced() {
        let computed = PhaseMetricsCalculator.compute(
            samples: Self.samples(), warmup: 2, clients: Self.clients(), limits: .init(minSamples: 8, cores: 2)
        ).metrics
        var phases = [1, 2].map { n in
            PhaseResult(
                name: "s@\(n)", group: "g", instances: n, profile: "upstream", serveArguments: [], durationSeconds: 10,
                warmupSeconds: 2, complete: true, metrics: computed)
        }
        for i in phases.indices { phases[i].sweep = "s" }
        ScalingEfficiency.apply(to: &phases)
        let m = phases[1].metrics
        // The verification metrics come from a real run's checks (OrchestrationLifecycleTests,
        // FaultRunTests); the fault metrics from the fault summary (FaultTimelineTests).
        // The lock log's from merged lock logs (LockTelemetryTests, ScenarioRunTests).
        for metric in PhaseMetric.allCases where ![.verification, .faults, .lockLog].contains(metric.definition.source)
        {
            #expect(m[metric] != nil, "\(metric.rawValue) is catalogued but nothing produced it")
        }
        for metric in ClientMetric.allCases {
            #expect(m["c.\(metric.rawValue)"] != nil, "c.\(metric.rawValue) is catalogued but nothing produced it")
        }
        // And nothing is produced that the catalog does not declare.
        for key in m.keys {
            #expect(MetricCatalog.definition(ofKey: key) != nil, "\(key) is produced but not catalogued")
        }
    }

    @Test func unitsAndDirectionsComeFromTheCatalog() {
        #expect(PhaseMetric.lockWaitP99Ms.definition.unit == .milliseconds)
        #expect(PhaseMetric.updatesPerSecond.definition.direction == .higherIsBetter)
        #expect(PhaseMetric.fdLimit.definition.direction == nil)
        #expect(MetricCatalog.definition(ofBase: "phase.gap_max_ms")?.scope == .client)
        #expect(KeyFigures.direction(of: MetricName("phase.lock_timeouts", labels: ["phase": "p"])) == .lowerIsBetter)
        #expect(KeyFigures.direction(of: MetricName("phase.samples", labels: ["phase": "p"])) == nil)
    }
}
