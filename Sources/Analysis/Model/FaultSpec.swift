import ServerConfig

/// One planned fault on a phase's timeline (`faults:`): what is done, to what, when, and for how
/// long. `every` repeats it until the phase ends, so a rare outcome (a paused lock holder) is
/// counted over many occurrences instead of hoped for once.
public struct FaultSpec: Sendable, Codable, Equatable, CustomStringConvertible {
    public enum Action: String, Sendable, Codable, CaseIterable {
        /// Redis stopped and started again on the same port (its data gone, as with `--save ""`).
        case redisRestart = "redis-restart"
        /// PostgreSQL stopped (fast shutdown, or SIGKILL with `mode: kill`) and started on its data.
        case postgresRestart = "postgres-restart"
        /// SIGKILL to one server instance; with `for:`, started again after that long.
        case killInstance = "kill-instance"
        /// SIGTERM to one instance (its graceful shutdown), then started again on the same port.
        case restartInstance = "restart-instance"
        /// SIGSTOP to one instance for `for:`, then SIGCONT (a GC pause, a VM migration).
        case pauseInstance = "pause-instance"
        /// A link down for `for:`: new connections refused, open ones cut.
        case linkDown = "link-down"
        /// A link's added latency changed to `latency:` for `for:`.
        case latency
    }

    /// How a service restart stops it.
    public enum Mode: String, Sendable, Codable, CaseIterable {
        case graceful, kill
    }

    /// When a fault fires: at its time, or (for `pause-instance`) as soon after it as the instance
    /// is inside an update, between its session read and its write (`when: mid-update`, waiting up
    /// to 5 s): Kleppmann's paused lock holder, made deterministic.
    public enum Trigger: String, Sendable, Codable, CaseIterable {
        case atTime = "at-time"
        case midUpdate = "mid-update"
    }

    public var action: Action
    /// Seconds from the start of the load.
    public var at: Double
    /// Seconds the fault lasts: the pause, the link down, the changed latency, a killed instance's
    /// time dead, a restarted service's time down. Nil: instantaneous (a kill without `for:` stays dead).
    public var duration: Double?
    /// Repeat every this many seconds until the phase ends.
    public var every: Double?
    /// The instance (0-based) of instance faults.
    public var instance: Int = 0
    /// The link of `link-down` and `latency`: `redis`, `postgres` or `clients`.
    public var link: String?
    /// The latency a `latency` fault sets, seconds.
    public var latency: Double?
    public var mode: Mode = .graceful
    public var trigger: Trigger = .atTime

    public init(
        action: Action, at: Double, duration: Double? = nil, every: Double? = nil, instance: Int = 0,
        link: String? = nil, latency: Double? = nil, mode: Mode = .graceful, trigger: Trigger = .atTime
    ) {
        self.action = action
        self.at = at
        self.duration = duration
        self.every = every
        self.instance = instance
        self.link = link
        self.latency = latency
        self.mode = mode
        self.trigger = trigger
    }

    public var targetsInstance: Bool { [.killInstance, .restartInstance, .pauseInstance].contains(action) }
    public var targetsLink: Bool { [.linkDown, .latency].contains(action) }

    /// Faults whose loss of a process also loses that instance's counters (the lost-turn ledger).
    public var losesInstanceCounters: Bool { [.killInstance, .restartInstance].contains(action) }

    /// What it is done to: `instance 1`, `link redis`, `redis`, `postgres`.
    public var target: String {
        if targetsInstance { return "instance \(instance)" }
        if targetsLink { return "link \(link ?? "?")" }
        return action == .redisRestart ? "redis" : "postgres"
    }

    public var description: String {
        var parts = [action.rawValue, target]
        if action == .latency, let latency { parts.append("to +\(DurationText.format(latency))") }
        if [.redisRestart, .postgresRestart].contains(action), mode == .kill { parts.append("(SIGKILL)") }
        if let duration { parts.append("for \(DurationText.format(duration))") }
        return parts.joined(separator: " ")
    }

    /// The start times of every occurrence in a load of `loadSeconds`.
    public func occurrences(within loadSeconds: Double) -> [Double] {
        guard at < loadSeconds else { return [] }
        guard let every, every > 0 else { return [at] }
        return Array(stride(from: at, to: loadSeconds, by: every))
    }

    /// Why this fault cannot run in a phase of `phaseSeconds` with `instances` (nil: not known
    /// yet, an instance sweep), or nil.
    public func problem(phaseSeconds: Double, instances: Int?) -> String? {
        if at >= phaseSeconds {
            return "at \(DurationText.format(at)) is not inside the phase (\(DurationText.format(phaseSeconds)))"
        }
        let needsDuration: Set<Action> = [.pauseInstance, .linkDown, .latency]
        if needsDuration.contains(action), duration == nil { return "\(action.rawValue) needs `for:` (how long)" }
        if let duration, duration <= 0 { return "for: must be a duration > 0" }
        if targetsLink {
            guard let link else {
                return "\(action.rawValue) needs `link:` (one of \(NetworkSpec.linkNames.joined(separator: ", ")))"
            }
            if !NetworkSpec.linkNames.contains(link) {
                return "link '\(link)' is not one of \(NetworkSpec.linkNames.joined(separator: ", "))"
            }
        }
        if action == .latency, latency == nil { return "latency needs `latency:` (the value it changes to, like 50ms)" }
        if targetsInstance, let instances, instance >= instances {
            return "instance \(instance) does not exist: the phase runs \(instances) (0 to \(instances - 1))"
        }
        if trigger == .midUpdate, action != .pauseInstance { return "when: mid-update applies to pause-instance only" }
        if let every {
            if every <= (duration ?? 0) {
                return
                    "every (\(DurationText.format(every))) must exceed for (\(DurationText.format(duration ?? 0))): occurrences would overlap"
            }
        }
        return nil
    }
}
