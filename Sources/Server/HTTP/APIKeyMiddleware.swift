import Hummingbird

/// `X-API-Key` auth, as upstream's ApiKeyAuthMiddleware: one shared secret, compared in constant
/// time; public paths and OPTIONS pass.
struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let apiKey: String
    static var publicPaths: Set<String> {
        ["/", "/health", "/api/v1/health", "/metrics", "/docs", "/redoc", "/openapi.json"]
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if request.method == .options || Self.publicPaths.contains(request.uri.path) {
            return try await next(request, context)
        }
        guard let key = request.headers[.apiKey] else { throw APIError.missingKey() }
        guard constantTimeEqual(Array(key.utf8), Array(apiKey.utf8)) else { throw APIError.invalidKey() }
        return try await next(request, context)
    }

    private func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var diff = UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<max(a.count, b.count) {
            diff |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
        }
        return diff == 0
    }
}
