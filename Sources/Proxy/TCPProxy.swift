import DequeModule
import NIOCore
import NIOPosix
import Synchronization

/// One proxied link, toxiproxy's model: it listens, connects every accepted client to the
/// upstream, and relays bytes both ways through a ``LinkProfile`` per direction (latency,
/// jitter, bandwidth), which can change while connections are open. Disabled, it is a link that
/// is down: it stops listening (new connections are refused) and cuts the open ones.
public final class TCPProxy: Sendable {
    public struct Configuration: Sendable, Equatable {
        public var name: String
        public var listenHost: String
        /// 0 picks a free port (see ``TCPProxy/port``).
        public var listenPort: Int
        public var upstreamHost: String
        public var upstreamPort: Int
        /// Client → upstream.
        public var upstream: LinkProfile
        /// Upstream → client.
        public var downstream: LinkProfile

        public init(
            name: String = "proxy", listenHost: String = "127.0.0.1", listenPort: Int = 0, upstreamHost: String,
            upstreamPort: Int, upstream: LinkProfile = .direct, downstream: LinkProfile = .direct
        ) {
            self.name = name
            self.listenHost = listenHost
            self.listenPort = listenPort
            self.upstreamHost = upstreamHost
            self.upstreamPort = upstreamPort
            self.upstream = upstream
            self.downstream = downstream
        }
    }

    public enum Direction: String, Sendable, Codable { case upstream, downstream }

    struct State {
        var configuration: Configuration
        /// What each direction does, toxiproxy's way; the configuration's profiles become the
        /// first toxics (`latency_downstream`, `bandwidth_upstream`, ...).
        var toxics: [Toxic]
        var enabled = true
        var listener: (any Channel)?
        var port = 0
        var connections: [ObjectIdentifier: any Channel] = [:]
        var accepted = 0
    }

    private let group: any EventLoopGroup
    private let state: Mutex<State>

    private init(configuration: Configuration, group: any EventLoopGroup) {
        self.group = group
        state = Mutex(
            State(
                configuration: configuration,
                toxics: Toxic.from(configuration.upstream, .upstream)
                    + Toxic.from(configuration.downstream, .downstream)))
    }

    /// `HOST:PORT` (port 0...65535; an empty host is 127.0.0.1), or nil.
    public static func endpoint(parsing text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        let host = String(text[..<colon])
        return (host.isEmpty ? "127.0.0.1" : host, port)
    }

    /// Starts listening; returns once the listening socket is bound.
    public static func start(_ configuration: Configuration, group: any EventLoopGroup) async throws -> TCPProxy {
        let proxy = TCPProxy(configuration: configuration, group: group)
        try await proxy.listen(port: configuration.listenPort)
        return proxy
    }

    /// The port it listens on.
    public var port: Int { state.withLock { $0.port } }
    public var configuration: Configuration { state.withLock { $0.configuration } }
    public var isEnabled: Bool { state.withLock { $0.enabled } }
    /// Connections accepted and relayed since the start.
    public var acceptedConnections: Int { state.withLock { $0.accepted } }

    /// Replaces every toxic by these profiles; chunks read from now on use them (open connections included).
    public func setProfiles(upstream: LinkProfile, downstream: LinkProfile) {
        state.withLock { $0.toxics = Toxic.from(upstream, .upstream) + Toxic.from(downstream, .downstream) }
    }

    /// The toxics in force, in the order they were added.
    public var toxics: [Toxic] { state.withLock { $0.toxics } }

    /// Adds a toxic; a toxic of the same name is replaced.
    public func add(_ toxic: Toxic) {
        state.withLock { s in
            if let i = s.toxics.firstIndex(where: { $0.name == toxic.name }) {
                s.toxics[i] = toxic
            } else {
                s.toxics.append(toxic)
            }
        }
    }

    /// Removes the toxic of this name; false when there was none.
    @discardableResult
    public func removeToxic(named name: String) -> Bool {
        state.withLock { s in
            guard let i = s.toxics.firstIndex(where: { $0.name == name }) else { return false }
            s.toxics.remove(at: i)
            return true
        }
    }

    /// What `direction` does to a connection whose toxicity draw is `draw` (a toxic applies to a
    /// connection when its toxicity exceeds the draw): latencies and jitters add up, the lowest
    /// bandwidth wins.
    func profile(_ direction: Direction, draw: Double = 0) -> LinkProfile { effects(direction, draw: draw).profile }

    /// Everything the toxics of `direction` do to a connection whose draw is `draw`.
    func effects(_ direction: Direction, draw: Double = 0) -> ToxicEffects {
        state.withLock { Toxic.effects(of: $0.toxics, direction: direction, draw: draw) }
    }

    /// Down: cuts every open connection, and resets each new one as soon as it is accepted (the
    /// port stays bound, so no other socket can take it while the link is down). Up: relays again.
    public func setEnabled(_ enabled: Bool) async throws {
        let open = state.withLock { s in
            defer {
                s.enabled = enabled
                if !enabled { s.connections = [:] }
            }
            return enabled || !s.enabled ? [] : Array(s.connections.values)
        }
        for c in open { c.close(promise: nil) }
    }

