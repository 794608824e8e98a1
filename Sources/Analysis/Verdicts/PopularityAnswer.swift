import Foundation

/// What limits a popularity sweep (`hot-set: 1,4,16,64` × `instances:` × one group per strategy),
/// computed from the measurements, never written by hand: per strategy, the hot-set size at which
/// the scaling efficiency of the largest fleet falls below 50 %, and whether the limit there is
/// per-session serialization (throughput near hot set / time held), the lock protocol (the lock
/// free while waiters slept, many attempts per acquisition) or the machine (CPU past the limit).
public enum PopularityAnswer {
    public enum Limit: String, Sendable, Equatable {
        case serialization = "per-session serialization"
        case lockProtocol = "the lock protocol's overhead"
        case machine = "the machine"
        case undetermined = "not determined"
    }

    public struct Point: Sendable, Equatable {
        public var instances: Int
        public var hotSet: Int
        public var efficiency: Double?
        public var efficiencyInterval: ConfidenceInterval?
        public var updatesPerSecond: Double?
        public var machineCPUPercent: Double?
        public var saturated: Bool
    }

    public struct Strategy: Sendable, Equatable {
        public var name: String
        public var profile: String
        public var points: [Point]
        public var largestFleet: Int
        public var hotSets: [Int]
        public var instanceCounts: [Int]
        /// The largest hot set at which the largest fleet's efficiency is below 50 %; nil: none is.
        public var collapsesAtHotSet: Int?
        public var limit: Limit
        public var sentence: String
        /// The hottest point at the largest fleet: its tail, to compare the strategies by.
        public var hottest: Hottest?

        public func point(instances: Int, hotSet: Int) -> Point? {
            points.first { $0.instances == instances && $0.hotSet == hotSet }
        }
    }

    /// The wait's tail where contention is worst (smallest hot set, largest fleet).
    public struct Hottest: Sendable, Equatable {
        public var hotSet: Int
        public var instances: Int
        public var updatesPerSecond: Double?
        public var waitP99Ms: Double?
        public var timeouts: Double?
        public var bargingShare: Double?
    }

    /// One sentence comparing the strategies at their hottest point (same hot set and fleet):
    /// throughput, the wait's p99, timeouts, and which has the lowest tail. Nil with fewer than
    /// two strategies measured there.
    public static func comparison(_ strategies: [Strategy]) -> String? {
        let hot = strategies.compactMap { s in s.hottest.map { (s.name, $0) } }
        guard hot.count >= 2, let first = hot.first?.1,
            hot.allSatisfy({ $0.1.hotSet == first.hotSet && $0.1.instances == first.instances })
        else { return nil }
        func n(_ v: Double?, _ f: String) -> String { v.map { String(format: f, $0) } ?? "n/a" }
        var text =
            "At the hottest point (\(first.hotSet) hot session\(first.hotSet == 1 ? "" : "s"), \(first.instances) instances): "
        text +=
            hot.map { name, h in
                "\(name) \(n(h.updatesPerSecond, "%.0f")) updates/s, wait p99 \(n(h.waitP99Ms, "%.0f")) ms, \(n(h.timeouts, "%.0f")) timeouts"
                    + (h.bargingShare.map { String(format: ", %.0f %% barging", $0 * 100) } ?? "")
            }.joined(separator: "; ") + "."
        let tails = hot.compactMap { name, h in h.waitP99Ms.map { (name, $0) } }
        if let best = tails.min(by: { $0.1 < $1.1 }), let worst = tails.max(by: { $0.1 < $1.1 }), best.1 > 0,
            best.0 != worst.0
        {
            text += String(format: " The lowest tail is %@'s, %.1f× below %@'s", best.0, worst.1 / best.1, worst.0)
            let rates = hot.compactMap(\.1.updatesPerSecond)
            if let lo = rates.min(), let hi = rates.max(), lo > 0 {
                text += String(format: "; throughput differs by %.0f %% between them all", (hi / lo - 1) * 100)
            }
            text += "."
        }
        return text
    }

    /// The share of the per-session ceiling (hot set / time held) at or above which throughput is
    /// called serialised; the free-while-waiting share and attempts past which the protocol is.
    static let serializationShare = 0.8
    static let wasteShare = 0.25
    static let wastefulAttempts = 3.0

