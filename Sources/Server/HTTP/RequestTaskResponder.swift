import Hummingbird

/// Runs the routing, middleware and handler of the requests `inOwnTask` picks (the streams) in a
/// task of their own, which ends once the response (head and body closure) is built; the
/// connection's task only awaits it and then writes the response. Other requests run inline.
///
/// Why: a Swift task keeps the async-frame memory of its deepest call for its whole life (its
/// allocator reuses slabs, it does not free them). Hummingbird runs one task per connection, so
/// one pass through the router, three middlewares and body decoding left ~10 KiB of frames on
/// every SSE stream for as long as it stayed open. Here that depth lives in a task that ends
/// after the handler; the connection's task stays shallow. Not for every request: a task per
/// request cost the plain `GET /` 13-20 % of its requests/s (docs/benchmarks.md).
struct RequestTaskResponder<Inner: HTTPResponder>: HTTPResponder where Inner.Context: Sendable {
    let inner: Inner
    let inOwnTask: @Sendable (Request) -> Bool

    func respond(to request: Request, context: Inner.Context) async throws -> Response {
        guard inOwnTask(request) else { return try await inner.respond(to: request, context: context) }
        let task = Task { try await inner.respond(to: request, context: context) }
        return try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }
}
