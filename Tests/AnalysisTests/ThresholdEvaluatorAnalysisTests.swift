import Analysis
import Testing

@Suite struct ThresholdEvaluatorAnalysisTests {
    /// 1 ms, 2 ms, ... 100 ms: p(99) = 99 ms, avg = 50.5 ms.
    static let source = InMemoryMetricSource([
        "stream.first_event": .distribution(SampleDistribution((1...100).map { Double($0) / 1000 }), .seconds),
        "stream.duration": .distribution(SampleDistribution([2, 4, 6]), .seconds),
        "event.size": .distribution(SampleDistribution([100, 200, 4096]), .bytes),
        "errors": .ratio(hits: 5, total: 1000),
        "requests": .counter(1200, .none, durationSeconds: 60),
        "bytes": .counter(6 * 1_048_576, .bytes, durationSeconds: 60),
        "reconnects": .counter(3, .none, durationSeconds: nil),
        "scale.efficiency[N=10]": .gauge(0.85, .none),
        "scale.efficiency[N=20]": .gauge(0.6, .none),
        "server.rss_slope_per_slow_client": .gauge(32 * 1024 / 60, .bytesPerSecond),
        "empty.latency": .distribution(SampleDistribution([]), .seconds),
        "nothing": .ratio(hits: 0, total: 0),
    ])

    func evaluate(_ text: String) throws -> ThresholdResult {
        try Threshold(parsing: text).evaluate(against: Self.source)
    }

    @Test(arguments: [
        ("scale.efficiency[N=10] < 0.9", ThresholdResult.Status.passed),
        ("scale.efficiency[N=10] < 0.85", .failed),
        ("scale.efficiency[N=10] <= 0.85", .passed),
        ("scale.efficiency[N=10] <= 0.8", .failed),
        ("scale.efficiency[N=10] > 0.8", .passed),
        ("scale.efficiency[N=10] > 0.85", .failed),
        ("scale.efficiency[N=10] >= 0.85", .passed),
        ("scale.efficiency[N=10] >= 0.9", .failed),
        ("scale.efficiency[N=10] == 85%", .passed),
        ("scale.efficiency[N=10] == 0.8", .failed),
        ("scale.efficiency[N=10] != 0.8", .passed),
        ("scale.efficiency[N=10] != 85%", .failed),
        ("stream.first_event: max == 100ms", .passed),
        ("stream.first_event: max == 0.1s", .passed),
        ("stream.first_event: max != 100000us", .failed),
    ])
    func everyOperatorPassesAndFails(text: String, status: ThresholdResult.Status) throws {
        let r = try evaluate(text)
        #expect(r.status == status, "\(r.message)")
    }

    @Test(
        arguments: [
            ("stream.first_event: p(99) < 100ms", 0.099),
            ("stream.first_event: p(50) < 100ms", 0.050),
            ("stream.first_event: p(100) < 1s", 0.1),
            ("stream.first_event: avg < 1s", 0.0505),
            ("stream.first_event: min < 1s", 0.001),
            ("stream.first_event: max < 1s", 0.1),
            ("stream.first_event: count > 99", 100),
            ("errors: rate < 0.01", 0.005),
            ("errors: rate < 1%", 0.005),
            ("errors: value < 1%", 0.005),
            ("errors: count < 10", 5),
            ("requests: count > 1000", 1200),
            ("requests: value > 1000", 1200),
            ("requests: rate > 10/s", 20),
            ("requests: rate > 600/min", 20),
            ("bytes: rate < 1MiB/s", 104_857.6),
            ("bytes: count < 8MiB", 6_291_456),
            ("scale.efficiency[N=10]: value > 0.8", 0.85),
            ("server.rss_slope_per_slow_client < 64KiB/min", 32.0 * 1024 / 60),
            ("event.size: max < 8KiB", 4096),
            ("stream.duration: avg < 1min", 4),
            ("stream.duration: p(50) < 5000ms", 4),
        ] as [(String, Double)])
    func everyAggregationAndUnitPassesWithTheRightValue(text: String, value: Double) throws {
        let r = try evaluate(text)
        #expect(r.status == .passed, "\(r.message)")
        let actual = try #require(r.actual)
        #expect(abs(actual.value - value) <= 1e-9 * abs(value), "\(text): \(actual.value)")
    }

    @Test func aFailureSaysWhatWasMeasuredAndExpected() throws {
        let r = try evaluate("stream.first_event: p(99) < 50ms")
        #expect(r.status == .failed)
        #expect(r.message == "stream.first_event p(99) = 99ms, expected < 50ms: FAILED")
    }

