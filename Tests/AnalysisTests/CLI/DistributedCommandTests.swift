import Foundation
import Histogram
import LoadGen
import StampedeTestSupport
import Testing

@testable import Analysis

/// The distributed path's commands as a Kubernetes Job runs them: `load --shard/--shards/--start-at`
/// refusals, `stampede merge` and its files, `stampede gate` on a merged result, and the
/// manifests under deploy/k8s.
@Suite struct DistributedCommandTests {
    let cli = CLITests()
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test(arguments: [
        (["--shards", "4"], [String: String](), "JOB_COMPLETION_INDEX"),
        (["--shards", "4"], ["JOB_COMPLETION_INDEX": "4"], "0-based"),
        (["--shards", "4", "--shard", "1/4"], [:], "give one of them"),
        (["--shard", "2"], [:], "INDEX/COUNT"),
        (["--start-at", "tomorrow"], [:], "RFC 3339"),
        (["--start-at", "1000"], [:], "already past"),
        (["--start-at", "2999-01-01T00:00:00Z"], [:], "more than a day ahead"),
        (["--shard", "0/4", "--clients", "3"], [:], "every shard needs at least one client"),
    ])
    func shardFlagsRefuseBadInputNamingTheFlag(args: [String], env: [String: String], fragment: String) throws {
        let r = try cli.run(
            ["load", "sse", "--url", "http://127.0.0.1:9/sse", "--duration", "1s", "--quiet"] + args, environment: env)
        #expect(r.status == 64, "\(r.out)\(r.err)")
        #expect(r.err.contains(fragment), "stderr was: \(r.err)")
    }

    @Test(arguments: [
        (["--target", "ftp://staging:21"], "scheme must be http or https"),
        (["--target", "http://staging:99999"], "port must be a number"),
        (["--metrics-url", "http://x/metrics"], "--metrics-url needs --target"),
        (["--api-key", "k"], "--api-key needs --target"),
        (
            ["--target", "http://a:1,http://b:2", "--metrics-url", "http://a:9/m,http://b:9/m,http://c:9/m"],
            "one per --target (2)"
        ),
        (["--target", "http://a:1", "--redis-url", "redis://127.0.0.1:6379"], "with --target nothing is started"),
    ])
    func runTargetFlagsRefuseBadInputBeforeAnythingStarts(args: [String], fragment: String) throws {
        let r = try cli.run(["run", "ci-smoke"] + args)
        #expect(r.status == 64, "\(r.out)\(r.err)")
        #expect(r.err.contains(fragment), "stderr was: \(r.err)")
    }

    @Test(arguments: [
        (["--clients", "50..5000"], "--slo"),
        (["--slo", "ttfe<1s", "--clients", "500..50"], "expected LOW..HIGH"),
        (["--slo", "ttfe>1s", "--clients", "5..50"], "--slo: 'ttfe>1s'"),
        (["--slo", "ttfe<1s", "--clients", "5..50", "--min-goodput", "120%"], "--min-goodput '120%'"),
        (["--slo", "ttfe<1s", "--clients", "5..50", "--step", "0s"], "--step '0s'"),
        (["--slo", "ttfe<1s", "--clients", "5..50", "--rate", "1/s..10/s"], "two searches"),
        (["--slo", "latency<1s", "--rate", "10/s"], "expected LOW/s..HIGH/s"),
        (["--slo", "ttfe<1s", "--rate", "10/s..100/s"], "with --rate, expected a request latency bound"),
        (["--slo", "ttfe<1s"], "give --clients LOW..HIGH (streams) or --rate"),
    ])
    func searchRefusesBadInputBeforeAnyStep(args: [String], fragment: String) throws {
        let r = try cli.run(["search", "--url", "http://127.0.0.1:9/sse"] + args)
        #expect(r.status == 64, "\(r.out)\(r.err)")
        #expect(r.err.contains(fragment), "stderr was: \(r.err)")
    }

