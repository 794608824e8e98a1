import Analysis
import Foundation
import LoadGen
import Synchronization

/// Where a scenario run is: which phase of how many, how long it has run and is expected to run
/// yet, and the load of the phase now. `ScenarioRunner.progress()` gives one at any time; the CLI
/// draws it as one line (``line(eventsPerSecond:)``).
public struct RunProgress: Sendable, Equatable {
    /// 1-based; 0 before the first phase starts.
    public var phase: Int
    public var phases: Int
    public var phaseName: String
    public var elapsedSeconds: Double
    /// Planned load time of the phases not done yet (the current one's rest included) plus their
    /// expected overhead (fleet start, checks: the mean of the phases done so far, else 5 s each).
    public var estimatedLeftSeconds: Double
    /// The current phase's load, when it is running.
    public var load: LoadProgress?

    public init(
        phase: Int, phases: Int, phaseName: String, elapsedSeconds: Double, estimatedLeftSeconds: Double,
        load: LoadProgress?
    ) {
        self.phase = phase
        self.phases = phases
        self.phaseName = phaseName
        self.elapsedSeconds = elapsedSeconds
        self.estimatedLeftSeconds = estimatedLeftSeconds
        self.load = load
    }

    /// `phase 3/8 lock-documented  1m12s elapsed, ~4m05s left  412 events/s  40 open  0 errors`.
    public func line(eventsPerSecond: Int?) -> String {
        let which = phase == 0 ? "starting, 0/\(phases) phases" : "phase \(phase)/\(phases) \(phaseName)"
        var out = "\(which)  \(Self.clock(elapsedSeconds)) elapsed, ~\(Self.clock(estimatedLeftSeconds)) left"
        if let load {
            out += "  \(eventsPerSecond.map { "\($0) events/s" } ?? "\(load.events) events")  \(load.open) open"
            out += "  \(load.errors) error\(load.errors == 1 ? "" : "s")"
            if load.dropped > 0 { out += "  \(load.dropped) dropped" }
        } else if phase > 0 {
            out += "  (no load now: a fleet starting, or the checks after the load)"
        }
        return out
    }

    /// `42s`, `4m05s`, `1h02m`.
    static func clock(_ seconds: Double) -> String {
        let s = max(0, Int(seconds.rounded()))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
    }

    /// Whether to draw it: on a terminal, not with `--quiet`, not under CI (`CI` set, as GitHub
    /// Actions, GitLab CI and most others do), not with `TERM=dumb`.
    public static func shouldShow(isTerminal: Bool, quiet: Bool, environment: [String: String]) -> Bool {
        isTerminal && !quiet && (environment["CI"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }
}

/// The phase clock of a run, updated as phases start and end (thread-safe).
final class PhaseClock: Sendable {
    private struct State {
        var started = Date()
        var index = 0
        var name = ""
        var phaseStarted = Date()
        /// Wall time beyond the planned load of each phase done.
        var overheads: [Double] = []
    }

    private let state = Mutex(State())
    /// Planned load seconds of each phase (duration × repeats).
    let planned: [Double]
    let names: [String]

    init(scenario: Scenario) {
        planned = scenario.phases.map { $0.duration * Double(scenario.repeats(of: $0)) }
        names = scenario.phases.map(\.name)
    }

    func begin(phase index: Int) {
        state.withLock {
            $0.index = index + 1
            $0.name = names[index]
            $0.phaseStarted = Date()
        }
    }

    func end(phase index: Int, wallSeconds: Double) {
        state.withLock { $0.overheads.append(max(0, wallSeconds - planned[index])) }
    }

    func progress(load: LoadProgress?) -> RunProgress {
        state.withLock { s in
            let overhead = s.overheads.isEmpty ? 5 : s.overheads.reduce(0, +) / Double(s.overheads.count)
            let current = s.index > 0 ? s.index - 1 : 0
            let inPhase = Date().timeIntervalSince(s.phaseStarted)
            let restOfCurrent = s.index > 0 ? max(0, planned[current] + overhead - inPhase) : 0
            let later = planned.indices.filter { $0 > current || s.index == 0 }.reduce(0.0) {
                $0 + planned[$1] + overhead
            }
            return RunProgress(
                phase: s.index, phases: planned.count, phaseName: s.name,
                elapsedSeconds: Date().timeIntervalSince(s.started), estimatedLeftSeconds: restOfCurrent + later,
                load: load)
        }
    }
}