    @Test(arguments: [
        ("stream.first_evnt: p(99) < 500ms", "stream.first_event"),
        ("Errors: rate < 0.01", "errors"),
        ("scale.efficiency[N=30] > 0.8", "scale.efficiency[N=10]"),
        ("scale.efficiency > 0.8", "scale.efficiency[N=10]"),
        ("server.rss_slope_per_slow_clients < 64KiB/min", "server.rss_slope_per_slow_client"),
    ])
    func anUnknownMetricIsAnErrorWithTheClosestNames(text: String, closest: String) throws {
        let r = try evaluate(text)
        #expect(r.status == .error)
        let error = try #require(r.error)
        #expect(error.kind == .unknownMetric)
        #expect(error.column == 1)
        #expect(error.suggestions.first == closest, "\(error.suggestions)")
        #expect(error.suggestions.count == 3)
        #expect(error.summary.contains("threshold \"\(text)\""))
        #expect(error.summary.contains("closest known names: \(closest)"))
    }

    @Test func anUnknownMetricInAnEmptySourceSaysSo() throws {
        let r = try Threshold(parsing: "errors: rate < 0.01").evaluate(against: InMemoryMetricSource())
        #expect(r.status == .error)
        #expect(r.error?.message.contains("no metrics at all") == true)
    }

    @Test(arguments: [
        ("stream.first_event: p(99) < 500", ThresholdError.Kind.unitMismatch, 29, "has no unit"),
        ("stream.first_event: p(99) < 500KiB", .unitMismatch, 29, "is a size"),
        ("errors: rate < 5ms", .unitMismatch, 16, "is a duration"),
        ("requests: rate < 100", .unitMismatch, 18, "100/s"),
        ("server.rss_slope_per_slow_client < 64KiB", .unitMismatch, 36, "64KiB/min"),
        ("stream.first_event: count < 5s", .unitMismatch, 29, "plain number"),
        ("errors: p(99) < 1", .unsupportedAggregation, 9, "which is a ratio"),
        ("stream.first_event < 1s", .unsupportedAggregation, 20, "needs an aggregation"),
        ("stream.first_event: rate < 1", .unsupportedAggregation, 21, "p(N), avg"),
        ("stream.first_event: value < 1s", .unsupportedAggregation, 21, "p(N), avg"),
        ("scale.efficiency[N=10]: avg > 0.8", .unsupportedAggregation, 25, "which is a gauge"),
        ("requests: p(50) > 1", .unsupportedAggregation, 11, "which is a counter"),
        ("empty.latency: p(99) < 1s", .noData, 1, "no samples"),
        ("empty.latency: avg < 1s", .noData, 1, "cannot pass on no data"),
        ("nothing: rate < 0.01", .noData, 1, "0 of 0"),
        ("reconnects: rate < 1/s", .noData, 1, "no run duration"),
    ])
    func evaluationProblemsAreErrorsNeverPasses(
        text: String, kind: ThresholdError.Kind, column: Int, fragment: String
    ) throws {
        let r = try evaluate(text)
        #expect(r.status == .error)
        let error = try #require(r.error)
        #expect(error.kind == kind, "\(error)")
        #expect(error.column == column, "\(error)")
        #expect(error.summary.contains(fragment), "\(error)")
    }

    @Test func anEmptyDistributionStillCounts() throws {
        let r = try evaluate("empty.latency: count == 0")
        #expect(r.status == .passed)
    }

    @Test func aListKeepsMalformedExpressionsAsErrorsInPlace() {
        let results = Threshold.evaluate(
            ["errors: rate < 0.01", "errors rate < 0.01", "stream.first_event: p(99) < 50ms", "nope > 1"],
            against: Self.source
        )
        #expect(results.map(\.status) == [.passed, .error, .failed, .error])
        #expect(results[1].error?.kind == .malformed)
        #expect(results[1].expression == "errors rate < 0.01")
        #expect(results[1].threshold == nil)
        #expect(results[3].error?.kind == .unknownMetric)
    }

    @Test func histogramDistributionReadsPercentilesFromTheHistogram() throws {
        // 1 ... 1000 µs, once each, as a result file's buckets.
        let dist = HistogramDistribution(buckets: (1...1000).map { [UInt64($0), 1] }, scale: 1e-6)
        #expect(dist.count == 1000)
        let source = InMemoryMetricSource(["latency": .distribution(dist, .seconds)])
        let r = try Threshold(parsing: "latency: p(99) < 1ms").evaluate(against: source)
        #expect(r.status == .passed)
        let p99 = try #require(r.actual?.value)
        #expect(abs(p99 - 990e-6) <= 990e-6 * 0.001, "\(p99)")
        #expect(abs(dist.mean - 500.5e-6) <= 500.5e-6 * 0.001)
        let empty = HistogramDistribution(buckets: [], scale: 1e-6)
        let none = InMemoryMetricSource(["latency": .distribution(empty, .seconds)])
        #expect(try Threshold(parsing: "latency: p(99) < 1ms").evaluate(against: none).status == .error)
    }
}