    /// Stops listening and closes every connection.
    public func stop() async {
        let listener = state.withLock { $0.listener }
        close()
        try? await listener?.closeFuture.get()
    }

    /// ``stop()`` without waiting for the sockets to close (for cleanup on every path).
    public func close() {
        let (listener, open) = state.withLock { s in
            defer {
                s.enabled = false
                s.listener = nil
                s.connections = [:]
            }
            return (s.listener, Array(s.connections.values))
        }
        listener?.close(promise: nil)
        for c in open { c.close(promise: nil) }
    }

    private func listen(port: Int) async throws {
        let (host, target) = state.withLock { ($0.configuration.listenHost, $0.configuration) }
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] inbound in
                self.connect(inbound, to: target)
            }
            .bind(host: host, port: port).get()
        state.withLock {
            $0.listener = channel
            $0.port = channel.localAddress?.port ?? port
        }
    }

    /// Connects an accepted client to the upstream and joins the two with a relay each way.
    private func connect(_ inbound: any Channel, to target: Configuration) -> EventLoopFuture<Void> {
        guard isEnabled else { return Self.reset(inbound) }
        // The upstream's relay is in its pipeline from the start, so an upstream that speaks first
        // (and may hang up at once) loses nothing; it writes to the client once that side is active.
        let down = NIOLoopBound(
            RelayHandler(direction: .downstream, partner: inbound, proxy: self, partnerReady: false),
            eventLoop: inbound.eventLoop)
        return ClientBootstrap(group: inbound.eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { outbound in
                outbound.eventLoop.makeCompletedFuture { try outbound.pipeline.syncOperations.addHandler(down.value) }
            }
            .connect(host: target.upstreamHost, port: target.upstreamPort)
            .flatMap { [self] outbound in
                // The link may have gone down while the upstream connect was in flight.
                guard self.isEnabled else {
                    outbound.close(promise: nil)
                    return Self.reset(inbound)
                }
                self.track(inbound, outbound)
                return inbound.eventLoop.makeCompletedFuture {
                    let up = RelayHandler(direction: .upstream, partner: outbound, proxy: self)
                    down.value.counterpart = up
                    up.counterpart = down.value
                    // The upstream's relay must outlive its channel: its queued bytes and its
                    // close still have to reach a client whose side became active later.
                    up.keep = down.value
                    try inbound.pipeline.syncOperations.addHandler(up)
                }
            }
    }

    /// Closes with an RST (SO_LINGER 0): what a client of a link that is down sees.
    static func reset(_ channel: any Channel) -> EventLoopFuture<Void> {
        guard let socket = channel as? any SocketOptionProvider else { return channel.close() }
        return socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).flatMap { channel.close() }
    }

    private func track(_ channels: any Channel...) {
        state.withLock { s in
            s.accepted += 1
            for c in channels { s.connections[ObjectIdentifier(c)] = c }
        }
        for c in channels {
            c.closeFuture.whenComplete { [self] _ in
                _ = self.state.withLock { $0.connections.removeValue(forKey: ObjectIdentifier(c)) }
            }
        }
    }
}

