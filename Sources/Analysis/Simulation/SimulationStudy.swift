import Foundation
import LoadGen
import ServerConfig
import Simulation

/// `stampede simulate`: predictions of a calibrated model at fleet sizes (and popularity, round
/// trips, strategies) that were not measured, and, in every output, the validation: each measured
/// point the calibration did not use, simulated as it ran, predicted against measured.
public struct SimulationStudy: Sendable, Codable, Equatable {
    public static let schemaName = "stampede.simulation"
    /// The validation goal: throughput within 10 %, lock-wait p99 within 25 %.
    public static let throughputGoal = 0.10
    public static let lockWaitP99Goal = 0.25
    /// Simulated seconds per validation point (the measured windows are 10 s: a longer simulated
    /// window gives the model's expectation, not one more noisy sample).
    public static let validationSeconds = 60.0

    /// How CPU enters a prediction: the measured host's cores shared by the whole fleet (as the
    /// calibration runs ran), the same cores for each instance (as deployed), or not at all.
    public enum CPUMode: String, Sendable, Codable, CaseIterable {
        case host
        case perInstance = "per-instance"
        case off
    }

    public struct Options: Sendable, Codable, Equatable {
        public var instances: [Int]
        /// Hot sessions; nil: every hot-set size measured.
        public var sessions: Int?
        public var zipf: Double?
        /// Seconds of round trip to Redis; nil: as measured.
        public var redisRTT: Double?
        public var strategy: LockStrategy?
        public var cpu: CPUMode
        public var durationSeconds: Double
        public var seed: UInt64
        /// Clients per instance in predictions; nil: as measured.
        public var clientsPerInstance: Int?
        /// Readers as the load generator's `--mix` (`fast:80,slow:15,stalled:5`), with its slow
        /// and stall defaults; nil: as measured (the calibration's readers).
        public var mix: ProfileMix?

        public init(
            instances: [Int], sessions: Int? = nil, zipf: Double? = nil, redisRTT: Double? = nil,
            strategy: LockStrategy? = nil, cpu: CPUMode = .perInstance, durationSeconds: Double = 60, seed: UInt64 = 1,
            clientsPerInstance: Int? = nil, mix: ProfileMix? = nil
        ) {
            self.mix = mix
            self.clientsPerInstance = clientsPerInstance
            self.instances = instances
            self.sessions = sessions
            self.zipf = zipf
            self.redisRTT = redisRTT
            self.strategy = strategy
            self.cpu = cpu
            self.durationSeconds = durationSeconds
            self.seed = seed
        }
    }

    /// One simulated fleet: the catalog's phase metric names (`updates_per_second`,
    /// `lock_wait_p99_ms`, ...); counts are over `simulatedSeconds`.
    public struct Point: Sendable, Codable, Equatable {
        public var group: String
        public var profile: String
        public var strategy: String
        public var instances: Int
        public var sessions: Int
        public var zipf: Double?
        public var simulatedSeconds: Double
        public var metrics: [String: Double]
        public var events: Int
        /// Wall-clock seconds the simulation of this point took (the simulator's own cost).
        public var wallSeconds: Double
    }

    /// A measured phase the calibration did not use, simulated as it ran.
    public struct Check: Sendable, Codable, Equatable {
        public var phase: String
        public var group: String
        public var instances: Int
        public var sessions: Int
        public var measuredUpdatesPerSecond: Double
        public var simulatedUpdatesPerSecond: Double
        public var measuredLockWaitP99Ms: Double?
        public var simulatedLockWaitP99Ms: Double?
        /// The measured p99's own 95 % interval (batch means over the window), when the report has it.
        public var measuredLockWaitP99Interval: ConfidenceInterval?
        public var measuredUpdatesPerSecondInterval: ConfidenceInterval?

