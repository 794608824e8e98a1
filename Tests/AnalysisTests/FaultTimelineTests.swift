import Foundation
import LoadGen
import ServerConfig
import Testing

@testable import Analysis

/// `faults:` in scenarios, and the recovery of the load after each fault.
@Suite struct FaultTimelineTests {
    static func scenario(faults: String, instances: Int = 2, duration: String = "20s") -> String {
        """
        name: f
        groups:
          - name: g
            instances: \(instances)
        phases:
          - name: p
            group: g
            duration: \(duration)
            warmup: 1s
            clients:
              - {name: c, count: 4}
            faults:
        \(faults)
        """
    }

    static func problems(_ yaml: String) -> [String] {
        do {
            _ = try ScenarioLoader.load(yaml: yaml, source: "t.yaml")
            return []
        } catch let e as ScenarioError {
            return e.problems.map { "\($0.path): \($0.message)" }
        } catch {
            return ["\(error)"]
        }
    }

    @Test func everyFaultKindLoadsWithItsFields() throws {
        let yaml = Self.scenario(
            faults: """
                      - {at: 2s, do: redis-restart, mode: kill, for: 1s}
                      - {at: 3s, do: postgres-restart}
                      - {at: 4s, do: kill-instance, instance: 1}
                      - {at: 5s, do: restart-instance, instance: 0}
                      - {at: 6s, do: pause-instance, instance: 1, for: 2s, every: 5s, when: mid-update}
                      - {at: 7s, do: link-down, link: clients, for: 1s}
                      - {at: 8s, do: latency, link: redis, latency: 50ms, for: 3s}
                """)
        let s = try ScenarioLoader.load(yaml: yaml, source: "t.yaml")
        let f = try #require(s.phases.first?.faults)
        #expect(f.map(\.action) == FaultSpec.Action.allCases)
        #expect(f[0].mode == .kill && f[0].duration == 1)
        #expect(f[2].instance == 1 && f[2].duration == nil)
        #expect(f[4].trigger == .midUpdate && f[4].every == 5)
        #expect(f[4].occurrences(within: 20) == [6, 11, 16])
        #expect(f[6].link == "redis" && f[6].latency == 0.05)
        #expect(f[6].description == "latency link redis to +50ms for 3s")
        #expect(f[0].description == "redis-restart redis (SIGKILL) for 1s")
    }

    @Test func badFaultsAreReportedWithTheirPathAndWhatToDo() {
        let p = Self.problems(
            Self.scenario(
                faults: """
                          - {at: 2s, do: pause-instance, instance: 1}
                          - {at: 30s, do: redis-restart}
                          - {at: 2s, do: link-down, for: 1s}
                          - {at: 2s, do: latency, link: redis, for: 1s}
                          - {at: 2s, do: pause-instance, instance: 2, for: 1s}
                          - {at: 2s, do: reboot}
                          - {do: redis-restart}
                          - {at: 2s, do: pause-instance, for: 3s, every: 2s}
                          - {at: 2s, do: redis-restart, when: mid-update}
                    """))
        let joined = p.joined(separator: "\n")
        #expect(joined.contains("phases[0].faults[0]: pause-instance needs `for:`"), "\(joined)")
        #expect(joined.contains("phases[0].faults[1]: at 30s is not inside the phase (20s)"))
        #expect(joined.contains("phases[0].faults[2]: link-down needs `link:`"))
        #expect(joined.contains("phases[0].faults[3]: latency needs `latency:`"))
        #expect(joined.contains("instance 2 does not exist: the phase runs 2 (0 to 1)"))
        #expect(joined.contains("phases[0].faults[5].do: expected one of redis-restart"))
        #expect(joined.contains("phases[0].faults[6].at: missing"))
        #expect(joined.contains("occurrences would overlap"))
        #expect(joined.contains("when: mid-update applies to pause-instance only"))
        #expect(p.count == 9, "\(joined)")
    }

    /// 100/s of good work for 10 s, a fault from 10 to 12 s, then `after`.
    static func timeline(after: [Double], errorsAt: [Int: Int] = [:]) -> LoadTimeline {
        var t = LoadTimeline()
        t.goodWork = Array(repeating: 100, count: 10) + [0, 0] + after
        t.errors = t.goodWork.indices.map { errorsAt[$0] ?? 0 }
        return t
    }

