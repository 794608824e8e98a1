import Hummingbird

/// Runs each request's routing, middleware and handler in a task of its own, which ends once the
/// response (head and body closure) is built; the connection's task only awaits it and then
/// writes the response.
///
/// Why: a Swift task keeps the async-frame memory of its deepest call for its whole life (its
/// allocator reuses slabs, it does not free them). Hummingbird runs one task per connection, so
/// one pass through the router, three middlewares and body decoding left ~20 KiB of frames on
/// every keep-alive connection and on every SSE stream for as long as it stayed open. Here
/// that depth lives in a task that ends after the handler; the connection's task stays shallow.
struct RequestTaskResponder<Inner: HTTPResponder>: HTTPResponder where Inner.Context: Sendable {
    let inner: Inner

    func respond(to request: Request, context: Inner.Context) async throws -> Response {
        let task = Task { try await inner.respond(to: request, context: context) }
        return try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }
}
