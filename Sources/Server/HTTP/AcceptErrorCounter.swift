import NIOCore
import SystemSupport

/// Sits first on the listening socket's pipeline. Counts accept() failures (EMFILE when the
/// process is out of file descriptors) so `/metrics` shows them, and keeps a reserve of
/// descriptors: a connection accepted when fewer than `reserve` descriptor numbers remain below
/// the soft limit is closed at once and counted as an accept error (and as a reserve refusal).
/// Without the reserve the process would not fail accepts the way uvicorn does but die: the
/// Swift runtime's libdispatch aborts when it cannot open `/proc` files (see
/// ``FileDescriptorHeadroom``). NIO's own backoff keeps the server serving on real EMFILE.
final class AcceptErrorCounter: ChannelInboundHandler, Sendable {
    typealias InboundIn = any Channel
    let metrics: ServerMetrics
    let limit: Int
    /// Descriptors kept free for pool connections, `/metrics` and the runtime: a sixteenth of
    /// the limit, at least 8 and at most 24 (24 at the default 1,024; 8 at a limit of 128 or less).
    let reserve: Int

    init(metrics: ServerMetrics, limit: Int = FileDescriptorLimit.current().soft) {
        self.metrics = metrics
        self.limit = limit
        reserve = Self.reserve(forLimit: limit)
    }

    static func reserve(forLimit limit: Int) -> Int { min(24, max(8, limit / 16)) }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let child = unwrapInboundIn(data)
        context.fireChannelRead(data)
        guard !FileDescriptorHeadroom.hasRoom(reserve: reserve, limit: limit) else { return }
        metrics.acceptErrors.inc()
        metrics.fdReserveRefusals.inc()
        // After the child's registration, which the acceptor queued on the child's loop first.
        child.eventLoop.execute { child.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is IOError { metrics.acceptErrors.inc() }
        context.fireErrorCaught(error)
    }
}