        /// Whether the simulated figures lie inside the measured points' own 95 % intervals: how
        /// far the measurement itself can be trusted at this point, beside the fixed goal.
        public var insideMeasuredIntervals: Bool? {
            guard let w = measuredLockWaitP99Interval, let x = measuredUpdatesPerSecondInterval else { return nil }
            let sw = simulatedLockWaitP99Ms ?? 0
            return (x.low...x.high).contains(simulatedUpdatesPerSecond) && (w.low...w.high).contains(sw)
        }

        /// (simulated − measured) / measured.
        public var throughputError: Double {
            measuredUpdatesPerSecond > 0 ? simulatedUpdatesPerSecond / measuredUpdatesPerSecond - 1 : .nan
        }
        public var lockWaitP99Error: Double? {
            guard let m = measuredLockWaitP99Ms, m > 0, let s = simulatedLockWaitP99Ms else { return nil }
            return s / m - 1
        }
        public var withinGoal: Bool {
            abs(throughputError) <= SimulationStudy.throughputGoal
                && (lockWaitP99Error.map { abs($0) <= SimulationStudy.lockWaitP99Goal } ?? true)
        }
    }

    public var schema = schemaName
    public var source: String
    public var options: Options
    public var calibrations: [SimulationCalibration]
    public var points: [Point]
    public var validation: [Check]

    public var validationWithinGoal: Int { validation.filter(\.withinGoal).count }

    /// Calibrates on `report`, validates, and predicts the fleets of `options`.
    public static func run(
        report: RunReport, source: String, options: Options
    ) throws(SimulationCalibrationError)
        -> SimulationStudy
    {
        let calibrations = try SimulationCalibration.calibrate(report, duration: .seconds(validationSeconds))
        var validation: [Check] = []
        for cal in calibrations {
            for p in report.phases
            where p.group == cal.group && p.complete && p.hotSet != nil && !cal.calibratedOn.contains(p.name)
                && p.sweep != nil
            {
                guard let x = p.metrics[PhaseMetric.updatesPerSecond.rawValue] else { continue }
                var m = cal.model(instances: p.instances, sessions: p.hotSet ?? 1, zipf: p.zipf)
                m.seed = options.seed
                let r = Simulator.run(m)
                validation.append(
                    Check(
                        phase: p.name, group: cal.group, instances: p.instances, sessions: p.hotSet ?? 1,
                        measuredUpdatesPerSecond: x, simulatedUpdatesPerSecond: r.updatesPerSecond,
                        measuredLockWaitP99Ms: p.metrics[PhaseMetric.lockWaitP99Ms.rawValue],
                        simulatedLockWaitP99Ms: r.lockWaitP99Ms,
                        measuredLockWaitP99Interval: p.intervals?[PhaseMetric.lockWaitP99Ms.rawValue],
                        measuredUpdatesPerSecondInterval: p.intervals?[PhaseMetric.updatesPerSecond.rawValue]))
            }
        }
        var points: [Point] = []
        for cal in calibrations {
            let measuredSets = Array(Set(report.phases.filter { $0.group == cal.group }.compactMap(\.hotSet))).sorted()
            for sessions in options.sessions.map({ [$0] }) ?? measuredSets {
                for n in options.instances {
                    points.append(predict(cal, instances: n, sessions: sessions, options: options))
                }
            }
        }
        addEfficiency(&points)
        return SimulationStudy(
            source: source, options: options, calibrations: calibrations, points: points, validation: validation)
    }

