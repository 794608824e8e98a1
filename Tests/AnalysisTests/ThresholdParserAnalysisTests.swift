import Analysis
import Testing

@Suite struct ThresholdParserAnalysisTests {
    @Test func parsesTheFourFamiliarForms() throws {
        let a = try Threshold(parsing: "stream.first_event: p(99) < 500ms")
        #expect(a.metric == MetricName("stream.first_event"))
        #expect(a.aggregation == .percentile(99))
        #expect(a.aggregationIsExplicit)
        #expect(a.comparison == .less)
        #expect(a.bound == Quantity(0.5, .seconds))
        #expect(a.boundText == "500ms")

        let b = try Threshold(parsing: "errors: rate < 0.01")
        #expect(b.metric.description == "errors" && b.aggregation == .rate && b.bound == Quantity(0.01))

        let c = try Threshold(parsing: "scale.efficiency[N=10] > 0.8")
        #expect(c.metric == MetricName("scale.efficiency", labels: ["N": "10"]))
        #expect(c.aggregation == .value && !c.aggregationIsExplicit)
        #expect(c.comparison == .greater && c.bound == Quantity(0.8))

        let d = try Threshold(parsing: "server.rss_slope_per_slow_client < 64KiB/min")
        #expect(d.bound.dimension == .bytesPerSecond)
        #expect(d.bound.value == 65536.0 / 60)
        #expect(d.description == "server.rss_slope_per_slow_client < 64KiB/min")
    }

    @Test(arguments: ComparisonOperator.allCases)
    func parsesEveryOperatorWithAndWithoutSpaces(op: ComparisonOperator) throws {
        for text in ["x: avg \(op.rawValue) 1s", "x:avg\(op.rawValue)1s", "  x :  avg   \(op.rawValue)   1 s  "] {
            let t = try Threshold(parsing: text)
            #expect(t.comparison == op, "\(text)")
            #expect(t.bound == Quantity(1, .seconds), "\(text)")
            #expect(t.aggregation == .avg, "\(text)")
        }
    }

    @Test(arguments: [
        ("500ms", 0.5, MetricDimension.seconds),
        ("2s", 2, .seconds),
        ("250us", 250e-6, .seconds),
        ("250µs", 250e-6, .seconds),
        ("5ns", 5e-9, .seconds),
        ("1.5m", 90, .seconds),
        ("2min", 120, .seconds),
        ("1h", 3600, .seconds),
        ("512B", 512, .bytes),
        ("64KiB", 65536, .bytes),
        ("2MiB", 2_097_152, .bytes),
        ("1GiB", 1_073_741_824, .bytes),
        ("3kB", 3000, .bytes),
        ("3KB", 3000, .bytes),
        ("2MB", 2e6, .bytes),
        ("1GB", 1e9, .bytes),
        ("64KiB/min", 65536.0 / 60, .bytesPerSecond),
        ("1MiB/s", 1_048_576, .bytesPerSecond),
        ("10KB/ms", 1e7, .bytesPerSecond),
        ("100/s", 100, .perSecond),
        ("120/min", 2, .perSecond),
        ("3600/h", 1, .perSecond),
        ("10%", 0.1, .none),
        ("0.5 %", 0.005, .none),
        ("0.01", 0.01, .none),
        ("-2", -2, .none),
        ("1.5e3", 1500, .none),
        ("1e-3s", 0.001, .seconds),
        ("7", 7, .none),
    ])
    func convertsEveryUnitToCanonical(bound: String, value: Double, dimension: MetricDimension) throws {
        let t = try Threshold(parsing: "m: value < \(bound)")
        #expect(t.bound.dimension == dimension)
        #expect(abs(t.bound.value - value) <= 1e-12 * abs(value), "\(bound) → \(t.bound.value)")
    }

    @Test(arguments: [
        ("p(99)", Aggregation.percentile(99)),
        ("p(99.9)", .percentile(99.9)),
        ("p( 50 )", .percentile(50)),
        ("p(0)", .percentile(0)),
        ("p(100)", .percentile(100)),
        ("avg", .avg),
        ("min", .min),
        ("max", .max),
        ("count", .count),
        ("rate", .rate),
        ("value", .value),
    ])
    func parsesEveryAggregation(text: String, aggregation: Aggregation) throws {
        let t = try Threshold(parsing: "some.metric: \(text) >= 0")
        #expect(t.aggregation == aggregation)
        #expect(t.aggregationIsExplicit)
    }

