import Foundation

/// Durations in scenario files and on the command line: `250ms`, `15s`, `2m`, `1h`, `500us`, or a
/// bare number of seconds.
public enum DurationText {
    public static func seconds(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("ms", 0.001), ("us", 0.000_001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where t.hasSuffix(suffix) {
            guard let v = Double(t.dropLast(suffix.count)), v.isFinite, v >= 0, (v * scale).isFinite else { return nil }
            return v * scale
        }
        guard let v = Double(t), v.isFinite, v >= 0 else { return nil }
        return v
    }

    /// `0.25` → `250ms`, `15` → `15s`.
    public static func format(_ seconds: Double) -> String {
        if seconds < 1, seconds > 0 { return "\(Int((seconds * 1000).rounded()))ms" }
        // Whole seconds as an integer, unless too large for one (a fuzzed `at: 9e128s` crashed here).
        return seconds == seconds.rounded() && seconds < 1e15 ? "\(Int(seconds))s" : "\(seconds)s"
    }
}