    @Test func mergeWritesTheWholeTestAndTheGateChecksItOnce() throws {
        let dir = NSTemporaryDirectory() + "stampede-merge-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for i in 0..<3 { try Self.shardResult(i, of: 3).write(to: URL(fileURLWithPath: "\(dir)/shard-\(i).json")) }

        let merged = try cli.run([
            "merge", "\(dir)/shard-0.json", "\(dir)/shard-1.json", "\(dir)/shard-2.json", "--out", "\(dir)/merged.json",
        ])
        #expect(merged.status == 0, "\(merged.out)\(merged.err)")
        #expect(merged.out.contains("merged from 3 shards"))
        let result = try JSONDecoder().decode(
            LoadResult.self, from: Data(contentsOf: URL(fileURLWithPath: "\(dir)/merged.json")))
        #expect(result.counters.events == 3 * 300)
        #expect(result.latency["inter_event_gap"]?.count == 3 * 300)
        #expect(result.merged?.shards.count == 3)
        for file in ["merged.inter_event_gap.hgrm", "merged.inter_event_gap.hlog"] {
            #expect(FileManager.default.fileExists(atPath: "\(dir)/\(file)"), "\(file) missing")
        }
        let hlog = try String(contentsOfFile: "\(dir)/merged.inter_event_gap.hlog", encoding: .utf8)
        #expect(
            hlog.split(separator: "\n").filter { $0.hasPrefix("0.000,1.000,") || $0.hasPrefix("1.000,1.000,") }.count
                == 2)

        let missing = try cli.run(["merge", "\(dir)/shard-0.json", "\(dir)/shard-2.json", "--out", "\(dir)/m2.json"])
        #expect(missing.status == 65 && missing.err.contains("missing shard 1/3"), "\(missing.err)")
        let notShard = try cli.run(["merge", "\(dir)/merged.json", "--out", "\(dir)/m3.json"])
        #expect(notShard.status == 65 && notShard.err.contains("not a shard's result"), "\(notShard.err)")
        let none = try cli.run(["merge", "--out", "\(dir)/m4.json"])
        #expect(none.status == 64, "\(none.err)")

        let pass = try cli.run([
            "gate", "\(dir)/merged.json", "--threshold", "stream.gap: p(99) < 1s", "--threshold",
            "events: count == 900",
        ])
        #expect(pass.status == 0, "\(pass.out)\(pass.err)")
        let fail = try cli.run(["gate", "\(dir)/merged.json", "--threshold", "stream.gap: p(99) < 1ms"])
        #expect(fail.status == 99, "\(fail.out)\(fail.err)")
        let shard = try cli.run(["gate", "\(dir)/shard-0.json", "--threshold", "stream.gap: p(99) < 1s"])
        #expect(shard.status == 104 && shard.out.contains("merge every shard first"), "\(shard.out)")

