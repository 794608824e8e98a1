/// A toxic, toxiproxy's unit of trouble on one direction (`stream`) of a proxy: `latency`
/// (attributes `latency` and `jitter`, milliseconds, fractions allowed) or `bandwidth` (attribute `rate`, KB/s),
/// applied to a connection with probability `toxicity`. Encodes as toxiproxy's JSON.
public struct Toxic: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable { case latency, bandwidth }

    public struct Attributes: Sendable, Codable, Equatable {
        public var latency: Double?
        public var jitter: Double?
        public var rate: Int?
        public init(latency: Double? = nil, jitter: Double? = nil, rate: Int? = nil) {
            self.latency = latency
            self.jitter = jitter
            self.rate = rate
        }
    }

    public var name: String
    public var type: Kind
    public var stream: TCPProxy.Direction
    public var toxicity: Double
    public var attributes: Attributes

    public init(
        name: String? = nil, type: Kind, stream: TCPProxy.Direction = .downstream, toxicity: Double = 1,
        attributes: Attributes
    ) {
        self.name = name ?? "\(type.rawValue)_\(stream.rawValue)"
        self.type = type
        self.stream = stream
        self.toxicity = toxicity
        self.attributes = attributes
    }

    enum CodingKeys: String, CodingKey { case name, type, stream, toxicity, attributes }

    /// toxiproxy's defaults: stream `downstream`, toxicity 1, name `TYPE_STREAM`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(Kind.self, forKey: .type)
        let stream = try c.decodeIfPresent(TCPProxy.Direction.self, forKey: .stream) ?? .downstream
        self.init(
            name: try c.decodeIfPresent(String.self, forKey: .name), type: type, stream: stream,
            toxicity: try c.decodeIfPresent(Double.self, forKey: .toxicity) ?? 1,
            attributes: try c.decodeIfPresent(Attributes.self, forKey: .attributes) ?? .init())
    }

    /// Why this toxic cannot be used, or nil.
    public var problem: String? {
        guard (0...1).contains(toxicity) else { return "toxicity \(toxicity) must be between 0 and 1" }
        switch type {
        case .latency:
            let l = attributes.latency ?? 0
            let j = attributes.jitter ?? 0
            if l < 0 || j < 0 { return "latency and jitter must not be negative (milliseconds)" }
            if j > l { return "jitter (\(j) ms) must not exceed latency (\(l) ms)" }
            if !l.isFinite || !j.isFinite { return "latency and jitter must be numbers of milliseconds" }
        case .bandwidth:
            guard let r = attributes.rate, r >= 1 else { return "bandwidth needs a rate of 1 KB/s or more" }
        }
        return nil
    }

    /// The toxics that make `profile` on `direction`.
    static func from(_ profile: LinkProfile, _ direction: TCPProxy.Direction) -> [Toxic] {
        var out: [Toxic] = []
        if profile.latency > .zero || profile.jitter > .zero {
            out.append(
                Toxic(
                    type: .latency, stream: direction,
                    attributes: .init(
                        latency: Double(profile.latency.nanoseconds) / 1e6,
                        jitter: Double(profile.jitter.nanoseconds) / 1e6)))
        }
        if let b = profile.bytesPerSecond {
            out.append(Toxic(type: .bandwidth, stream: direction, attributes: .init(rate: max(1, b / 1000))))
        }
        return out
    }

    /// The profile of `direction` for a connection with toxicity draw `draw`.
    static func profile(of toxics: [Toxic], direction: TCPProxy.Direction, draw: Double) -> LinkProfile {
        var p = LinkProfile()
        for t in toxics where t.stream == direction && t.toxicity > draw {
            switch t.type {
            case .latency:
                p.latency += .nanoseconds(Int64(((t.attributes.latency ?? 0) * 1e6).rounded()))
                p.jitter += .nanoseconds(Int64(((t.attributes.jitter ?? 0) * 1e6).rounded()))
            case .bandwidth:
                if let r = t.attributes.rate { p.bytesPerSecond = min(p.bytesPerSecond ?? Int.max, r * 1000) }
            }
        }
        return p
    }
}
