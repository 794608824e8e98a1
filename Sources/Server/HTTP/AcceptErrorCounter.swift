import NIOCore

/// Sits on the listening socket's pipeline and counts accept() failures (EMFILE when the process
/// is out of file descriptors) so `/metrics` shows them; NIO's own backoff keeps the server serving.
final class AcceptErrorCounter: ChannelInboundHandler, Sendable {
    typealias InboundIn = any Channel
    let metrics: ServerMetrics

    init(metrics: ServerMetrics) { self.metrics = metrics }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is IOError { metrics.acceptErrors.inc() }
        context.fireErrorCaught(error)
    }
}