    @Test func labelsAreCanonicalWhateverTheirOrderAndSpacing() throws {
        let t = try Threshold(parsing: "lock.acquire[strategy=full-jitter, N=10]: p(99) < 1s")
        #expect(t.metric.description == "lock.acquire[N=10,strategy=full-jitter]")
        #expect(MetricName(parsing: "lock.acquire[ N = 10 ,strategy=full-jitter]") == t.metric)
        #expect(MetricName(parsing: "bad name") == nil)
    }

    @Test(arguments: [
        ("", 1, "empty"),
        ("   ", 1, "empty"),
        (": p(99) < 1ms", 1, "expected a metric name"),
        ("9lives: avg < 1s", 1, "expected a metric name"),
        ("stream.: p(99) < 1ms", 8, "after \".\""),
        ("x: p99 < 1ms", 4, "write p(99)"),
        ("x: mean < 1ms", 4, "write avg"),
        ("x: median < 1ms", 4, "unknown aggregation \"median\""),
        ("x: p(101) < 1ms", 6, "outside 0...100"),
        ("x: p(-1) < 1ms", 6, "outside 0...100"),
        ("x: p() < 1ms", 6, "expected a percentile"),
        ("x: p(99 < 1ms", 9, "expected \")\""),
        ("x: < 1ms", 4, "expected an aggregation"),
        ("x: avg = 1ms", 8, "use =="),
        ("x: avg 1ms", 8, "expected a comparison"),
        ("x: avg", 7, "expected a comparison"),
        ("x: avg <", 9, "expected a number"),
        ("x: avg < fast", 10, "expected a number"),
        ("x: avg < 5 parsecs", 12, "unknown unit \"parsecs\""),
        ("x: avg < 5ms/s", 11, "is not supported"),
        ("x: avg < 5KiB/", 15, "expected a time unit after \"/\""),
        ("x: avg < 5KiB/day", 15, "expected a time unit"),
        ("x: avg < 5ms and more", 14, "unexpected \"and more\""),
        ("x > 1 < 2", 7, "one comparison"),
        ("x[N] > 1", 4, "expected \"=\""),
        ("x[N=] > 1", 5, "expected a value"),
        ("x[N=10 > 1", 8, "close the labels"),
        ("x[N=1,N=2] > 1", 7, "appears twice"),
        ("x[] > 1", 3, "expected a label"),
    ])
    func malformedInputNamesTheColumn(text: String, column: Int, fragment: String) {
        do {
            let t = try Threshold(parsing: text)
            Issue.record("\"\(text)\" parsed as \(t)")
        } catch {
            #expect(error.kind == .malformed)
            #expect(error.column == column, "\(error)")
            #expect(error.summary.contains(fragment), "\(error)")
            #expect(error.summary.contains("threshold \"\(text.trimmingCharacters())\""), "\(error)")
            #expect(error.description.contains("^"))
        }
    }
}

extension String {
    fileprivate func trimmingCharacters() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}

/// Found by the `threshold` fuzz target: a threshold printed without its colon (`errors rate <
/// 1%`, its first seed) and a percentile rounded for display (`p(99.911111)` printed `p(99.91)`)
/// did not parse back to themselves. What a report or a gate prints must be what it evaluates.
@Suite struct ThresholdRoundTripTests {
    @Test(arguments: [
        "errors: rate < 1%", "stream.first_event: p(99) < 500ms", "phase.lost_turns[phase=optimistic] == 0",
        "phase.updates_per_second[phase=a]: value >= 300", "stream.gap: p(99.9) <= 1.5s",
        "stream.gap: p(99.911111) <= 1.5s",
    ])
    func aThresholdParsesBackFromItsDescription(_ text: String) throws {
        let t = try Threshold(parsing: text)
        #expect(try Threshold(parsing: t.description) == t, "\(text) → \(t.description)")
    }
}