    @Test func recoveryIsTheFirstOfTwoSecondsBackAtNinetyPercent() throws {
        let pause = FaultSpec(action: .pauseInstance, at: 10, duration: 2)
        let t = Self.timeline(after: [50, 95, 40, 92, 99, 100, 100], errorsAt: [10: 3, 11: 2, 12: 1, 14: 4, 16: 9])
        let r = t.assess([FaultResult(fault: pause, atSeconds: 10, endedSeconds: 12)], warmup: 1, loadSeconds: 19)[0]
        #expect(r.preFaultPerSecond == 100)
        #expect(r.lowestPerSecond == 0)
        // 13 s is back (95) but 14 s is not (40): the first second of two at ≥ 90 is 15 s.
        #expect(r.recoverySeconds == 3)
        #expect(r.recovered == true)
        #expect(r.errorsDuring == 5)
        #expect(r.errorsAfter == 5)
        #expect(r.recovery.hasPrefix("recovered 3 s after the fault ended"))
    }

    @Test func aFaultThatLeavesTheLoadLowDidNotRecover() {
        let kill = FaultSpec(action: .killInstance, at: 10)
        let t = Self.timeline(after: [50, 50, 50])
        let never = t.assess([FaultResult(fault: kill, atSeconds: 10, endedSeconds: nil)], warmup: 1, loadSeconds: 15)
        #expect(never[0].recovered == false && never[0].recoverySeconds == nil)
        #expect(never[0].recovery == "did not recover: the fault never ended")
        let restart = FaultSpec(action: .restartInstance, at: 10)
        let low = t.assess([FaultResult(fault: restart, atSeconds: 10, endedSeconds: 12)], warmup: 1, loadSeconds: 15)
        #expect(low[0].recovered == false)
        #expect(low[0].recovery == "did not recover: below 90 % of 100/s in the 3 s until the load ended")
    }

    @Test func withoutSteadyLoadBeforeItTheRecoveryIsNotMeasured() {
        let f = FaultSpec(action: .redisRestart, at: 1.5)
        var t = LoadTimeline()
        t.goodWork = [100, 100, 100, 100]
        t.errors = [0, 0, 0, 0]
        let r = t.assess([FaultResult(fault: f, atSeconds: 1.5, endedSeconds: 2)], warmup: 1, loadSeconds: 4)[0]
        #expect(r.recovered == nil)
        #expect(r.recovery == "not measured: less than 2 s of steady load before the fault")
        var idle = LoadTimeline()
        idle.goodWork = Array(repeating: 0, count: 8)
        idle.errors = Array(repeating: 0, count: 8)
        let none = idle.assess([FaultResult(fault: f, atSeconds: 5, endedSeconds: 5.5)], warmup: 1, loadSeconds: 8)
        #expect(none[0].recovered == nil && none[0].recovery.hasPrefix("not measured: no work was done"))
        let failed = FaultResult(fault: f, atSeconds: 5, endedSeconds: nil, error: "Redis is external")
        #expect(t.assess([failed], warmup: 1, loadSeconds: 4)[0].recovery.contains("could not be applied"))
    }

    @Test func theSummaryCountsAppliedAndUnrecoveredFaultsAndTheLongestRecovery() {
        let f = FaultSpec(action: .redisRestart, at: 5)
        var back = FaultResult(fault: f, atSeconds: 5, endedSeconds: 6)
        back.recoverySeconds = 1.5
        back.recovered = true
        var slow = back
        slow.recoverySeconds = 4
        var lost = FaultResult(fault: f, atSeconds: 9, endedSeconds: 10)
        lost.recovered = false
        let failed = FaultResult(fault: f, atSeconds: 12, endedSeconds: nil, error: "Redis is external")
        let s = FaultRecovery.summary([back, slow, lost, failed])
        #expect(s.metrics == [.faultsApplied: 3, .faultsNotRecovered: 1, .recoveryMaxS: 4])
        #expect(s.validity == ["1 planned fault(s) could not be applied: Redis is external"])
        #expect(FaultRecovery.summary([lost]).metrics[.recoveryMaxS] == nil, "no recovery, no figure")
        // Every fault metric of the catalog is one the summary produces.
        let produced = Set(FaultRecovery.summary([back]).metrics.keys)
        #expect(Set(PhaseMetric.allCases.filter { $0.definition.source == .faults }) == produced)
    }

    @Test func theNextFaultBoundsTheSearchAndTheWindowStartsAfterThePreviousOne() {
        let pause = FaultSpec(action: .pauseInstance, at: 10, duration: 2)
        var t = Self.timeline(after: [100, 100, 100, 0, 0, 200, 200, 200])
        t.goodWork[2] = 0  // a dip before the window of the second fault
        let second = FaultSpec(action: .pauseInstance, at: 15, duration: 2)
        let r = t.assess(
            [
                FaultResult(fault: second, atSeconds: 15, endedSeconds: 17),
                FaultResult(fault: pause, atSeconds: 10, endedSeconds: 12),
            ], warmup: 1, loadSeconds: 20)
        #expect(r.map(\.atSeconds) == [10, 15])
        #expect(r[0].recoverySeconds == 0)
        // The second fault's mean starts after the first one ended (12..14: 100/s).
        #expect(r[1].preFaultPerSecond == 100)
        #expect(r[1].recoverySeconds == 0)
    }
}

