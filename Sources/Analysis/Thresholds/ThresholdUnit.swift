/// The units a threshold bound may carry, with their factor to the canonical unit
/// (seconds, bytes). Factors below one are stored as divisors so `3ms` is exactly `3/1000`.
enum ThresholdUnit {
    struct Factor {
        var multiplier: Double = 1
        var divisor: Double = 1
        func apply(_ v: Double) -> Double { v * multiplier / divisor }
    }

    static let time: [String: Factor] = [
        "ns": Factor(divisor: 1e9),
        "us": Factor(divisor: 1e6),
        "µs": Factor(divisor: 1e6),
        "ms": Factor(divisor: 1e3),
        "s": Factor(),
        "m": Factor(multiplier: 60),
        "min": Factor(multiplier: 60),
        "h": Factor(multiplier: 3600),
    ]

    static let size: [String: Factor] = [
        "B": Factor(),
        "KiB": Factor(multiplier: 1024),
        "MiB": Factor(multiplier: 1024 * 1024),
        "GiB": Factor(multiplier: 1024 * 1024 * 1024),
        "kB": Factor(multiplier: 1e3),
        "KB": Factor(multiplier: 1e3),
        "MB": Factor(multiplier: 1e6),
        "GB": Factor(multiplier: 1e9),
    ]

    /// For error messages.
    static let summary =
        "time ns, us, ms, s, m (or min), h; size B, KiB, MiB, GiB, kB, MB, GB; "
        + "per time: SIZE/TIME or N/TIME (e.g. 64KiB/min, 100/s); percent: 10%"
}
