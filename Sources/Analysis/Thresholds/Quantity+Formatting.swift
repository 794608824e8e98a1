import Foundation

extension Quantity {
    /// A short human form in a convenient unit: `612ms`, `1.5s`, `48KiB`, `1.07KiB/s`, `120/s`,
    /// `0.0123`.
    public var formatted: String {
        let v = value
        guard v.isFinite else { return "\(v)" }
        switch dimension {
        case .none:
            return Self.number(v)
        case .seconds:
            let a = abs(v)
            if a == 0 { return "0s" }
            if a < 1e-3 { return Self.number(v * 1e6) + "us" }
            if a < 1 { return Self.number(v * 1e3) + "ms" }
            if a < 120 { return Self.number(v) + "s" }
            return Self.number(v / 60) + "min"
        case .bytes:
            return Self.bytes(v)
        case .bytesPerSecond:
            return Self.bytes(v) + "/s"
        case .perSecond:
            return Self.number(v) + "/s"
        }
    }

    private static func bytes(_ v: Double) -> String {
        let a = abs(v)
        let kib = 1024.0
        if a >= kib * kib * kib { return number(v / (kib * kib * kib)) + "GiB" }
        if a >= kib * kib { return number(v / (kib * kib)) + "MiB" }
        if a >= kib { return number(v / kib) + "KiB" }
        return number(v) + "B"
    }

    /// Up to 4 significant digits, no trailing zeros, no exponent for ordinary magnitudes.
    static func number(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) }
        let a = abs(v)
        if a >= 1e-4 && a < 1e15 {
            let decimals = max(0, 3 - Int(floor(log10(a))))
            var s = String(format: "%.\(decimals)f", v)
            if s.contains(".") {
                while s.hasSuffix("0") { s.removeLast() }
                if s.hasSuffix(".") { s.removeLast() }
            }
            return s
        }
        return String(format: "%.4g", v)
    }
}
