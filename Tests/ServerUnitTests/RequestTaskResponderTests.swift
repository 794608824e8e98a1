import Hummingbird
import Logging
import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import Server

/// The request's work runs in a task of its own that is over when the response is returned, so the
/// connection's task (the caller here) never holds the handler's async frames.
@Suite struct RequestTaskResponderTests {
    func context() -> BasicRequestContext {
        BasicRequestContext(source: .init(channel: EmbeddedChannel(), logger: Logger(label: "test")))
    }

    func request() -> Request {
        Request(
            head: HTTPRequest(method: .get, scheme: "http", authority: "test", path: "/"),
            body: RequestBody(buffer: ByteBuffer()))
    }

    static func currentTaskHash() -> Int? { withUnsafeCurrentTask { $0?.hashValue } }

    @Test func theHandlerRunsInATaskThatEndsBeforeTheResponseIsReturned() async throws {
        let handlerTask = Mutex<Int?>(nil)
        let handlerDone = Mutex(false)
        let inner = CallbackResponder<BasicRequestContext> { _, _ in
            handlerTask.withLock { $0 = Self.currentTaskHash() }
            try await Task.sleep(for: .milliseconds(20))
            handlerDone.withLock { $0 = true }
            return Response(status: .accepted)
        }
        let response = try await RequestTaskResponder(inner: inner) { _ in true }.respond(
            to: request(), context: context())
        #expect(response.status == .accepted)
        #expect(handlerDone.withLock { $0 })
        let callers = Self.currentTaskHash()
        #expect(handlerTask.withLock { $0 } != nil)
        #expect(handlerTask.withLock { $0 } != callers)

        // A request not picked runs inline, in the caller's task.
        _ = try await RequestTaskResponder(inner: inner) { _ in false }.respond(to: request(), context: context())
        #expect(handlerTask.withLock { $0 } == callers)
    }

    @Test func errorsAndCancellationReachTheCaller() async throws {
        struct Refused: Error {}
        let failing = CallbackResponder<BasicRequestContext> { _, _ in throw Refused() }
        await #expect(throws: Refused.self) {
            _ = try await RequestTaskResponder(inner: failing) { _ in true }.respond(to: request(), context: context())
        }

        // The connection's task is cancelled (the client left, or shutdown): the handler sees it.
        let slow = CallbackResponder<BasicRequestContext> { _, _ in
            try await Task.sleep(for: .seconds(30))
            return Response(status: .ok)
        }
        let responder = RequestTaskResponder(inner: slow) { _ in true }
        let (req, ctx) = (request(), context())
        let started = ContinuousClock.now
        let call = Task { try await responder.respond(to: req, context: ctx) }
        try await Task.sleep(for: .milliseconds(50))
        call.cancel()
        await #expect(throws: CancellationError.self) { _ = try await call.value }
        #expect(started.duration(to: .now) < .seconds(10))
    }
}
