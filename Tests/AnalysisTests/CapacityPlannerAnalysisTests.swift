import Foundation
import Histogram
import LoadGen
import Testing

@testable import Analysis

/// `stampede plan` arithmetic on hand-built reports whose numbers follow a known model.
@Suite struct CapacityPlannerAnalysisTests {
    static let model = USLModel(lambda: 100, sigma: 0.05, kappa: 0.001)

    static func environment() -> RunEnvironment { RunEnvironment.fixture }

    /// A sweep `recommended` at `sizes`, throughput exactly on `model`, streams of 0.5 s.
    static func sweepReport(sizes: [Int] = [1, 2, 3, 5, 8], weak: Int? = nil, complete: Bool = true) -> RunReport {
        var h = Histogram<UInt64>(
            lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        _ = h.record(500_000, count: 100)
        let phases = sizes.map { n -> PhaseResult in
            var client = ClientGroupResult(name: "updaters", results: [])
            client.latency = [LatencyMetric.streamDuration.rawValue: LatencySummary(h)]
            var p = PhaseResult(
                name: "recommended@\(n)", group: "g", instances: n, profile: "recommended", serveArguments: [],
                durationSeconds: 10,
                warmupSeconds: 2, complete: true, metrics: ["updates_per_second": model.throughput(at: Double(n))],
                validity: n == weak ? ["generator CPU 95% ≥ 90%"] : [], clients: [client])
            p.sweep = "recommended"
            return p
        }
        return RunReport(
            scenario: Scenario(name: "scale-001"), startedAt: "2026-11-29T10:00:00Z", wallSeconds: 100,
            complete: complete,
            incompleteReason: complete ? nil : "interrupted", environment: environment(), phases: phases, claims: [])
    }

    /// One instance held 1,000 streams without errors (and 3,000 with accept errors).
    static func streamsReport() -> RunReport {
        let ok = PhaseResult(
            name: "ramp@1000", group: "g", instances: 1, profile: "recommended", serveArguments: [],
            durationSeconds: 10, warmupSeconds: 2,
            complete: true,
            metrics: [
                "streams_open_max": 1000, "client_errors": 0, "accept_errors": 0, "fds_per_stream": 1, "fds_max": 1100,
                "rss_per_stream_kb": 32, "rss_max_mb": 80, "db_pool_in_use_max": 40, "redis_pool_in_use_max": 20,
            ])
        let failing = PhaseResult(
            name: "ramp@3000", group: "g", instances: 1, profile: "recommended", serveArguments: [],
            durationSeconds: 10, warmupSeconds: 2,
            complete: true, metrics: ["streams_open_max": 3000, "client_errors": 40, "accept_errors": 40])
        return RunReport(
            scenario: Scenario(name: "sse-capacity"), startedAt: "2026-11-29T11:00:00Z", wallSeconds: 60,
            complete: true,
            incompleteReason: nil, environment: environment(), phases: [ok, failing], claims: [])
    }

    func plan(sessions: Int? = nil, streams: Int? = nil, _ reports: [RunReport], seconds: Double? = nil) -> CapacityPlan
    {
        CapacityPlanner(
            targetSessions: sessions, targetStreams: streams, sessionSeconds: seconds,
            inputs: reports.enumerated().map { .init(path: "r\($0.offset)", report: $0.element) }
        ).plan()
    }

    @Test func sessionsUseTheUSLFitAndLittlesLaw() throws {
        // 150 sessions of 0.5 s need 300 updates/s: X(3) = 271, X(4) = 344.
        let p = plan(sessions: 150, [Self.sweepReport()])
        #expect(p.refusals.isEmpty, "\(p.refusals)")
        #expect(p.figure("instances for sessions") == 4)
        #expect(p.instances == 4)
        #expect(abs((p.figure("session duration") ?? 0) - 0.5) < 0.01)
        #expect(abs((p.figure("USL σ") ?? 0) - 0.05) < 0.005)
        // Sessions of 2 s need a quarter of the throughput: X(1) = 100 ≥ 75.
        #expect(plan(sessions: 150, [Self.sweepReport()], seconds: 2).instances == 1)
    }

    @Test func sessionsRefuseBeyondThePeakOrTheMeasuredRange() throws {
        // N* = sqrt(0.95/0.001) ≈ 30.8; X(30) ≈ 1,234 updates/s, 617 sessions of 0.5 s at most.
        let beyond = plan(sessions: 700, [Self.sweepReport()])
        #expect(beyond.instances == nil)
        #expect(beyond.refusals.first?.contains("exceed what this fit allows") == true, "\(beyond.refusals)")
        // 420 sessions of 0.5 s need 840 updates/s: N = 19 on the model, more than twice the
        // largest measured fleet (8); a sweep up to 12 may plan it.
        let needed = try #require((1...30).first { Self.model.throughput(at: Double($0)) * 0.5 >= 420 })
        #expect(needed == 19)
        let far = plan(sessions: 420, [Self.sweepReport()])
        #expect(
            far.refusals.first?.contains("too small") == true && far.refusals.first?.contains("N = 19") == true,
            "\(far.refusals)")
        #expect(plan(sessions: 420, [Self.sweepReport(sizes: [1, 2, 4, 8, 12])]).instances == 19)
    }

