import NIOCore
import NIOHTTPTypes

/// Sits in every HTTP/1 connection's pipeline and writes SSE bodies straight into it from the
/// event loop: a stream's events go from its buffer to the socket with no Swift task hop per
/// event, in batches, with one flush per batch, paced by the channel's writability.
/// Everything here runs on the connection's event loop.
final class SSEConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    enum Outcome: Sendable {
        /// The stream wrote its last event (`final`) or drained after the run (`end`).
        case final, end
        /// The connection closed first.
        case gone
    }

    private struct Active {
        var stream: EventStream
        var metrics: ServerMetrics
        var done: @Sendable (Outcome) -> Void
    }

    private var context: ChannelHandlerContext?
    private var responseHeadWritten = false
    private var active: Active?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        // NIO keeps each channel's last receive buffer for the next read, 2 KiB by default: on
        // thousands of open streams that is 2 KiB each for a request head read once. Start at
        // 512 bytes; the adaptive allocator still grows it for large bodies.
        try? context.channel.syncOptions?.setOption(
            ChannelOptions.recvAllocator,
            value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 512, maximum: 65536))
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish(.gone)
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) { context.fireChannelRead(data) }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let part = unwrapOutboundIn(data)
        context.write(data, promise: promise)
        switch part {
        case .head:
            responseHeadWritten = true
            pump()  // a stream registered before its head went out starts now
        case .end:
            responseHeadWritten = false
        case .body:
            break
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { pump() }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.gone)
        context.fireChannelInactive()
    }

    /// Starts writing `stream` as the body of the current response; `done` is called once.
    func start(stream: EventStream, metrics: ServerMetrics, done: @escaping @Sendable (Outcome) -> Void) {
        guard let context, context.channel.isActive else {
            done(.gone)
            return
        }
        active = Active(stream: stream, metrics: metrics, done: done)
        let loop = context.eventLoop
        stream.setWake { [self] in loop.execute { self.pump() } }
        pump()
    }

    private func pump() {
        guard let context, let a = active, responseHeadWritten else { return }
        var wrote = false
        loop: while context.channel.isWritable {
            switch a.stream.take(allocator: context.channel.allocator) {
            case .bytes(let buf, let events):
                a.metrics.eventsSent.add(events)
                a.metrics.bytesSent.add(buf.readableBytes)
                context.write(wrapOutboundOut(.body(buf)), promise: nil)
                wrote = true
            case .final(let buf):
                context.write(wrapOutboundOut(.body(buf)), promise: nil)
                wrote = true
                finish(.final)
                break loop
            case .end:
                finish(.end)
                break loop
            case .idle:
                break loop
            }
        }
        if wrote { context.flush() }
    }

    private func finish(_ outcome: Outcome) {
        guard let a = active else { return }
        active = nil
        a.done(outcome)
    }
}
