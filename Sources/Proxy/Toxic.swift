/// A toxic, toxiproxy's unit of trouble on one direction (`stream`) of a proxy, applied to a
/// connection with probability `toxicity`; encodes as toxiproxy's JSON. Times are milliseconds
/// (fractions allowed):
/// - `latency` (`latency`, `jitter`): each chunk waits latency ± jitter;
/// - `bandwidth` (`rate`, KB/s): at most that many bytes per second;
/// - `timeout` (`timeout`): nothing gets through; the connection is closed `timeout` after the
///   first chunk it stopped (0: never, a black hole);
/// - `reset_peer` (`timeout`): the connection is reset (TCP RST) `timeout` after its first chunk
///   in this direction;
/// - `slow_close` (`delay`): the other side is closed only `delay` after this side closed;
/// - `limit_data` (`bytes`): the connection is closed once that many bytes went this way.
public struct Toxic: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case latency, bandwidth, timeout
        case resetPeer = "reset_peer"
        case slowClose = "slow_close"
        case limitData = "limit_data"
    }

    public struct Attributes: Sendable, Codable, Equatable {
        public var latency: Double?
        public var jitter: Double?
        public var rate: Int?
        public var timeout: Double?
        public var delay: Double?
        public var bytes: Int?
        public init(
            latency: Double? = nil, jitter: Double? = nil, rate: Int? = nil, timeout: Double? = nil,
            delay: Double? = nil, bytes: Int? = nil
        ) {
            self.latency = latency
            self.jitter = jitter
            self.rate = rate
            self.timeout = timeout
            self.delay = delay
            self.bytes = bytes
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
        case .timeout, .resetPeer:
            let t = attributes.timeout ?? 0
            if t < 0 || !t.isFinite { return "\(type.rawValue) needs a timeout of 0 or more milliseconds" }
        case .slowClose:
            let d = attributes.delay ?? 0
            if d < 0 || !d.isFinite { return "slow_close needs a delay of 0 or more milliseconds" }
        case .limitData:
            guard let b = attributes.bytes, b >= 0 else { return "limit_data needs bytes: 0 or more" }
        }
        return nil
    }

    /// The toxics that make `profile` on `direction`, named toxiproxy's way (`latency_downstream`,
    /// `bandwidth_downstream`).
    public static func from(_ profile: LinkProfile, _ direction: TCPProxy.Direction) -> [Toxic] {
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

    /// The latency, jitter and bandwidth of `direction` for a connection with toxicity draw `draw`.
    static func profile(of toxics: [Toxic], direction: TCPProxy.Direction, draw: Double) -> LinkProfile {
        effects(of: toxics, direction: direction, draw: draw).profile
    }

    /// What the toxics of `direction` do to a connection with toxicity draw `draw`.
    static func effects(of toxics: [Toxic], direction: TCPProxy.Direction, draw: Double) -> ToxicEffects {
        var e = ToxicEffects()
        func ms(_ v: Double?) -> Duration { .nanoseconds(Int64(((v ?? 0) * 1e6).rounded())) }
        for t in toxics where t.stream == direction && t.toxicity > draw {
            switch t.type {
            case .latency:
                e.profile.latency += ms(t.attributes.latency)
                e.profile.jitter += ms(t.attributes.jitter)
            case .bandwidth:
                if let r = t.attributes.rate {
                    e.profile.bytesPerSecond = min(e.profile.bytesPerSecond ?? Int.max, r * 1000)
                }
            case .timeout: e.timeout = min(e.timeout ?? .seconds(1 << 40), ms(t.attributes.timeout))
            case .resetPeer: e.resetAfter = min(e.resetAfter ?? .seconds(1 << 40), ms(t.attributes.timeout))
            case .slowClose: e.closeDelay = max(e.closeDelay ?? .zero, ms(t.attributes.delay))
            case .limitData: e.byteLimit = min(e.byteLimit ?? Int.max, t.attributes.bytes ?? 0)
            }
        }
        return e
    }
}

/// The toxics of one direction as they apply to one connection.
struct ToxicEffects: Equatable {
    /// Latency, jitter and bandwidth.
    var profile = LinkProfile()
    /// Drop everything; close after this long (zero: never).
    var timeout: Duration?
    /// Reset the connection this long after its first chunk.
    var resetAfter: Duration?
    /// Close the other side only this long after this side closed.
    var closeDelay: Duration?
    /// Close the connection once this many bytes went this way.
    var byteLimit: Int?
}
