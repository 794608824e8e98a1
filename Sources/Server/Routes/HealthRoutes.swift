import Backends
import Foundation
import Hummingbird
import ServerConfig

/// `GET /health` and `/api/v1/health`: a real `SELECT 1` and `PING`, always HTTP 200, and
/// `ok` / `degraded` (one dependency down) / `unhealthy` (both down). Also `GET /`.
struct HealthRoutes {
    let state: ServerState

    func register(on router: Router<StampedeRequestContext>) {
        router.get("/health") { _, _ in await health() }
        router.get("/api/v1/health") { _, _ in await health() }
        router.get("/") { _, _ in JSON.response(["service": "claude-agent-api", "version": "1.0.0"]) }
    }

    func health() async -> Response {
        async let pg = check { try await state.databasePool.withConnection { try $0.query("SELECT 1") } }
        async let redis = check { try await state.cache.ping() }
        let (p, r) = await (pg, redis)
        let failing = [p, r].filter { $0["status"] as? String != "ok" }.count
        let status = failing == 0 ? "ok" : failing == 1 ? "degraded" : "unhealthy"
        return JSON.response(["status": status, "version": "1.0.0", "dependencies": ["postgres": p, "redis": r]])
    }

    private func check(_ body: @Sendable () async throws -> some Sendable) async -> [String: Any] {
        let start = ContinuousClock.now
        do {
            _ = try await body()
            return [
                "status": "ok", "latency_ms": (start.duration(to: .now).seconds * 1000 * 100).rounded() / 100,
                "error": NSNull(),
            ]
        } catch {
            return [
                "status": "error", "latency_ms": (start.duration(to: .now).seconds * 1000 * 100).rounded() / 100,
                "error": "\(error)",
            ]
        }
    }
}
