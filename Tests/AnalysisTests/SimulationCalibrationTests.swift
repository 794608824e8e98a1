import Foundation
import Histogram
import LoadGen
import ServerConfig
import Simulation
import Testing

@testable import Analysis

/// Calibration on a report whose "measurements" come from the simulator itself with a known
/// model: the calibration must recover the model's parts and predict a fleet it did not see.
@Suite struct SimulationCalibrationTests {
    static let think = Duration.milliseconds(150)
    static let overhead = Duration.milliseconds(3)

    /// The truth: upstream's lock, 20 ms held plus work, 2 events 20 ms apart, 5 clients each.
    static func truth(instances: Int, sessions: Int, seed: UInt64) -> SimulationModel {
        var m = SimulationModel(
            instances: instances, load: .closed(clientsPerInstance: 5, think: .init(fixed: think)), sessions: sessions,
            agent: .init(events: 2, interval: .milliseconds(20)),
            lock: .init(
                strategy: .exponentialJitter, hold: .milliseconds(20),
                holdWork: .through(p50: .milliseconds(1.5), p99: .milliseconds(4))),
            redis: .init(
                roundTrip: .zero, service: .init(fixed: .microseconds(20)), pool: .init(size: 50, timeout: nil)),
            database: .init(roundTrip: .zero, service: .zero, pool: .init(size: 30, timeout: .seconds(30))),
            duration: .seconds(60), warmup: .seconds(5), seed: seed)
        m.streamOverhead = .init(fixed: overhead / 2, exponentialMean: overhead / 2)
        return m
    }

    /// A phase as the runner would record it, with the truth's figures as the measurements.
    static func phase(instances: Int, sessions: Int) throws -> PhaseResult {
        let r = Simulator.run(truth(instances: instances, sessions: sessions, seed: UInt64(instances * 100 + sessions)))
        let settings = try ServerKnobs.resolve(
            profile: .upstream,
            settings: [
                .init(name: "lock-hold-ms", value: "20", source: .scenario("t")),
                .init(name: "agent-events", value: "2", source: .scenario("t")),
                .init(name: "agent-interval", value: "20ms", source: .scenario("t")),
            ]
        ).settings
        var h = EngineMetrics.makeHistogram()
        _ = h.record(UInt64((r.streamDurationMeanMs ?? 0) * 1000), count: UInt64(r.streams))
        var client = ClientGroupResult(name: "updaters", results: [])
        client.clients = 5 * instances
        client.latency = [LatencyMetric.streamDuration.rawValue: LatencySummary(h)]
        var p = PhaseResult(
            name: "upstream-hot\(sessions)@\(instances)", group: "upstream", instances: instances, profile: "upstream",
            serveArguments: [], durationSeconds: 60, warmupSeconds: 5, complete: true,
            metrics: [
                "updates_per_second": r.updatesPerSecond, "streams_per_second": r.streamsPerSecond,
                "lock_wait_mean_ms": r.lockWaitMeanMs ?? 0, "lock_wait_p99_ms": r.lockWaitP99Ms ?? 0,
                "lock_hold_p50_ms": r.lockHoldP50Ms ?? 0, "lock_hold_p99_ms": r.lockHoldP99Ms ?? 0,
            ], clients: [client])
        p.configuration = settings
        p.sweep = "upstream-hot\(sessions)"
        p.popularity = "upstream"
        p.hotSet = sessions
        return p
    }

    static func report(sizes: [Int], sessions: [Int]) throws -> RunReport {
        RunReport(
            scenario: Scenario(name: "scale-001"), startedAt: "2026-12-03T10:00:00Z", wallSeconds: 1, complete: true,
            incompleteReason: nil, environment: .fixture,
            phases: try sessions.flatMap { s in try sizes.map { try phase(instances: $0, sessions: s) } }, claims: [])
    }

    @Test func calibrationRecoversTheModelAndPredictsAFleetItDidNotSee() throws {
        let r = try Self.report(sizes: [1, 2, 5], sessions: [1, 16])
        let study = try SimulationStudy.run(report: r, source: "t", options: .init(instances: [10], cpu: .off))
        let cal = try #require(study.calibrations.first)
        #expect(
            cal.calibratedOn.sorted() == ["upstream-hot16@1", "upstream-hot16@2", "upstream-hot1@1", "upstream-hot1@2"])
        #expect(cal.template.lock.strategy == .exponentialJitter && cal.template.lock.hold == .milliseconds(20))
        guard case .closed(let perInstance, let think) = cal.template.load else {
            Issue.record("closed loop expected")
            return
        }
        #expect(perInstance == 5)
        // Little's law gives the think time back within 2 ms, and the overhead within 1 ms.
        #expect(abs((think.mean - Self.think).seconds) < 0.002, "\(think)")
        #expect(
            abs((cal.template.streamOverhead.mean - Self.overhead).seconds) < 0.001, "\(cal.template.streamOverhead)")
        // The 5-instance points, not calibrated on, within 5 % on throughput.
        #expect(study.validation.count == 2)
        for c in study.validation {
            #expect(abs(c.throughputError) < 0.05, "\(c)")
        }
        #expect(study.points.count == 2 && study.points.allSatisfy { $0.instances == 10 })
        // The generator's profiles as readers: slow ones leave bytes in the servers' buffers.
        let fastOnly = SimulationStudy.predict(
            cal, instances: 2, sessions: 16, options: .init(instances: [], cpu: .off))
        #expect(fastOnly.metrics["buffered_max_mb"] == 0)
        let mixed = SimulationStudy.predict(
            cal, instances: 2, sessions: 16,
            options: .init(instances: [], cpu: .off, mix: try ProfileMix(parsing: "fast:1,slow:1")))
        #expect((mixed.metrics["buffered_max_mb"] ?? 0) > 0)
        #expect(study.text.contains("Validation") && study.text.contains("upstream-hot1@5"))
    }

    @Test func aReportItCannotCalibrateOnSaysWhy() throws {
        let small = try Self.report(sizes: [1, 2], sessions: [4])
        #expect {
            try SimulationStudy.run(report: small, source: "t", options: .init(instances: [10]))
        } throws: { ($0 as? SimulationCalibrationError)?.description.contains("needs 3 or more") == true }
        var none = small
        none.phases = none.phases.map {
            var p = $0
            p.hotSet = nil
            return p
        }
        #expect {
            try SimulationStudy.run(report: none, source: "t", options: .init(instances: [10]))
        } throws: {
            ($0 as? SimulationCalibrationError)?.description.contains("no instance sweep with hot sessions") == true
        }
    }
}
