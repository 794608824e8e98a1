import Hummingbird
import NIOCore

/// Answers an error the routes did not turn into an HTTP response (a dependency that is down, say)
/// as Starlette's `ServerErrorMiddleware` does for upstream's unhandled exceptions: 500 with the
/// plain-text body `Internal Server Error`, and counts it.
struct ServerErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics
    static var body: String { "Internal Server Error" }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPResponseError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            metrics.serverErrors.inc()
            return Response(
                status: .internalServerError, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: Self.body)))
        }
    }
}
