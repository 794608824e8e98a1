import Hummingbird
import NIOCore

/// The request context: Hummingbird's core storage plus the connection's channel, so a stream
/// that must be cut (slow consumer) can close its socket.
public struct StampedeRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// Bodies are collected by the routes with the configured limit.
    public var maxUploadSize: Int { 64 << 20 }
}
