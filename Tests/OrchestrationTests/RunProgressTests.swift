import Analysis
import Foundation
import LoadGen
import Testing

@testable import Orchestration

/// The live line of `stampede run` (pure parts): what it says, when it is shown, the estimate.
@Suite struct RunProgressTests {
    @Test func theLineSaysPhaseTimeAndLoad() {
        var load = LoadProgress()
        load.events = 5_000
        load.open = 40
        load.errors = 1
        let p = RunProgress(
            phase: 3, phases: 8, phaseName: "lock-documented", elapsedSeconds: 72, estimatedLeftSeconds: 245, load: load
        )
        #expect(
            p.line(eventsPerSecond: 412)
                == "phase 3/8 lock-documented  1m12s elapsed, ~4m05s left  412 events/s  40 open  1 error")
        #expect(p.line(eventsPerSecond: nil).contains("5000 events  40 open"))
        var idle = p
        idle.load = nil
        #expect(
            idle.line(eventsPerSecond: nil).hasSuffix("(no load now: a fleet starting, or the checks after the load)"))
        idle.phase = 0
        #expect(idle.line(eventsPerSecond: nil) == "starting, 0/8 phases  1m12s elapsed, ~4m05s left")
        #expect(RunProgress.clock(3725) == "1h02m" && RunProgress.clock(9.6) == "10s")
    }

    @Test(arguments: [
        (true, false, [String: String](), true),
        (false, false, [:], false),
        (true, true, [:], false),
        (true, false, ["CI": "true"], false),
        (true, false, ["TERM": "dumb"], false),
        (true, false, ["CI": ""], true),
    ])
    func shownOnlyOnATerminalOutsideCIAndQuiet(terminal: Bool, quiet: Bool, env: [String: String], shown: Bool) {
        #expect(RunProgress.shouldShow(isTerminal: terminal, quiet: quiet, environment: env) == shown)
    }

    @Test func theEstimateCountsWhatIsLeftWithTheOverheadSeenSoFar() throws {
        let scenario = try ScenarioLoader.load(
            yaml: """
                name: est
                groups: [{name: g}]
                phases:
                  - {name: a, group: g, duration: 10s, warmup: 1s, clients: [{name: c}]}
                  - {name: b, group: g, duration: 20s, warmup: 1s, repeats: 2, clients: [{name: c}]}
                """, source: "est")
        let clock = PhaseClock(scenario: scenario)
        let before = clock.progress(load: nil)
        #expect(before.phase == 0 && before.phases == 2)
        #expect(abs(before.estimatedLeftSeconds - (10 + 5 + 40 + 5)) < 0.5)  // 5 s overhead each until one is seen
        clock.begin(phase: 0)
        clock.end(phase: 0, wallSeconds: 12)  // 2 s beyond its load
        clock.begin(phase: 1)
        let during = clock.progress(load: nil)
        #expect(during.phase == 2 && during.phaseName == "b")
        #expect(abs(during.estimatedLeftSeconds - 42) < 0.5)  // 2 × 20 s of load + 2 s overhead
    }
}
