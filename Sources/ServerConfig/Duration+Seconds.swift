extension Duration {
    /// The duration in seconds, as a Double.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// A duration from seconds given as a Double.
    public static func secondsDouble(_ s: Double) -> Duration {
        .nanoseconds(Int64((s * 1e9).rounded()))
    }
}
