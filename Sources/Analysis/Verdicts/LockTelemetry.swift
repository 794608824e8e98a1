import ServerConfig

/// What the fleet's merged lock logs (``LockLogRecord``) say about a phase's lock, beyond the
/// counters: whether the lock sat free while someone slept in a backoff (protocol waste), whether
/// acquisitions overtook earlier waiters (barging, the tail's cause), and exact wait and hold
/// percentiles. Stamps are taken by the servers around their Redis calls, so each interval is good
/// to about one Redis round trip. Pure: tested on synthetic records.
public enum LockTelemetry {
    public struct Result: Sendable, Equatable {
        public var acquisitions = 0
        public var gaveUp = 0
        /// Seconds, summed over sessions, during which at least one waiter waited.
        public var contendedSeconds = 0.0
        /// Of those, seconds during which nobody held the lock.
        public var freeWhileWaitingSeconds = 0.0
        /// Acquisitions made while a waiter that arrived earlier was still waiting.
        public var overtakes = 0
        public var waitsMs: [Double] = []
        public var holdsMs: [Double] = []

        public var freeWhileWaitingShare: Double? {
            contendedSeconds > 0 ? freeWhileWaitingSeconds / contendedSeconds : nil
        }
        public var bargingShare: Double? { acquisitions > 0 ? Double(overtakes) / Double(acquisitions) : nil }
    }

    /// Over the records that arrived in `[from, until)` (µs), counting time inside that window only;
    /// earlier arrivals still count as waiters that can be overtaken.
    public static func compute(_ records: [LockLogRecord], from: Int64, until: Int64) -> Result {
        var r = Result()
        for (_, rs) in Dictionary(grouping: records, by: \.session) {
            let sorted = rs.sorted { $0.arrived < $1.arrived }
            var earliestWaitersEnd = Int64.min
            for x in sorted {
                let waitEnd = x.acquired ?? x.ended
                let counted = x.arrived >= from && x.arrived < until
                if counted {
                    if let a = x.acquired {
                        r.acquisitions += 1
                        if earliestWaitersEnd > a { r.overtakes += 1 }
                        r.waitsMs.append(Double(a - x.arrived) / 1000)
                        r.holdsMs.append(Double(x.ended - a) / 1000)
                    } else {
                        r.gaveUp += 1
                    }
                }
                earliestWaitersEnd = max(earliestWaitersEnd, waitEnd)
            }
            let waiting = union(sorted.map { ($0.arrived, $0.acquired ?? $0.ended) }, from: from, until: until)
            let held = union(sorted.compactMap { x in x.acquired.map { ($0, x.ended) } }, from: from, until: until)
            let contended = length(waiting)
            r.contendedSeconds += Double(contended) / 1e6
            r.freeWhileWaitingSeconds += Double(contended - overlap(waiting, held)) / 1e6
        }
        r.waitsMs.sort()
        r.holdsMs.sort()
        return r
    }

    /// The phase metrics this gives (lock_wait_* exact, replacing the histogram's interpolation).
    public static func metrics(_ r: Result) -> [String: Double] {
        var m: [String: Double] = [:]
        m[PhaseMetric.lockAcquisitions.rawValue] = Double(r.acquisitions)
        if let s = r.freeWhileWaitingShare { m[PhaseMetric.lockFreeWhileWaitingShare.rawValue] = s }
        if let s = r.bargingShare { m[PhaseMetric.lockBargingShare.rawValue] = s }
        if let v = quantile(r.waitsMs, 0.5) { m[PhaseMetric.lockWaitP50Ms.rawValue] = v }
        if let v = quantile(r.waitsMs, 0.99) { m[PhaseMetric.lockWaitP99Ms.rawValue] = v }
        if let v = r.waitsMs.last { m[PhaseMetric.lockWaitMaxMs.rawValue] = v }
        if let v = quantile(r.holdsMs, 0.5) { m[PhaseMetric.lockHoldP50Ms.rawValue] = v }
        if let v = quantile(r.holdsMs, 0.99) { m[PhaseMetric.lockHoldP99Ms.rawValue] = v }
        return m
    }

    /// Nearest-rank quantile of sorted values.
    static func quantile(_ sorted: [Double], _ q: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// Sorted, disjoint intervals covering the given ones, clipped to `[from, until)`.
    static func union(_ intervals: [(Int64, Int64)], from: Int64, until: Int64) -> [(Int64, Int64)] {
        var out: [(Int64, Int64)] = []
        for (a, b) in intervals.map({ (max($0.0, from), min($0.1, until)) }).filter({ $0.0 < $0.1 }).sorted(by: {
            $0.0 < $1.0
        }) {
            if let last = out.last, a <= last.1 {
                out[out.count - 1].1 = max(last.1, b)
            } else {
                out.append((a, b))
            }
        }
        return out
    }

    static func length(_ xs: [(Int64, Int64)]) -> Int64 { xs.reduce(0) { $0 + $1.1 - $1.0 } }

    /// Length of the intersection of two sorted disjoint interval lists.
    static func overlap(_ a: [(Int64, Int64)], _ b: [(Int64, Int64)]) -> Int64 {
        var i = 0, j = 0, total: Int64 = 0
        while i < a.count, j < b.count {
            let lo = max(a[i].0, b[j].0), hi = min(a[i].1, b[j].1)
            if hi > lo { total += hi - lo }
            if a[i].1 < b[j].1 { i += 1 } else { j += 1 }
        }
        return total
    }
}
