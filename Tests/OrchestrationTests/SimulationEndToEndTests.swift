import Foundation
import Orchestration
import Reports
import ServerConfig
import Simulation
import StampedeTestSupport
import Testing

@testable import Analysis

/// The simulator calibrated on a short real scale-001 sweep (real Redis, PostgreSQL and servers),
/// predicting the fleet it was not calibrated on.
extension RealServicesTests {
    @Suite struct SimulationEndToEndTests {
        @Test(.timeLimit(.minutes(3))) func aShortSweepCalibratesTheSimulatorAndItPredictsTheLargestFleet() async throws
        {
            var s = try #require(
                try BuiltinCatalog.scenario(
                    named: "scale-001",
                    overrides: ["instances": "1,2,4", "hot_set": "64", "duration": "4s", "warmup": "1s"]))
            s.phases = s.phases.filter { $0.group == "upstream" }
            s.claims = []
            let report = await ScenarioRunner(scenario: s, options: .init(executable: LifecycleSupport.stampedeBinary))
                .run()
            #expect(report.complete, "\(report.incompleteReason ?? "")")
            let study = try SimulationStudy.run(
                report: report, source: "test", options: .init(instances: [1, 8], durationSeconds: 30))
            let cal = try #require(study.calibrations.first)
            #expect(cal.group == "upstream")
            #expect(cal.calibratedOn.count == 2)
            #expect(cal.template.lock.strategy == .exponentialJitter)
            #expect(cal.template.lock.hold == .milliseconds(20))
            // Hold work and think time come from the measurement: positive, and of the right size.
            #expect(cal.template.lock.holdWork.mean > .zero && cal.template.lock.holdWork.mean < .milliseconds(20))
            guard case .closed(let perInstance, let think) = cal.template.load else {
                Issue.record("closed loop expected")
                return
            }
            #expect(perInstance == 5)
            #expect(think.mean > .milliseconds(100) && think.mean < .milliseconds(300), "\(think)")
            // The 4-instance fleet, not calibrated on, predicted within 25 % (a 4 s window is noisy).
            let check = try #require(study.validation.first { $0.instances == 4 })
            #expect(abs(check.throughputError) <= 0.25, "\(check)")
            #expect(check.measuredUpdatesPerSecond > 0 && (check.simulatedLockWaitP99Ms ?? 0) > 0)
            // One hot session caps any fleet near 1/hold: 8 instances cannot pass 50 updates/s.
            let hot1 = SimulationStudy.predict(
                cal, instances: 8, sessions: 1, options: .init(instances: [], durationSeconds: 30))
            let x8 = try #require(hot1.metrics["updates_per_second"])
            #expect(x8 < 1 / 0.020 && x8 > 20, "\(x8)")
            // The run carries the simulation to 100 instances, which the report draws.
            let attached = try #require(report.simulation)
            #expect(attached.validation.count == 1)
            #expect(attached.points.contains { $0.instances == 100 })
            #expect(HTMLReport.render(report).contains("simulated to 100"))
            // A target past twice the largest measured fleet (4) is sized by the simulator: about
            // 20 instances' worth of sessions of 1 s at the measured per-instance rate.
            let perInstance4 = check.measuredUpdatesPerSecond / 4
            let plan = CapacityPlanner(
                targetSessions: Int(perInstance4 * 20), sessionSeconds: 1, inputs: [.init(path: "run", report: report)]
            ).plan()
            let simulated = try #require(plan.figure("instances for sessions (simulated)"), "\(plan.text)")
            #expect((15...26).contains(Int(simulated)), "\(plan.text)")
        }
    }
}
