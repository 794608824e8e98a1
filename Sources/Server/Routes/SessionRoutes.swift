import Foundation
import Hummingbird

/// `GET /api/v1/sessions`, `GET /api/v1/sessions/{id}`, `POST /api/v1/sessions/{id}/interrupt`.
struct SessionRoutes {
    let state: ServerState

    func register(on router: Router<StampedeRequestContext>) {
        router.get("/api/v1/sessions") { request, _ in try await list(request) }
        router.get("/api/v1/sessions/{id}") { _, context in try await get(context) }
        router.post("/api/v1/sessions/{id}/interrupt") { _, context in try await interrupt(context) }
    }

    func list(_ request: Request) async throws -> Response {
        let q = request.uri.queryParameters
        var problems: [ValidationFailure.Item] = []
        func intParam(_ name: String, default d: Int, range: ClosedRange<Int>) -> Int {
            guard let raw = q[name[...]] else { return d }
            guard let v = Int(String(raw)) else {
                problems.append(
                    .init(loc: ["query", name], msg: "Input should be a valid integer", type: "int_parsing"))
                return d
            }
            if !range.contains(v) {
                problems.append(
                    .init(
                        loc: ["query", name],
                        msg: "Input should be between \(range.lowerBound) and \(range.upperBound)", type: "value_error")
                )
            }
            return v
        }
        let page = intParam("page", default: 1, range: 1...Int(Int32.max))
        let pageSize = intParam("page_size", default: 50, range: 1...100)
        if !problems.isEmpty { throw ValidationFailure(problems) }
        var filters = SessionRepository.Filters()
        filters.mode = q["mode"].map(String.init)
        filters.projectID = q["project_id"].map(String.init)
        filters.tags = q.getAll("tags").map { String($0) }
        filters.search = q["search"].map(String.init)
        let (records, total) = try await state.sessions.list(
            ownerHash: state.ownerHash, filters: filters, page: page, pageSize: pageSize)
        let sessions: [[String: Any]] = records.map { r in
            [
                "id": r.id, "mode": r.sessionMetadata?["mode"] ?? "code", "status": r.status,
                "project_id": r.sessionMetadata?["project_id"] ?? NSNull(),
                "title": r.sessionMetadata?["title"] ?? NSNull(),
                "created_at": r.createdAt, "updated_at": r.updatedAt, "last_message_at": NSNull(),
                "total_turns": r.totalTurns, "total_cost_usd": r.totalCostUSD ?? NSNull(),
                "parent_session_id": r.parentSessionID ?? NSNull(), "tags": [String](), "duration_ms": NSNull(),
                "usage": NSNull(), "model_usage": NSNull(), "metadata": r.sessionMetadata ?? [:],
            ]
        }
        return JSON.response(["sessions": sessions, "total": total, "page": page, "page_size": pageSize])
    }

    /// The session if it exists and belongs to the caller's key; 404 otherwise (never 403).
    func owned(_ context: StampedeRequestContext) async throws -> SessionRecord {
        let id = context.parameters.get("id") ?? ""
        guard isUUID(id) else {
            throw APIError(
                .unprocessableContent, code: "VALIDATION_ERROR", message: "Invalid session ID format: \(id)",
                details: ["field": "session_id"])
        }
        guard let record = try await state.sessions.get(id: id.lowercased()), record.ownerAPIKeyHash == state.ownerHash
        else {
            throw APIError.sessionNotFound(id)
        }
        return record
    }

    func get(_ context: StampedeRequestContext) async throws -> Response {
        try JSON.response(encodable: try await owned(context).response)
    }

    func interrupt(_ context: StampedeRequestContext) async throws -> Response {
        let record = try await owned(context)
        guard try await state.cache.isActive(record.id) else { throw APIError.sessionNotFound(record.id) }
        try await state.cache.markInterrupted(record.id)
        return JSON.response(["status": "interrupted", "session_id": record.id])
    }
}