/// Relays what one channel reads to its partner, each chunk at its due time (``DeliverySchedule``),
/// in order. When the channel closes, the partner is closed once the queued chunks are out.
/// Backpressure passes through: nothing is written while the partner is not writable (its own
/// relay, the `counterpart`, says when it is again), and reading pauses while more than
/// `highWater` bytes wait, so a slow reader on one side slows the writer on the other.
final class RelayHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let direction: TCPProxy.Direction
    private let partner: any Channel
    private let proxy: TCPProxy
    private var schedule = DeliverySchedule()
    private var queue: Deque<(due: UInt64, buffer: ByteBuffer)> = []
    private var queuedBytes = 0
    private var drainPending = false
    private var closeWhenDrained = false
    private var paused = false
    /// How much may wait in the proxy before it stops reading: about what a link's socket
    /// buffers hold (1 MiB), so a slow reader is felt upstream, not hidden by an unrealistic
    /// backlog. A link with a bandwidth cap holds what it sends in ``bandwidthQueueSeconds``
    /// (16 KiB at least), as a router's queue does: else a slow link would swallow a whole
    /// agent run's output and the server would never see it was slow.
    static func highWater(_ profile: LinkProfile) -> Int {
        guard let rate = profile.bytesPerSecond, rate > 0 else { return 1 << 20 }
        return min(1 << 20, max(16 << 10, Int(Double(rate) * bandwidthQueueSeconds)))
    }
    static let bandwidthQueueSeconds = 0.2
    private var highWater = 1 << 20

    /// Whether the partner is registered and active (a client's side is not until the upstream connect is done).
    private var partnerReady: Bool

    init(direction: TCPProxy.Direction, partner: any Channel, proxy: TCPProxy, partnerReady: Bool = true) {
        self.direction = direction
        self.partner = partner
        self.proxy = proxy
        self.partnerReady = partnerReady
    }

    /// This connection's toxicity draw, fixed for its life.
    private let draw = Double.random(in: 0..<1)

    private var channel: (any Channel)?
    /// The relay of the other direction, on the partner channel: it hears the partner's writability.
    weak var counterpart: RelayHandler?
    /// A strong reference to the counterpart, held by the client side's relay only (no cycle).
    var keep: RelayHandler?

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { counterpart?.partnerBecameWritable(context.eventLoop) }
        context.fireChannelWritabilityChanged()
    }

    func partnerBecameWritable(_ loop: any EventLoop) { drain(loop) }

    func handlerAdded(context: ChannelHandlerContext) {
        channel = context.channel
        if context.channel.isActive { counterpart?.partnerBecameReady(context.eventLoop) }
    }

    /// This channel is active: the other direction's relay may write to it now.
    func channelActive(context: ChannelHandlerContext) {
        counterpart?.partnerBecameReady(context.eventLoop)
        context.fireChannelActive()
    }

    func partnerBecameReady(_ loop: any EventLoop) {
        guard !partnerReady else { return }
        partnerReady = true
        drain(loop)
    }

    /// Bytes relayed this way (`limit_data`), and the timers of `timeout` and `reset_peer`.
    private var relayed = 0
    private var cutScheduled = false
    private var resetScheduled = false
    private var closeBothWhenDrained = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        let effects = proxy.effects(direction, draw: draw)
        let loop = context.eventLoop.assumeIsolated()
        if let after = effects.resetAfter, !resetScheduled {
            resetScheduled = true
            loop.scheduleTask(in: .nanoseconds(after.nanoseconds)) { self.cut(reset: true) }
        }
        if let timeout = effects.timeout {
            // A black hole: nothing goes through; the connection is closed after the timeout, if any.
            if timeout > .zero, !cutScheduled {
                cutScheduled = true
                loop.scheduleTask(in: .nanoseconds(timeout.nanoseconds)) { self.cut(reset: false) }
            }
            return
        }
        if closeBothWhenDrained { return }
        if let limit = effects.byteLimit, relayed + buffer.readableBytes >= limit {
            buffer = buffer.readSlice(length: max(0, limit - relayed)) ?? ByteBuffer()
            closeBothWhenDrained = true
            closeWhenDrained = true
        }
        relayed += buffer.readableBytes
        let due = schedule.due(
            now: NIODeadline.now().uptimeNanoseconds, bytes: buffer.readableBytes, profile: effects.profile,
            random: Double.random(in: 0..<1))
        queue.append((due, buffer))
        queuedBytes += buffer.readableBytes
        highWater = Self.highWater(effects.profile)
        if queuedBytes > highWater && !paused {
            paused = true
            context.channel.setOption(.autoRead, value: false).whenFailure { _ in }
        }
        drain(context.eventLoop)
    }

    func channelInactive(context: ChannelHandlerContext) {
        closeWhenDrained = true
        drain(context.eventLoop)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// Writes every chunk that is due, then waits for the next one.
    private func drain(_ loop: any EventLoop) {
        guard partnerReady else { return }  // partnerBecameReady drains
        let now = NIODeadline.now().uptimeNanoseconds
        var wrote = false
        while partner.isWritable, let head = queue.first, head.due <= now {
            queue.removeFirst()
            queuedBytes -= head.buffer.readableBytes
            partner.write(head.buffer, promise: nil)
            wrote = true
        }
        if wrote { partner.flush() }
        if paused && queuedBytes < highWater / 4 {
            paused = false
            channel?.setOption(.autoRead, value: true).whenFailure { _ in }
        }
        if let next = queue.first {
            // A partner that is not writable resumes the drain itself (channelWritabilityChanged).
            guard !drainPending, next.due > now || partner.isWritable else { return }
            drainPending = true
            loop.assumeIsolated().scheduleTask(deadline: .uptimeNanoseconds(next.due)) {
                self.drainPending = false
                self.drain(loop)
            }
        } else if closeWhenDrained {
            closeWhenDrained = false
            if closeBothWhenDrained { channel?.close(promise: nil) }
            let delay = proxy.effects(direction, draw: draw).closeDelay ?? .zero
            guard delay > .zero else {
                partner.close(promise: nil)
                return
            }
            let partner = self.partner
            loop.assumeIsolated().scheduleTask(in: .nanoseconds(delay.nanoseconds)) { partner.close(promise: nil) }
        }
    }

    /// Closes both sides now, with an RST when `reset` (`reset_peer`), else with a FIN (`timeout`).
    private func cut(reset: Bool) {
        for c in [channel, partner].compactMap({ $0 }) {
            if reset { TCPProxy.reset(c).whenFailure { _ in } } else { c.close(promise: nil) }
        }
    }
}