    @Test func sessionsRefuseWeakSmallOrIncompleteReports() {
        #expect(plan(sessions: 100, [Self.sweepReport(weak: 5)]).refusals.first?.contains("inconclusive") == true)
        #expect(plan(sessions: 100, [Self.sweepReport(sizes: [1, 2])]).refusals.first?.contains("too small") == true)
        let incomplete = plan(sessions: 100, [Self.sweepReport(complete: false)])
        #expect(incomplete.refusals.contains { $0.contains("incomplete run") })
        #expect(incomplete.refusals.contains { $0.contains("no report has an instance sweep") })
        #expect(plan([Self.sweepReport()]).refusals.first?.contains("nothing to plan") == true)
    }

    @Test func streamsUseTheMostHeldWithoutErrorsAndSizeFDsAndMemory() throws {
        let p = plan(streams: 5000, [Self.streamsReport()])
        #expect(p.refusals.isEmpty, "\(p.refusals)")
        #expect(p.figure("instances for streams") == 5)  // 1,000 per instance, not the 3,000 that failed
        #expect(p.figure("streams per instance") == 1000)
        // Pools: the measured DB peak 40 + 25 % = 50 beats 10 + 20; Redis max(50, 50).
        #expect(p.figure("PostgreSQL pool per instance (size + overflow)") == 50)
        #expect(p.figure("Redis pool per instance (REDIS_MAX_CONNECTIONS)") == 50)
        #expect(p.figure("PostgreSQL max_connections") == 260)  // 5 × 50 + 10 reserved
        // (100 at rest + 1 × 1,000 + 100 pool connections) × 1.25 = 1,500 → 2,048.
        #expect(p.figure("soft open-file limit per instance (ulimit -n)") == 2048)
        // (48.75 MiB at rest + 32 KiB × 1,000) × 1.25 = 100 MiB.
        #expect(p.figure("memory per instance") == 100)
        #expect(p.figures.first { $0.name == "memory per instance" }?.from.contains("r0 phase ramp@1000") == true)
    }

    @Test func theFleetIsTheLargerOfSessionsAndStreams() {
        let p = plan(sessions: 150, streams: 2000, [Self.sweepReport(), Self.streamsReport()])
        #expect(p.figure("instances for sessions") == 4 && p.figure("instances for streams") == 2)
        #expect(p.instances == 4)
        #expect(p.figure("streams per instance") == 500)
        #expect(p.text.contains("instances: 4 instances") && p.text.contains("from "))
    }

    @Test func streamsRefuseWithoutAnErrorFreeMeasurement() {
        var report = Self.streamsReport()
        report.phases.removeFirst()
        #expect(plan(streams: 100, [report]).refusals.first?.contains("without errors") == true)
        #expect(
            plan(streams: 100, [Self.sweepReport()]).refusals.first?.contains("run `stampede run sse-capacity`") == true
        )
    }
}
