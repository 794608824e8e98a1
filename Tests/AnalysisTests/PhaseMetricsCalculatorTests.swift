import Testing

@testable import Analysis

@Suite struct PhaseMetricsCalculatorTests {
    /// Two instances; instance 0 does 10 updates/s and its RSS grows 1 MiB/s; lock waits fill buckets.
    func samples(count: Int, cpuPerSecond: Double = 0.2) -> [Sample] {
        (0..<count).map { i in
            let t = Double(i) * 0.25
            func server(_ index: Int, updates: Double) -> Sample.Server {
                Sample.Server(
                    instance: index, rssBytes: Int((100 + (index == 0 ? t : 0)) * 1_048_576), openFDs: 40 + i,
                    threads: 8, cpuSeconds: t,
                    metrics: [
                        "stampede_session_updates_total": updates * t,
                        "stampede_lock_timeouts_total": t >= 1 ? 1 : 0,
                        "stampede_lock_acquire_wait_seconds_bucket{le=\"0.01\"}": 9 * t,
                        "stampede_lock_acquire_wait_seconds_bucket{le=\"0.5\"}": 10 * t,
                        "stampede_lock_acquire_wait_seconds_bucket{le=\"+Inf\"}": 10 * t,
                        "stampede_lock_acquire_wait_seconds_max": 0.4,
                        "stampede_lock_acquire_wait_seconds_sum": 0.5 * t,
                        "stampede_lock_acquire_wait_seconds_count": 10 * t,
                        "stampede_sse_buffered_bytes": Double(i) * 1024,
                    ])
            }
            return Sample(
                t: t, servers: [server(0, updates: 10), server(1, updates: 0)], generatorCPUSeconds: cpuPerSecond * t)
        }
    }

    @Test func computesRatesPercentilesAndMemory() {
        let (m, validity) = PhaseMetricsCalculator.compute(
            samples: samples(count: 41), warmup: 2, clients: [], limits: .init(minSamples: 8, cores: 2))
        #expect(validity.isEmpty)
        #expect(m["samples"] == 33)
        #expect(abs(m["updates_per_second"]! - 10) < 1e-9)
        #expect(m["lock_timeouts"] == 0)  // the timeout happened during the warm-up
        // 90 % of the waits are at most 10 ms, all at most 500 ms; percentiles interpolate in the bucket.
        #expect(abs(m["lock_wait_p50_ms"]! - 10 * 0.5 / 0.9) < 1e-9)
        #expect(abs(m["lock_wait_mean_ms"]! - 50) < 1e-9)
        #expect(abs(m["lock_wait_p99_ms"]! - (10 + 490 * 0.09 / 0.1)) < 1e-9)
        #expect(abs(m["lock_wait_max_ms"]! - 400) < 1e-9)
        #expect(abs(m["rss_slope_mb_per_s"]! - 1) < 1e-9)
        #expect(abs(m["rss_growth_mb"]! - 8) < 1e-9)
        #expect(abs(m["generator_cpu_percent"]! - 10) < 1e-9)
        #expect(m["buffered_max_mb"] == 40.0 / 1024)
        #expect(m["fds_max"] == 80)
    }

    @Test func flagsTooFewSamplesAndASaturatedGenerator() {
        let few = PhaseMetricsCalculator.compute(
            samples: samples(count: 10), warmup: 2, clients: [], limits: .init(minSamples: 8))
        #expect(few.validity.contains { $0.contains("only 2 server samples") })
        let busy = PhaseMetricsCalculator.compute(
            samples: samples(count: 41, cpuPerSecond: 1.9), warmup: 0, clients: [], limits: .init(cores: 2))
        #expect(busy.validity.contains { $0.contains("load generator saturated: 95 %") })
    }

    @Test func quantilesFromCumulativeBuckets() {
        let b: [(le: Double, count: Double)] = [(0.01, 50), (0.1, 90), (1, 99), (.infinity, 100)]
        #expect(PrometheusText.quantile(0.5, buckets: b) == 0.01)
        #expect(PrometheusText.quantile(0.9, buckets: b) == 0.1)
        #expect(PrometheusText.quantile(0.995, buckets: b) == 1)
        #expect(PrometheusText.quantile(0.5, buckets: []) == nil)
    }

