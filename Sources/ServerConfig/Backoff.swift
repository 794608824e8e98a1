import ServerConfig

/// Retry delays of a lock strategy, as a pure value: deterministic for a given seed, so the
/// schedules can be tested without clocks.
public struct Backoff: Sendable {
    public let strategy: LockStrategy
    public let initial: Duration
    public let cap: Duration
    private var attempt = 0
    private var current: Duration
    private var previous: Duration
    private var random: SplitMix64

    public init(strategy: LockStrategy, initial: Duration, cap: Duration, seed: UInt64) {
        self.strategy = strategy
        self.initial = initial
        self.cap = cap
        current = initial
        previous = initial
        random = SplitMix64(seed: seed)
    }

    /// The delay before the next attempt.
    public mutating func nextDelay() -> Duration {
        defer { attempt += 1 }
        switch strategy {
        case .exponential:
            let d = current
            current = min(current * 2, cap)
            return d
        case .exponentialJitter:
            let d = current * (1 + random.uniform(-0.1, 0.1))
            current = min(current * 2, cap)
            return d
        case .fullJitter, .optimistic:
            let ceiling = min(cap, initial * Double(1 << min(attempt, 30)))
            return ceiling * random.uniform(0, 1)
        case .fair:
            // Waiters are woken by the releaser; this is only the poll when a wake-up is lost.
            return cap
        case .decorrelatedJitter:
            let upper = max(initial, min(cap, previous * 3))
            let d = initial + (upper - initial) * random.uniform(0, 1)
            previous = d
            return min(d, cap)
        }
    }
}

/// A small, fast, seedable generator (Steele, Lea, Flood 2014). Not for cryptography.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [a, b).
    public mutating func uniform(_ a: Double, _ b: Double) -> Double {
        a + (b - a) * Double(next() >> 11) * 0x1.0p-53
    }
}
