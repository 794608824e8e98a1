import Foundation
import ServerConfig

/// Within-run replicates: the measured window cut into ``batches`` consecutive batches, each
/// measured alone by the same code as the whole window (``PhaseMetricsCalculator``,
/// ``LockTelemetry``), and a 95 % interval per metric over the batch values (batch means). A batch
/// of a few seconds holds many lock waits and stream ends, so consecutive batches are nearly
/// independent; a process slower than a batch (waits near a 5 s timeout) makes the interval too
/// narrow, which is what repeats are for.
public enum BatchMeans {
    public static let batches = 5
    /// A batch shorter than this, or with fewer samples, gives no interval.
    public static let minimumBatchSeconds = 1.5
    public static let minimumSamplesPerBatch = 3

    /// How a metric of one batch relates to the whole window's.
    enum Kind {
        /// A rate, latency or share: the window's value is about the batches' mean.
        case intensive
        /// A count over the window: the batches add up to it.
        case total
    }

    /// Shares cannot leave [0, 1]; nothing replicated is negative: the bounds are clipped so.
    static let shares: Set<PhaseMetric> = [.lockFreeWhileWaitingShare, .lockBargingShare]

    static let replicated: [PhaseMetric: Kind] = [
        .updatesPerSecond: .intensive, .lockWaitMeanMs: .intensive, .lockWaitP50Ms: .intensive,
        .lockWaitP99Ms: .intensive, .redisCommandsPerUpdate: .intensive, .lockAttemptsPerAcquisition: .intensive,
        .lockCommandsPerAcquisition: .intensive, .lockFreeWhileWaitingShare: .intensive,
        .lockBargingShare: .intensive, .lockHoldP50Ms: .intensive, .lockHoldP99Ms: .intensive,
        .machineCpuPercent: .intensive, .generatorCpuPercent: .intensive, .agentSlotsInUseMean: .intensive,
        .agentRunsBlockedMean: .intensive,
        .lockTimeouts: .total, .updateErrors: .total, .lockAcquisitions: .total, .lockFencedWrites: .total,
        .eventsProduced: .total, .eventsSent: .total, .slowConsumersCut: .total, .sessionCreateErrors: .total,
        .dbPoolTimeouts: .total,
    ]

    /// Intervals of the replicated metrics over the window `[warmup, duration]` (seconds of the
    /// samples' clock); `lockLog` (records and the window's start in µs) adds the lock telemetry's.
    /// Empty when the window is too short to cut.
    public static func intervals(
        samples: [Sample], warmup: Double, duration: Double, lockLog: (records: [LockLogRecord], start: Int64)?,
        limits: PhaseMetricsCalculator.Limits
    ) -> [String: ConfidenceInterval] {
        cut(samples: samples, warmup: warmup, duration: duration, lockLog: lockLog, limits: limits).intervals
    }

    /// The intervals, and what went wrong when a window long enough to cut had a batch with too
    /// few samples (the sampler was starved: the machine stalled, so the phase's numbers are suspect).
    /// A batch that overlaps a planned fault (`faults`: from and until, seconds of the samples'
    /// clock) may go short of samples for the fault's own reason (a paused instance answers no
    /// scrape): then there is no interval, and no problem either.
    public static func cut(
        samples: [Sample], warmup: Double, duration: Double, lockLog: (records: [LockLogRecord], start: Int64)?,
        limits: PhaseMetricsCalculator.Limits, faults: [ClosedRange<Double>] = []
    ) -> (intervals: [String: ConfidenceInterval], problem: String?) {
        let length = (duration - warmup) / Double(batches)
        guard length >= minimumBatchSeconds else { return ([:], nil) }
        var perBatch: [[String: Double]] = []
        var batchLimits = limits
        batchLimits.minSamples = minimumSamplesPerBatch
        for k in 0..<batches {
            let from = warmup + Double(k) * length
            let until = from + length
            let window = samples.filter { $0.t >= from - 1e-9 && $0.t <= until + 1e-9 }
            guard window.count >= minimumSamplesPerBatch else {
                if faults.contains(where: { $0.overlaps(from...until) }) { return ([:], nil) }
                return (
                    [:],
                    String(
                        format:
                            "the sampler took %d samples from %.1f s to %.1f s of the load (at least %d expected): the machine stalled, so no interval and no verdict",
                        window.count, from, until, minimumSamplesPerBatch)
                )
            }
            var m = PhaseMetricsCalculator.compute(samples: window, warmup: from, clients: [], limits: batchLimits)
                .metrics
            if let (records, start) = lockLog {
                let a = start + Int64((from - warmup) * 1e6), b = start + Int64((until - warmup) * 1e6)
                m.merge(LockTelemetry.metrics(LockTelemetry.compute(records, from: a, until: b))) { _, exact in exact }
            }
            perBatch.append(m)
        }
        var out: [String: ConfidenceInterval] = [:]
        for (metric, kind) in replicated {
            let values = perBatch.compactMap { $0[metric.rawValue] }
            guard values.count == batches,
                var i = ConfidenceInterval.of(values, method: .batchMeans, scale: kind == .total ? Double(batches) : 1)
            else { continue }
            i.low = max(0, i.low)
            if shares.contains(metric) { i.high = min(1, i.high) }
            out[metric.rawValue] = i
        }
        return (out, nil)
    }
}
