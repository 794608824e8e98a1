import Testing

@testable import Analysis

/// The capacity metrics (pools, accepts, the connection cap, per-stream costs) on hand-built
/// samples, including scrapes that failed the way they do on a server out of file descriptors.
@Suite struct CapacityMetricsTests {
    static let redis = "{pool=\"redis\"}"
    static let postgres = "{pool=\"postgres\"}"

    /// Two instances over 10 s at 4 Hz: streams ramp 0 → 100 on instance 0 (50 FDs + 1 per
    /// stream, 100 MiB + 20 KiB per stream) and 0 → 40 on instance 1 (2 FDs per stream).
    func samples(failedScrapes: Set<Int> = []) -> [Sample] {
        (0..<41).map { i in
            let t = Double(i) * 0.25
            func server(_ index: Int) -> Sample.Server {
                let streams = Double(min(i, 40)) * (index == 0 ? 2.5 : 1)
                let fdsPerStream = index == 0 ? 1.0 : 2.0
                let metrics: [String: Double] = [
                    "stampede_sse_active_streams": streams,
                    "stampede_pool_exhausted_total" + Self.redis: (index == 0 ? 3 : 1) * t,
                    "stampede_pool_timeouts_total" + Self.redis: 0,
                    "stampede_pool_wait_seconds_count" + Self.redis: 2 * t,
                    "stampede_pool_wait_seconds_count" + Self.postgres: 0.5 * t,
                    "stampede_pool_in_use_peak" + Self.redis: min(t * 10, 50),
                    "stampede_pool_max" + Self.redis: 50,
                    "stampede_pool_in_use_peak" + Self.postgres: 7,
                    "stampede_pool_max" + Self.postgres: 30,
                    "stampede_accept_errors_total": index == 0 ? 5 * t : 0,
                    "stampede_http_rejected_total": index == 1 ? t : 0,
                    "stampede_process_max_fds": index == 0 ? 1024 : 16384,
                ]
                return Sample.Server(
                    instance: index, rssBytes: Int(100 * 1_048_576 + streams * 20 * 1024),
                    openFDs: Int(50 + fdsPerStream * streams),
                    threads: 8, cpuSeconds: t, metrics: failedScrapes.contains(i) && index == 0 ? [:] : metrics)
            }
            return Sample(t: t, servers: [server(0), server(1)], generatorCPUSeconds: 0.1 * t)
        }
    }

    func compute(_ samples: [Sample], warmup: Double = 2) -> [String: Double] {
        PhaseMetricsCalculator.compute(
            samples: samples, warmup: warmup, clients: [], limits: .init(minSamples: 8, cores: 2)
        ).metrics
    }

    @Test func poolCountersAndGauges() throws {
        let m = compute(samples())
        // Window 2 s ... 10 s: 8 s of growth.
        let errors = try #require(m["redis_pool_errors"])
        #expect(abs(errors - 32) < 1e-9, "8 s × (3/s + 1/s)")
        #expect(m["redis_pool_timeouts"] == 0)
        let waits = try #require(m["redis_pool_waits"])
        #expect(abs(waits - 32) < 1e-9, "8 s × 2/s × 2 instances")
        #expect(m["db_pool_waits"] == 0.5 * 8 * 2)
        #expect(m["redis_pool_in_use_max"] == 50)
        #expect(m["redis_pool_max"] == 50)
        #expect(m["db_pool_in_use_max"] == 7)
        #expect(m["db_pool_max"] == 30)
        #expect(m["accept_errors"] == 40)
        #expect(m["rejected_connections"] == 8)
        #expect(m["streams_open_max"] == 100)
        #expect(m["fd_limit"] == 1024)
    }

    @Test func perStreamCostsAreSlopesAgainstOpenStreams() throws {
        let m = compute(samples())
        // The larger slope of the two instances: 2 FDs per stream on instance 1; 20 KiB on both.
        #expect(abs(try #require(m["fds_per_stream"]) - 2) < 1e-9)
        #expect(abs(try #require(m["rss_per_stream_kb"]) - 20) < 1e-6)
        // Only a plateau in the window (streams stop rising at 10 s = sample 40): no slope.
        let plateau = compute(samples(), warmup: 9.9)
        #expect(plateau["fds_per_stream"] == nil)
        #expect(plateau["rss_per_stream_kb"] == nil)
    }

    @Test func failedScrapesAreSkippedNotReadAsZero() throws {
        // Instance 0 cannot be scraped at the window's first sample and its last three
        // (out of file descriptors): its counters run from the first to the last good scrape.
        let m = compute(samples(failedScrapes: [8, 38, 39, 40]))
        // Instance 0: 5/s from t = 2.25 to 9.25 → 35; instance 1: 0.
        #expect(m["accept_errors"] == 35)
        let errors = try #require(m["redis_pool_errors"])
        #expect(abs(errors - 29) < 1e-9, "instance 0: 7 s × 3/s; instance 1: 8 s × 1/s")
        // Slopes use only samples with both the stream count and /proc.
        #expect(abs(try #require(m["fds_per_stream"]) - 2) < 1e-9)
        #expect(m["streams_open_max"] == 92.5, "instance 0's last good scrape saw 92.5 streams, never 100")
    }

    @Test func noScrapeNoGauges() {
        let blind = samples().map { s in
            var c = s
            c.servers = s.servers.map {
                var x = $0
                x.metrics = [:]
                return x
            }
            return c
        }
        let m = compute(blind)
        #expect(m["accept_errors"] == 0)
        #expect(m["streams_open_max"] == nil)
        #expect(m["redis_pool_in_use_max"] == nil)
        #expect(m["fds_per_stream"] == nil)
        #expect(m["fds_max"] == 150, "/proc is still read")
    }
}
