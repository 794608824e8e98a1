/// One run of a repeated phase, as the report keeps it.
public struct PhaseRepeat: Sendable, Codable, Equatable {
    public var metrics: [String: Double]
    public var validity: [String]
    public var complete: Bool
    public var wallSeconds: Double

    public init(metrics: [String: Double], validity: [String], complete: Bool, wallSeconds: Double) {
        self.metrics = metrics
        self.validity = validity
        self.complete = complete
        self.wallSeconds = wallSeconds
    }
}

/// A phase run `n` times becomes one result: each metric the mean over the repeats that measured
/// it and, when all did, its 95 % interval over them (Student's t, `method: .repeats`), which
/// replaces the batch-means interval (whole repeats are independent; batches of one window are
/// only nearly so, and a process slower than a batch makes them too narrow). A repeat's validity
/// problems and error stay, marked with its number; the phase is complete when every repeat was.
public enum RepeatMerge {
    public static func merge(_ runs: [PhaseResult]) -> PhaseResult? {
        guard var merged = runs.first else { return nil }
        guard runs.count > 1 else { return merged }
        let names = Set(runs.flatMap(\.metrics.keys))
        var metrics: [String: Double] = [:]
        var intervals: [String: ConfidenceInterval] = [:]
        for name in names {
            let values = runs.compactMap { $0.metrics[name] }
            guard !values.isEmpty else { continue }
            metrics[name] = values.reduce(0, +) / Double(values.count)
            guard values.count == runs.count, var i = ConfidenceInterval.of(values, method: .repeats) else { continue }
            if values.allSatisfy({ $0 >= 0 }) { i.low = max(0, i.low) }
            if name.hasSuffix("_share"), values.allSatisfy({ $0 <= 1 }) { i.high = min(1, i.high) }
            intervals[name] = i
        }
        merged.metrics = metrics
        merged.intervals = intervals.isEmpty ? nil : intervals
        merged.validity = runs.enumerated().flatMap { k, r in r.validity.map { "repeat \(k + 1): \($0)" } }
        let partial = names.filter { name in runs.contains { $0.metrics[name] == nil } }
        if !partial.isEmpty {
            var notes = merged.notMeasured ?? [:]
            for name in partial where notes[name] == nil {
                let n = runs.filter { $0.metrics[name] != nil }.count
                notes[name] = "measured in \(n) of \(runs.count) repeats: the mean of those, no interval"
            }
            merged.notMeasured = notes
        }
        merged.complete = runs.allSatisfy(\.complete)
        if let (k, failed) = runs.enumerated().first(where: { !$0.element.complete }) {
            merged.error = "repeat \(k + 1): \(failed.error ?? "incomplete")"
        }
        merged.wallSeconds = runs.reduce(0) { $0 + $1.wallSeconds }
        merged.repeats = runs.map {
            PhaseRepeat(metrics: $0.metrics, validity: $0.validity, complete: $0.complete, wallSeconds: $0.wallSeconds)
        }
        return merged
    }
}