    @Test func parsesPrometheusText() {
        let m = PrometheusText.parse(
            "# HELP x y\nstampede_a_total 3\nstampede_pool_in_use{pool=\"redis\"} 2\nh_bucket{le=\"+Inf\"} 7\n")
        #expect(m["stampede_a_total"] == 3)
        #expect(m["stampede_pool_in_use{pool=\"redis\"}"] == 2)
        #expect(PrometheusText.buckets(m, name: "h").map(\.count) == [7])
    }

    @Test func slope() {
        #expect(PhaseMetricsCalculator.leastSquaresSlope([(0, 1), (1, 3), (2, 5)]) == 2)
        #expect(PhaseMetricsCalculator.leastSquaresSlope([(1, 1)]) == nil)
    }
}

/// Percentiles from cumulative Prometheus buckets, as the lock-wait percentiles are read.
@Suite struct BucketQuantileTests {
    @Test func interpolatesInsideTheBucketThatHoldsTheQuantile() throws {
        // 100 observations: 50 at most 10 ms, 90 at most 20 ms, 100 at most 40 ms.
        let buckets: [(le: Double, count: Double)] = [(0.01, 50), (0.02, 90), (0.04, 100), (.infinity, 100)]
        #expect(try #require(PrometheusText.quantile(0.5, buckets: buckets)) == 0.01)
        #expect(abs(try #require(PrometheusText.quantile(0.7, buckets: buckets)) - 0.015) < 1e-12)
        #expect(abs(try #require(PrometheusText.quantile(0.99, buckets: buckets)) - 0.038) < 1e-12)
        // From 0 to the first bound.
        #expect(abs(try #require(PrometheusText.quantile(0.25, buckets: buckets)) - 0.005) < 1e-12)
    }

    @Test func theInfiniteBucketGivesTheLargestFiniteBoundAndEmptyGivesNil() {
        let tail: [(le: Double, count: Double)] = [(0.01, 10), (5, 90), (.infinity, 100)]
        #expect(PrometheusText.quantile(0.99, buckets: tail) == 5)
        #expect(PrometheusText.quantile(0.5, buckets: [(0.01, 0), (.infinity, 0)]) == nil)
        // Empty buckets before the quantile's are skipped, not interpolated across.
        let gap: [(le: Double, count: Double)] = [(0.001, 0), (0.01, 0), (0.1, 10), (.infinity, 10)]
        #expect(abs((PrometheusText.quantile(0.5, buckets: gap) ?? 0) - 0.055) < 1e-12)
    }
}

/// The whole machine's CPU, from /proc/stat busy time, makes a phase weak when saturated.
@Suite struct MachineSaturationTests {
    func samples(busyPerSecond: Double) -> [Sample] {
        (0..<41).map { i in
            let t = Double(i) * 0.25
            return Sample(
                t: t,
                servers: [Sample.Server(instance: 0, rssBytes: 1, openFDs: 1, threads: 1, cpuSeconds: 0, metrics: [:])],
                machineBusySeconds: busyPerSecond * t)
        }
    }

    @Test func aBusyMachineMakesThePhaseWeak() throws {
        let limits = PhaseMetricsCalculator.Limits(minSamples: 8, machineCPULimit: 90, cores: 2)
        // 1.9 of 2 cores busy: 95 %.
        let busy = PhaseMetricsCalculator.compute(
            samples: samples(busyPerSecond: 1.9), warmup: 2, clients: [], limits: limits)
        #expect(abs(try #require(busy.metrics["machine_cpu_percent"]) - 95) < 1e-6)
        #expect(busy.validity.contains { $0.hasPrefix("machine saturated: 95 %") }, "\(busy.validity)")
        let calm = PhaseMetricsCalculator.compute(
            samples: samples(busyPerSecond: 1.2), warmup: 2, clients: [], limits: limits)
        #expect(abs(try #require(calm.metrics["machine_cpu_percent"]) - 60) < 1e-6)
        #expect(calm.validity.isEmpty, "\(calm.validity)")
    }
}
