/// When the n-th arrival of an open-model run is due: a constant or linearly ramping rate.
///
/// With rate r(t) = a + (b - a) t / T, the cumulative count is N(t) = a t + (b - a) t² / (2T);
/// arrival n (0-based) is due when N(t) = n. Pure; the engine uses it to time requests from their
/// intended start, so queueing in the generator or the server shows in the latency.
public struct ArrivalSchedule: Sendable, Equatable {
    public var rate: Rate
    /// Seconds over which a ramp goes from `rate.start` to `rate.end`.
    public var duration: Double

    public init(rate: Rate, duration: Double) {
        self.rate = rate
        self.duration = duration
    }

    /// Seconds from the run start at which arrival `n` is due, or nil if it falls after `duration`.
    public func offset(ofArrival n: Int) -> Double? {
        let a = rate.start
        let b = rate.end
        let count = Double(n)
        let t: Double
        if a == b || duration <= 0 {
            t = count / a
        } else {
            let k = (b - a) / (2 * duration)
            // k t² + a t - n = 0  →  t = (-a + sqrt(a² + 4 k n)) / (2k)
            let disc = a * a + 4 * k * count
            guard disc >= 0 else { return nil }
            t = (-a + disc.squareRoot()) / (2 * k)
        }
        guard t.isFinite, t >= 0, t < duration else { return nil }
        return t
    }

    /// Total arrivals in the run.
    public var expectedCount: Double {
        (rate.start + rate.end) / 2 * duration
    }
}
