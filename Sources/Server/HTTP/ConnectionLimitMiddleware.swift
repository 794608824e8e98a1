import Atomics
import Hummingbird

/// Counts requests in flight (a stream counts until its body ends) and, past `limit`, answers
/// 503 at once, like uvicorn's `--limit-concurrency`. `/metrics` is neither counted nor refused,
/// so a server held at its cap can still be observed (the scenarios' sampler scrapes it).
struct ConnectionLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let limit: Int?
    let metrics: ServerMetrics
    static var exemptPath: String { "/metrics" }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if request.uri.path == Self.exemptPath { return try await next(request, context) }
        let inFlight = metrics.requestsInFlight.wrappingIncrementThenLoad(ordering: .relaxed)
        if let limit, inFlight > limit {
            metrics.requestsInFlight.dec()
            metrics.rejectedConnections.inc()
            throw APIError.serviceUnavailable("Server at its concurrency limit (\(limit))")
        }
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            metrics.requestsInFlight.dec()
            throw error
        }
        let metrics = self.metrics
        var wrapped = response
        let body = response.body
        wrapped.body = ResponseBody(contentLength: body.contentLength) { writer in
            defer { metrics.requestsInFlight.dec() }
            try await body.write(writer)
        }
        return wrapped
    }
}