    public static func analyse(_ phases: [PhaseResult]) -> [Strategy] {
        let bases = Array(Set(phases.compactMap(\.popularity))).sorted()
        return bases.compactMap { base in
            let members = phases.filter { $0.popularity == base && $0.hotSet != nil }
            guard Set(members.compactMap(\.hotSet)).count >= 2, let n = members.map(\.instances).max() else {
                return nil
            }
            let points = members.map { p in
                Point(
                    instances: p.instances, hotSet: p.hotSet!, efficiency: p.metrics[.scalingEfficiency],
                    efficiencyInterval: p.intervals?[PhaseMetric.scalingEfficiency.rawValue],
                    updatesPerSecond: p.metrics[.updatesPerSecond], machineCPUPercent: p.metrics[.machineCpuPercent],
                    saturated: p.validity.contains { $0.contains("saturated") })
            }
            let hotSets = Array(Set(points.map(\.hotSet))).sorted()
            let largest = members.filter { $0.instances == n }.sorted { $0.hotSet! < $1.hotSet! }
            let below = largest.filter { ($0.metrics[.scalingEfficiency] ?? 1) < 0.5 }
            let collapse = below.map { $0.hotSet! }.max()
            let hottest = largest.first
            let (limit, why) = hottest.map(classify) ?? (.undetermined, "no point at the largest fleet")
            func e(_ p: PhaseResult) -> String {
                p.metrics[.scalingEfficiency].map { String(format: "%.2f", $0) } ?? "n/a"
            }
            var s = "**\(base)** (\(members.first?.profile ?? "")): at \(n) instances "
            if let collapse {
                let above = largest.first { $0.hotSet! > collapse }
                s +=
                    "the scaling efficiency falls below 50 % at a hot set of \(collapse) session\(collapse == 1 ? "" : "s")\(collapse == hotSets.first ? ", the hottest measured," : " or fewer") (\(e(below.last!)) at \(collapse)"
                    + (above.map { "; \(e($0)) at \($0.hotSet!)" } ?? "") + ")."
            } else {
                s += "the scaling efficiency stays at or above 50 % at every hot set measured"
                s += hottest.map { " (\(e($0)) at \($0.hotSet!))." } ?? "."
            }
            s += " At the hottest point the limit is \(limit.rawValue): \(why)."
            return Strategy(
                name: base, profile: members.first?.profile ?? "", points: points, largestFleet: n, hotSets: hotSets,
                instanceCounts: Array(Set(points.map(\.instances))).sorted(), collapsesAtHotSet: collapse,
                limit: limit, sentence: s,
                hottest: hottest.map { p in
                    Hottest(
                        hotSet: p.hotSet!, instances: n, updatesPerSecond: p.metrics[.updatesPerSecond],
                        waitP99Ms: p.metrics[.lockWaitP99Ms], timeouts: p.metrics[.lockTimeouts],
                        bargingShare: p.metrics[.lockBargingShare])
                })
        }
    }

    /// Why one point's throughput is what it is.
    static func classify(_ p: PhaseResult) -> (Limit, String) {
        let x = p.metrics[.updatesPerSecond]
        let cpu = p.metrics[.machineCpuPercent]
        if let problem = p.validity.first(where: { $0.contains("saturated") }) {
            return (.machine, problem)
        }
        let cpuText = cpu.map { String(format: "machine %.0f %% busy", $0) } ?? "machine CPU not measured"
        guard let x, let hold = p.metrics[.lockHoldP50Ms], hold > 0, let h = p.hotSet else {
            return (.undetermined, "throughput or hold time not measured; \(cpuText)")
        }
        let ceiling = Double(h) * 1000 / hold
        let share = x / ceiling
        let free = p.metrics[.lockFreeWhileWaitingShare]
        let attempts = p.metrics[.lockAttemptsPerAcquisition]
        let details =
            String(
                format: "%.0f updates/s against a ceiling of %d / %.1f ms held = %.0f/s (%.0f %%)", x, h, hold, ceiling,
                share * 100)
            + (free.map { String(format: "; the lock sat free %.0f %% of the time someone waited", $0 * 100) } ?? "")
            + (attempts.map { String(format: ", %.1f attempts per acquisition", $0) } ?? "") + "; \(cpuText)"
        if share >= serializationShare { return (.serialization, details) }
        if (free ?? 0) >= wasteShare || (attempts ?? 0) >= wastefulAttempts { return (.lockProtocol, details) }
        return (.undetermined, details)
    }
}
