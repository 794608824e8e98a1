import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Sits in every HTTP/1 connection's pipeline and writes SSE bodies straight into it from the
/// event loop: a stream's events go from its buffer to the socket with no Swift task hop per
/// event, in batches, with one flush per batch, paced by the channel's writability.
/// Everything here runs on the connection's event loop.
///
/// A chunked body's batches are framed here, each as one HTTP/1.1 chunk in one buffer, and
/// written by `WireWriter` at the front of the pipeline, below the HTTP encoders: one buffer
/// and one `write` per batch instead of three parts through two encoders. The head and the
/// end still go through the encoders, in order with the chunks (all writes are on this loop).
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
    private let wire = WireWriter()
    private var responseHeadWritten = false
    /// NIO's encoder frames a response without `Content-Length` as chunked: the HTTP/1 head it
    /// writes is always HTTP/1.1 (NIOHTTPTypesHTTP1), and SSE responses carry no length.
    private var chunked = false
    private var active: Active?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        try? context.pipeline.syncOperations.addHandler(wire, position: .first)
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
        case .head(let response):
            chunked = response.headerFields[.contentLength] == nil && wire.context != nil
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
            switch a.stream.take(allocator: context.channel.allocator, chunked: chunked) {
            case .bytes(let buf, let events, let payload):
                a.metrics.eventsSent.add(events)
                a.metrics.bytesSent.add(payload)
                writeBody(buf, context: context)
                wrote = true
            case .final(let buf):
                writeBody(buf, context: context)
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

    /// A framed chunk goes to the socket below the encoders; otherwise through them.
    private func writeBody(_ buf: ByteBuffer, context: ChannelHandlerContext) {
        if chunked, let wire = wire.context {
            wire.write(NIOAny(IOData.byteBuffer(buf)), promise: nil)
        } else {
            context.write(wrapOutboundOut(.body(buf)), promise: nil)
        }
    }

    private func finish(_ outcome: Outcome) {
        guard let a = active else { return }
        active = nil
        a.done(outcome)
    }
}

/// At the front of the pipeline (next to the socket): gives `SSEConnectionHandler` a place to
/// write bytes that are already framed. Passes everything through.
final class WireWriter: ChannelOutboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private(set) var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }
}
