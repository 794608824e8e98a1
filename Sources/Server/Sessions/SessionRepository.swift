import Backends
import Foundation

/// The server's statements on the `sessions` table (the table itself: ``SessionsSchema``). Every function runs on a
/// connection the caller holds, so a stream can keep one for its whole life (upstream quirk).
enum SessionRepository {
    static let columns = """
        id::text, model, status, to_json(created_at)#>>'{}', to_json(updated_at)#>>'{}', total_turns,
        total_cost_usd::float8, parent_session_id::text, owner_api_key_hash, session_metadata::text, version
        """

    static func insert(
        _ c: PostgresConnection, id: String, model: String, ownerHash: String?, parent: String?
    ) throws
        -> SessionRecord
    {
        let rows = try c.query(
            "INSERT INTO sessions (id, model, owner_api_key_hash, parent_session_id, status) VALUES ($1, $2, $3, $4, 'active') RETURNING \(columns)",
            [id, model, ownerHash, parent])
        guard let row = rows.rows.first else { throw PostgresError.statement("INSERT returned no row", sqlState: nil) }
        return record(row).0
    }

    /// Upstream's `refresh()` after `commit()`: a SELECT that opens a transaction and leaves it
    /// open ("idle in transaction") while the caller keeps the connection.
    static func refreshLeavingTransactionOpen(_ c: PostgresConnection, id: String) throws {
        try c.query("BEGIN")
        try c.query("SELECT \(columns) FROM sessions WHERE id = $1", [id])
    }

    static func get(_ c: PostgresConnection, id: String) throws -> (SessionRecord, version: Int)? {
        let rows = try c.query("SELECT \(columns) FROM sessions WHERE id = $1", [id])
        return rows.rows.first.map(record)
    }

    /// Writes absolute values (the read-modify-write the lock protects). With `expectedVersion`,
    /// the write only happens if nobody else wrote since (optimistic strategy); with `fence`, only
    /// if no later lock holder wrote (fair lock); nil when it did not.
    static func update(
        _ c: PostgresConnection, id: String, status: String, totalTurns: Int, totalCost: Double?, expectedVersion: Int?,
        fence: Int64? = nil
    ) throws -> SessionRecord? {
        var sql =
            "UPDATE sessions SET updated_at = now(), status = $2, total_turns = $3, total_cost_usd = $4, version = version + 1 WHERE id = $1"
        var params: [String?] = [id, status, String(totalTurns), totalCost.map { String($0) }]
        if let v = expectedVersion {
            params.append(String(v))
            sql += " AND version = $\(params.count)"
        }
        if let fence {
            params.append(String(fence))
            sql = sql.replacingOccurrences(of: " WHERE id = $1", with: ", lock_fence = $\(params.count) WHERE id = $1")
            sql += " AND lock_fence < $\(params.count)"
        }
        let rows = try c.query(sql + " RETURNING \(columns)", params)
        if c.inTransaction { try c.query("COMMIT") }
        return rows.rows.first.map { record($0).0 }
    }

    struct Filters: Sendable {
        var mode: String?
        var projectID: String?
        var tags: [String] = []
        var search: String?
    }

    static func list(
        _ c: PostgresConnection, ownerHash: String, filters: Filters, page: Int, pageSize: Int
    ) throws
        -> (records: [SessionRecord], total: Int)
    {
        var whereSQL = "owner_api_key_hash = $1"
        var params: [String?] = [ownerHash]
        if let m = filters.mode {
            params.append(m)
            whereSQL += " AND session_metadata->>'mode' = $\(params.count)"
        }
        if let p = filters.projectID {
            params.append(p)
            whereSQL += " AND session_metadata->>'project_id' = $\(params.count)"
        }
        if !filters.tags.isEmpty {
            let json = String(decoding: (try? JSONEncoder().encode(filters.tags)) ?? Data("[]".utf8), as: UTF8.self)
            params.append(json)
            whereSQL += " AND session_metadata->'tags' @> $\(params.count)::jsonb"
        }
        if let s = filters.search {
            params.append("%\(s)%")
            whereSQL += " AND session_metadata->>'title' ILIKE $\(params.count)"
        }
        let total =
            Int(try c.query("SELECT count(*) FROM sessions WHERE \(whereSQL)", params).rows.first?[0] ?? "0") ?? 0
        params.append(String(pageSize))
        params.append(String((page - 1) * pageSize))
        let rows = try c.query(
            "SELECT \(columns) FROM sessions WHERE \(whereSQL) ORDER BY created_at DESC LIMIT $\(params.count - 1) OFFSET $\(params.count)",
            params)
        return (rows.rows.map { record($0).0 }, total)
    }

    static func record(_ row: [String?]) -> (SessionRecord, version: Int) {
        let metadata = row[9].flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .map { $0.mapValues { "\($0)" } }
        let r = SessionRecord(
            id: row[0] ?? "", model: row[1] ?? "", status: row[2] ?? "active",
            createdAt: row[3] ?? "", updatedAt: row[4] ?? "",
            totalTurns: Int(row[5] ?? "0") ?? 0, totalCostUSD: row[6].flatMap(Double.init),
            parentSessionID: row[7], ownerAPIKeyHash: row[8], sessionMetadata: metadata)
        return (r, Int(row[10] ?? "0") ?? 0)
    }
}