    /// One prediction with the options' overrides applied.
    public static func predict(_ cal: SimulationCalibration, instances: Int, sessions: Int, options: Options) -> Point {
        var m = cal.model(instances: instances, sessions: sessions, zipf: options.zipf ?? cal.template.zipf)
        m.seed = options.seed
        m.duration = .seconds(options.durationSeconds)
        if let rtt = options.redisRTT { m.redis.roundTrip = .seconds(rtt) }
        if let s = options.strategy { m.lock.strategy = s }
        switch options.cpu {
        case .host: break
        case .perInstance: m.cpu?.sharedByFleet = false
        case .off: m.cpu = nil
        }
        if let n = options.clientsPerInstance, case .closed(_, let think) = m.load {
            m.load = .closed(clientsPerInstance: n, think: think)
        }
        if let mix = options.mix { m.readers = readers(mix, payloadBytes: m.agent.payloadBytes) }
        let started = ContinuousClock.now
        let r = Simulator.run(m)
        let wall = started.duration(to: .now)
        return Point(
            group: cal.group, profile: cal.profile, strategy: (m.lock.strategy?.rawValue ?? "none"),
            instances: instances,
            sessions: sessions, zipf: m.zipf, simulatedSeconds: r.simulatedSeconds, metrics: metrics(r),
            events: r.events,
            wallSeconds: wall.seconds)
    }

    /// The load generator's profiles as simulated readers: `slow` at its default byte rate over
    /// the event's size on the wire (payload + ~100 B of SSE and chunk framing), `stalled` with its
    /// default stop; `reconnecting` reads as `fast` (reconnects are not simulated).
    static func readers(_ mix: ProfileMix, payloadBytes: Int) -> [SimulationModel.ConsumerShare] {
        let generator = LoadConfiguration(mode: .sse, url: "http://unused")
        return mix.entries.map { e in
            switch e.profile {
            case .fast, .reconnecting: return .init(.fast, weight: e.weight)
            case .slow:
                let rate = Double(generator.slow.bytesPerSecond) / Double(payloadBytes + 100)
                return .init(.slow(eventsPerSecond: rate), weight: e.weight)
            case .stalled:
                return .init(.stalled(after: generator.stall.after, length: generator.stall.length), weight: e.weight)
            }
        }
    }

    /// The result under the catalog's names.
    static func metrics(_ r: SimulationResult) -> [String: Double] {
        var m: [PhaseMetric: Double] = [
            .updatesPerSecond: r.updatesPerSecond, .streamsPerSecond: r.streamsPerSecond,
            .lockTimeouts: Double(r.lockTimeouts), .updateErrors: Double(r.updateErrors),
            .lockAcquisitions: Double(r.lockAcquisitions), .redisPoolErrors: Double(r.redisPoolErrors),
            .redisPoolWaits: Double(r.redisPoolWaits), .redisPoolTimeouts: Double(r.redisPoolTimeouts),
            .dbPoolWaits: Double(r.databasePoolWaits), .dbPoolTimeouts: Double(r.databasePoolTimeouts),
            .bufferedMaxMb: r.bufferedMaxBytes / 1_048_576,
        ]
        m[.lockWaitP50Ms] = r.lockWaitP50Ms
        m[.lockWaitP99Ms] = r.lockWaitP99Ms
        m[.lockWaitMeanMs] = r.lockWaitMeanMs
        m[.lockWaitMaxMs] = r.lockWaitMaxMs
        m[.lockHoldP50Ms] = r.lockHoldP50Ms
        m[.lockHoldP99Ms] = r.lockHoldP99Ms
        m[.lockAttemptsPerAcquisition] = r.lockAttemptsPerAcquisition
        if let u = r.cpuUtilization { m[.machineCpuPercent] = u * 100 }
        return Dictionary(uniqueKeysWithValues: m.map { ($0.key.rawValue, $0.value) })
    }

    /// `scaling_efficiency` per group and hot set, against the smallest fleet simulated.
    static func addEfficiency(_ points: inout [Point]) {
        let key = PhaseMetric.updatesPerSecond.rawValue
        for (_, indices) in Dictionary(grouping: points.indices, by: { "\(points[$0].group)|\(points[$0].sessions)" }) {
            guard let base = indices.min(by: { points[$0].instances < points[$1].instances }),
                let x1 = points[base].metrics[key], x1 > 0
            else { continue }
            let n1 = Double(points[base].instances)
            for i in indices {
                points[i].metrics[PhaseMetric.scalingEfficiency.rawValue] =
                    (points[i].metrics[key] ?? 0) / (Double(points[i].instances) / n1 * x1)
            }
        }
    }