        // The thresholds the Kubernetes merge Job passes must parse and evaluate (not exit 104).
        let job = try String(
            contentsOf: Self.root.appendingPathComponent("deploy/k8s/load/merge-job.yaml"), encoding: .utf8)
        let line = try #require(job.split(separator: "\n").first { $0.contains("value: \"--threshold=") })
        let flags = line.split(separator: "\"")[1].split(separator: " ").map(String.init)
        #expect(flags.count == 3)
        let k8s = try cli.run(["gate", "\(dir)/merged.json"] + flags)
        #expect(k8s.status == 0, "\(k8s.out)\(k8s.err)")
    }

    /// deploy/k8s against the Kubernetes API models (the `kubernetes` client from PyPI, in
    /// .build-py): valid as committed, and each kind of mistake is caught.
    @Test func kubernetesManifestsValidateOfflineAndMistakesAreCaught() throws {
        let python = Self.root.appendingPathComponent(".build-py/bin/python").path
        try #require(
            FileManager.default.isExecutableFile(atPath: python),
            "no \(python): run scripts/install-deps.sh (it installs the Python packages the tests check against)")
        let validator = Self.root.appendingPathComponent("deploy/k8s/validate.py").path
        let good = try ProcessRun.run(python, [validator, Self.root.appendingPathComponent("deploy/k8s").path])
        #expect(good.status == 0, "\(good.out)")
        #expect(good.out.contains("6 files, 11 documents, 0 problems"), "\(good.out)")

        let serve = try String(
            contentsOf: Self.root.appendingPathComponent("deploy/k8s/reference/stampede-serve.yaml"), encoding: .utf8)
        let dir = NSTemporaryDirectory() + "stampede-k8s-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let mistakes = [
            ("unknown", "  replicas: 3", "  replica: 3", "spec.replica: Extra inputs are not permitted"),
            ("required", "        - name: serve", "        - image: busybox", "containers.0.name: Field required"),
            (
                "type", "containerPort: 8080", "containerPort: \"8080\"",
                "containerPort: Input should be a valid integer"
            ),
        ]
        for (name, from, to, expected) in mistakes {
            #expect(serve.contains(from))
            let path = "\(dir)/\(name).yaml"
            try serve.replacingOccurrences(of: from, with: to).write(toFile: path, atomically: true, encoding: .utf8)
            let bad = try ProcessRun.run(python, [validator, path])
            #expect(bad.status == 1, "\(name): \(bad.out)")
            #expect(bad.out.contains(expected), "\(name): \(bad.out)")
        }
    }

    /// Shard i's result: 300 gaps of 10-100 ms in two seconds, with their interval histograms, and
    /// 10 first events at 5-6 ms.
    static func shardResult(_ i: Int, of count: Int) throws -> Data {
        var h = Histogram<UInt64>(
            lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        var seconds = [h, h]
        for k in 0..<300 {
            let v = UInt64(10_000 + (k * 997 + i * 31) % 90_000)
            _ = h.record(v)
            _ = seconds[k % 2].record(v)
        }
        func buckets(_ h: Histogram<UInt64>) -> String {
            "[" + h.recordedValues().map { "[\($0.value),\($0.count)]" }.joined(separator: ",") + "]"
        }
        let summary = try String(decoding: JSONEncoder().encode(LatencySummary(h)), as: UTF8.self)
        var first = Histogram<UInt64>(
            lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        for k in 0..<10 { _ = first.record(UInt64(5_000 + k * 100)) }
        let firstEvent = try String(decoding: JSONEncoder().encode(LatencySummary(first)), as: UTF8.self)
        let json = """
            {"schema":"stampede.load-result","schemaVersion":1,"mode":"sse",
             "target":{"url":"http://127.0.0.1:1/sse","method":"GET"},
             "settings":{"durationSeconds":2,"threads":2,"receiveBufferSize":4096,"clients":30,"mix":"fast:1","rampPerSecond":2000},
             "startedAtUnixSeconds":\(1_796_000_000 + Double(i) * 0.01),"elapsedSeconds":2,"stoppedEarly":false,
             "counters":{"started":10,"succeeded":10,"events":300},
             "rates":{"eventsPerSecond":150,"bytesPerSecond":0,"requestsPerSecond":0},
             "errors":{},"errorEvents":{},"clientsByProfile":{"fast":10},"bytesByProfile":{"fast":0},
             "latency":{"inter_event_gap":\(summary),"time_to_first_event":\(firstEvent)},
             "intervals":{"inter_event_gap":[{"t":0,"buckets":\(buckets(seconds[0]))},{"t":1,"buckets":\(buckets(seconds[1]))}]},
             "series":[{"t":0,"events":150,"open":10},{"t":1,"events":150,"open":10}],
             "generator":{"threads":2,"cpuSeconds":1,"cpuPercent":50,"cores":2,"rssStartBytes":1,"rssPeakBytes":2,"fdSoftLimit":20000,"fdHardLimit":20000},
             "shard":{"index":\(i),"count":\(count),"clients":10}}
            """
        return Data(json.utf8)
    }
}

/// Goodput and the content distributions in the gate's metric namespace.
@Suite struct GoodputGateTests {
    func result(good: Int, of streams: Int) throws -> LoadResult {
        var r = try JSONDecoder().decode(LoadResult.self, from: DistributedCommandTests.shardResult(0, of: 1))
        r.shard = nil
        r.counters.sloStreams = streams
        r.counters.sloGood = good
        return r
    }

    @Test func goodputIsARatioOfGoodStreamsAndAbsentWithoutAnSLO() throws {
        let r = try result(good: 9, of: 10)
        let pass = Gate(extraThresholds: ["goodput: rate >= 90%"]).evaluate(load: r)
        #expect(pass.exitCode == .passed, "\(pass.text)")
        let fail = Gate(extraThresholds: ["goodput: rate > 95%"]).evaluate(load: r)
        #expect(fail.exitCode == .failed, "\(fail.text)")
        let none = Gate(extraThresholds: ["goodput: rate > 95%"]).evaluate(load: try result(good: 0, of: 0))
        #expect(none.exitCode == .error, "no SLO, no goodput: \(none.text)")
    }
}
