import NIOPosix

/// Runs blocking C calls (hiredis, libpq) on a dedicated thread pool, so they never block a NIO
/// event loop or the Swift concurrency pool.
public final class BlockingExecutor: Sendable {
    let threadPool: NIOThreadPool

    public init(threads: Int) {
        threadPool = NIOThreadPool(numberOfThreads: max(1, threads))
        threadPool.start()
    }

    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await threadPool.runIfActive(body)
    }

    public func shutdown() async {
        try? await threadPool.shutdownGracefully()
    }
}
