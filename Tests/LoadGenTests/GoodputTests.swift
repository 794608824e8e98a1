import Foundation
import Testing

@testable import LoadGen

private func seconds(_ text: String) -> Duration? {
    if text.hasSuffix("ms"), let v = Double(text.dropLast(2)) { return .milliseconds(v) }
    if text.hasSuffix("s"), let v = Double(text.dropLast()) { return .seconds(v) }
    return nil
}

/// The SLO grammar and the per-stream judgement (pure).
@Suite("Goodput SLO (pure)")
struct StreamSLOTests {
    @Test func parsesEveryTermAndKeepsItsText() throws {
        let slo = try StreamSLO(parsing: "ttfe<1s, gap.p99<500ms,completion<=30s", duration: seconds)
        #expect(slo.description == "ttfe<1s,gap.p99<500ms,completion<=30s")
        #expect(slo.terms.count == 3)
        #expect(slo.gapBoundNanos == 500_000_000)
        #expect(slo.terms[2].inclusive)
    }

    @Test(arguments: [
        ("ttfe>1s", "expected NAME<DURATION"), ("latency<1s", "unknown SLO 'latency'"), ("gap.p100<1s", "0 < NN < 100"),
        ("ttfe<soon", "not a duration"), ("ttfe<1s,ttfe<2s", "ttfe is given twice"),
        ("gap.max<1s,gap.p99<1s", "a gap term is given twice"), ("", "expected NAME<DURATION"),
    ])
    func refusesWhatIsNotAnSLO(text: String, fragment: String) {
        do {
            _ = try StreamSLO(parsing: text, duration: seconds)
            Issue.record("'\(text)' was accepted")
        } catch { #expect(error.description.contains(fragment), "\(error)") }
    }

    @Test func aStreamMeetsItOrSaysWhichTermsItMissed() throws {
        let slo = try StreamSLO(parsing: "ttfe<100ms,gap.p90<50ms,completion<1s", duration: seconds)
        let ms: UInt64 = 1_000_000
        #expect(slo.missed(firstContent: 99 * ms, gaps: 20, gapsOverBound: 2, completion: 900 * ms).isEmpty)
        // 3 of 20 gaps over the bound is more than the 10 % gap.p90 allows.
        #expect(slo.missed(firstContent: 99 * ms, gaps: 20, gapsOverBound: 3, completion: 900 * ms).count == 1)
        #expect(slo.missed(firstContent: 100 * ms, gaps: 0, gapsOverBound: 0, completion: 1000 * ms).count == 2)
        #expect(slo.missed(firstContent: nil, gaps: 0, gapsOverBound: 0, completion: 10 * ms).count == 1)
        let max = try StreamSLO(parsing: "gap.max<=50ms", duration: seconds)
        #expect(max.missed(firstContent: nil, gaps: 5, gapsOverBound: 0, completion: 0).isEmpty)
        #expect(max.missed(firstContent: nil, gaps: 5, gapsOverBound: 1, completion: 0).count == 1)
        #expect(max.gapInclusive)
    }
}

/// Goodput and the content metrics measured against a local server (loopback, bounded).
@Suite("Goodput against a local server", .serialized, .timeLimit(.minutes(1)))
struct GoodputRunTests {
    func run(_ query: String, slo: String, clients: Int = 6) async throws -> LoadResult {
        let server = try TestStreamServer()
        defer { server.stop() }
        var c = LoadConfiguration(mode: .sse, url: "\(server.base)/sse?\(query)")
        c.clients = clients
        c.duration = .seconds(2)
        c.threads = 2
        c.restartDelay = .seconds(60)
        c.slo = try StreamSLO(parsing: slo, duration: seconds)
        return try await LoadRun(configuration: c).run()
    }

    @Test func streamsThatMeetTheSLOAreGoodput() async throws {
        let r = try await run("events=20&interval_ms=5", slo: "ttfe<1s,gap.p99<500ms,completion<1500ms")
        #expect(r.counters.streamsCompleted == 6)
        #expect(r.counters.contentEvents == 6 * 20)  // `message` events; `done` is not content
        #expect(r.latency["time_to_first_content"]?.count == 6)
        #expect(r.latency["content_gap"]?.count == 6 * 19)
        #expect(r.latency["stream_completion"]?.count == 6)
        let g = try #require(r.goodput)
        #expect(g.streams == 6 && g.good == 6 && g.share == 1, "\(g)")
        #expect(g.perSecond > 0)
    }

    @Test func aStreamThatMissesATermOrBreaksIsNotGoodput() async throws {
        let slow = try await run("events=20&interval_ms=20", slo: "gap.max<10ms")
        #expect(slow.goodput?.good == 0 && slow.goodput?.missedGap == 6, "\(String(describing: slow.goodput))")
        // Streams the server drops after 5 events never complete: incomplete, whatever their times.
        let broken = try await run("events=20&interval_ms=5&drop_after=5", slo: "ttfe<1s")
        #expect(broken.goodput?.streams == 6 && broken.goodput?.incomplete == 6 && broken.goodput?.good == 0)
        #expect(broken.latency["stream_completion"] == nil)
    }
}
