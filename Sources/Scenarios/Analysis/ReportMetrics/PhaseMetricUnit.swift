/// The canonical unit of a ``MetricCatalog`` phase metric, read from its name's suffix, so a
/// threshold can write `phase.lock_wait_p99_ms[phase=p] < 500ms` and `generator_cpu_percent < 90%`.
///
/// | suffix | dimension | factor |
/// | --- | --- | --- |
/// | `_ms` | seconds | 0.001 |
/// | `_mb` | bytes | 1,048,576 (MiB) |
/// | `_kb` | bytes | 1,024 (KiB) |
/// | `_mb_per_s` | bytes per second | 1,048,576 |
/// | `_per_second`, `_per_s` | per second | 1 |
/// | `_percent` | none (a fraction) | 0.01 |
/// | anything else | none | 1 |
struct PhaseMetricUnit: Equatable {
    var dimension: MetricDimension
    /// Multiplies the report's number into the canonical unit.
    var scale: Double

    init(_ name: String) {
        switch name {
        case let n where n.hasSuffix("_mb_per_s"): (dimension, scale) = (.bytesPerSecond, 1_048_576)
        case let n where n.hasSuffix("_per_second") || n.hasSuffix("_per_s"): (dimension, scale) = (.perSecond, 1)
        case let n where n.hasSuffix("_ms"): (dimension, scale) = (.seconds, 0.001)
        case let n where n.hasSuffix("_mb"): (dimension, scale) = (.bytes, 1_048_576)
        case let n where n.hasSuffix("_kb"): (dimension, scale) = (.bytes, 1024)
        case let n where n.hasSuffix("_percent"): (dimension, scale) = (.none, 0.01)
        default: (dimension, scale) = (.none, 1)
        }
    }
}