    // MARK: - Text

    public var text: String {
        var out =
            "Simulated from \(source) (\(Int(options.durationSeconds)) s simulated per point, seed \(options.seed), CPU \(options.cpu.rawValue))\n"
        for cal in calibrations {
            out += "\n## \(cal.group) (\(cal.profile)): calibrated on \(cal.calibratedOn.joined(separator: ", "))\n"
            for n in cal.notes { out += "  \(n)\n" }
        }
        out += "\n## Predictions\n"
        out += Self.row([
            "group", "sessions", "instances", "updates/s", "efficiency", "wait p50 ms", "wait p99 ms", "timeouts",
            "pool errors",
        ])
        for p in points {
            func v(_ m: PhaseMetric, _ f: String = "%.1f") -> String {
                p.metrics[m.rawValue].map { String(format: f, $0) } ?? "-"
            }
            let poolErrors =
                (p.metrics[PhaseMetric.redisPoolErrors.rawValue] ?? 0)
                + (p.metrics[PhaseMetric.dbPoolTimeouts.rawValue] ?? 0)
            out += Self.row([
                p.group, "\(p.sessions)", "\(p.instances)", v(.updatesPerSecond), v(.scalingEfficiency, "%.2f"),
                v(.lockWaitP50Ms), v(.lockWaitP99Ms), v(.lockTimeouts, "%.0f"), String(format: "%.0f", poolErrors),
            ])
        }
        out +=
            "\n## Validation: measured points not calibrated on (goal: throughput within 10 %, lock-wait p99 within 25 %)\n"
        if validation.isEmpty {
            out += "  not measured: the report has no fleet larger than the two calibrated on\n"
        } else {
            out += Self.row([
                "phase", "updates/s measured", "simulated", "error", "wait p99 measured", "simulated", "error", "goal",
                "in 95% CI",
            ])
            for c in validation {
                func pct(_ e: Double?) -> String { e.map { String(format: "%+.1f %%", $0 * 100) } ?? "-" }
                func ms(_ v: Double?) -> String { v.map { String(format: "%.1f", $0) } ?? "-" }
                out += Self.row([
                    c.phase, String(format: "%.1f", c.measuredUpdatesPerSecond),
                    String(format: "%.1f", c.simulatedUpdatesPerSecond),
                    pct(c.throughputError), ms(c.measuredLockWaitP99Ms), ms(c.simulatedLockWaitP99Ms),
                    pct(c.lockWaitP99Error),
                    c.withinGoal ? "met" : "missed", c.insideMeasuredIntervals.map { $0 ? "yes" : "no" } ?? "-",
                ])
            }
            let worstX = validation.map { abs($0.throughputError) }.max() ?? 0
            let worstW = validation.compactMap { $0.lockWaitP99Error.map(abs) }.max() ?? 0
            out += String(
                format:
                    "  %d of %d points within the goal; worst throughput error %.1f %%, worst lock-wait p99 error %.1f %%\n",
                validationWithinGoal, validation.count, worstX * 100, worstW * 100)
            let judged = validation.compactMap(\.insideMeasuredIntervals)
            if !judged.isEmpty {
                out +=
                    "  \(judged.filter { $0 }.count) of \(judged.count) simulated points inside the measured points' own 95 % intervals (throughput and p99; batch means over each window)\n"
            }
        }
        return out
    }

    static func row(_ cells: [String]) -> String {
        "  "
            + cells.enumerated().map { i, c in
                i == 0
                    ? c.padding(toLength: max(22, c.count), withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: max(0, 11 - c.count)) + c
            }.joined(separator: " ") + "\n"
    }
}