/// What a fault did inside its window: streams, errors by kind, server error counters.
@Suite struct FaultEffectsTests {
    static func second(_ t: Int, events: Int, _ edit: (inout SecondSample) -> Void = { _ in }) -> SecondSample {
        var s = SecondSample(t: t)
        s.events = events
        edit(&s)
        return s
    }

    @Test func theWindowRunsFromTheFaultToTwoSecondsPastTheRecovery() throws {
        var series = (0..<10).map { Self.second($0, events: 100) }
        series.append(
            Self.second(10, events: 0) {
                $0.broken = 5
                $0.lost = 2
                $0.errors = 3
                $0.errorKinds = ["reset": 3]
            })
        series.append(
            Self.second(11, events: 20) {
                $0.resumed = 2
                $0.missing = 4
                $0.errorEvents = 6
                $0.errorKinds = ["event:Session creation failed": 6]
            })
        series += (12..<16).map { Self.second($0, events: 100) }
        series[14].broken = 9  // from 14 s on: after the window [10, 14), not this fault's
        var t = LoadTimeline()
        t.add(series, streams: true)
        let f = FaultSpec(action: .postgresRestart, at: 10, duration: 2)
        let r = t.assess([FaultResult(fault: f, atSeconds: 10, endedSeconds: 12)], warmup: 1, loadSeconds: 16)[0]
        #expect(r.recoverySeconds == 0 && r.observedUntilSeconds == 14)
        #expect(r.streams == StreamEffects(broken: 5, resumed: 2, lost: 2, eventsMissing: 4))
        #expect(r.errorsByKind == ["reset": 3, "event:Session creation failed": 6])
        #expect(
            r.effectsText
                == "until 14 s: streams 5 broken, 2 resumed, 2 lost, 4 events missing; client event:Session creation failed 6, reset 3"
        )
        var http = LoadTimeline()
        http.add(series, streams: false)
        #expect(
            http.assess([FaultResult(fault: f, atSeconds: 10, endedSeconds: 12)], warmup: 1, loadSeconds: 16)[0].streams
                == nil)
    }

    static func sample(_ t: Double, _ perInstance: [[String: Double]]) -> Sample {
        Sample(
            t: t,
            servers: perInstance.enumerated().map {
                .init(instance: $0.offset, rssBytes: 0, openFDs: 0, threads: 0, cpuSeconds: 0, metrics: $0.element)
            })
    }

    @Test func serverErrorsAreCounterIncreasesInTheWindowAcrossRestarts() {
        let u = "stampede_session_update_errors_total"
        let l = "stampede_lock_timeouts_total"
        let samples = [
            Self.sample(8, [[u: 10, l: 1], [u: 5]]),
            Self.sample(10, [[u: 12, l: 1], [u: 5]]),  // +2 before the window starts at 10.5: not counted
            Self.sample(11, [[u: 20, l: 1], [:]]),  // instance 1 not scraped
            Self.sample(12, [[u: 3, l: 2], [u: 9]]),  // instance 0 restarted: 3 counts from 0
            Self.sample(20, [[u: 50, l: 9], [u: 90]]),  // after the window
        ]
        let e = FaultEffects.serverErrors(samples, from: 10.5, until: 12)
        #expect(e == ["session_update_errors": 8 + 3 + 4, "lock_timeouts": 1])
        #expect(FaultEffects.serverErrors(samples, from: 12, until: 15).isEmpty)
    }
}

/// Found by the `scenario` fuzz target: `at: 9e128s` (any absurd duration) crashed the loader
/// while it formatted the problem message (a Double too large for Int).
@Suite struct HugeDurationTests {
    @Test func anAbsurdDurationIsAProblemNotACrash() {
        let p = FaultTimelineTests.problems(
            FaultTimelineTests.scenario(
                faults: "      - {at: \"9\(String(repeating: "9", count: 120))s\", do: redis-restart}"))
        #expect(p.contains { $0.contains("faults[0].at: expected a duration of at most a year") }, "\(p)")
        #expect(DurationText.format(9e128) == "9e+128s")
        #expect(DurationText.seconds("1e308h") == nil, "overflows to infinity")
    }
}
