/// The `sessions` table of the system under study (upstream's columns and indexes, plus a `version`
/// counter for the optimistic strategy and the fair lock's last fencing token `lock_fence`): created by the server at start, written by the
/// orchestrator for hot sessions. The one place the schema is written.
public enum SessionsSchema {
    public static let statements = [
        "SELECT pg_advisory_xact_lock(7271001)",
        """
        CREATE TABLE IF NOT EXISTS sessions (
            id uuid PRIMARY KEY,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            status varchar(20) NOT NULL DEFAULT 'active',
            model varchar(50),
            working_directory varchar(500),
            total_turns integer NOT NULL DEFAULT 0,
            total_cost_usd numeric(10,6),
            owner_api_key_hash varchar(64),
            parent_session_id uuid REFERENCES sessions(id),
            session_metadata jsonb,
            version integer NOT NULL DEFAULT 0,
            lock_fence bigint NOT NULL DEFAULT 0
        )
        """,
        "ALTER TABLE sessions ADD COLUMN IF NOT EXISTS lock_fence bigint NOT NULL DEFAULT 0",
        "CREATE INDEX IF NOT EXISTS idx_sessions_status ON sessions (status)",
        "CREATE INDEX IF NOT EXISTS idx_sessions_created_at ON sessions (created_at DESC)",
        "CREATE INDEX IF NOT EXISTS idx_sessions_parent ON sessions (parent_session_id) WHERE parent_session_id IS NOT NULL",
        "CREATE INDEX IF NOT EXISTS idx_sessions_status_created ON sessions (status, created_at DESC)",
        "CREATE INDEX IF NOT EXISTS idx_sessions_owner_api_key_hash ON sessions (owner_api_key_hash)",
    ]

    /// Creates the table and indexes if missing (serialised across instances by an advisory lock).
    public static func migrate(_ c: PostgresConnection) throws {
        try c.query("BEGIN")
        do {
            for s in statements { try c.query(s) }
            try c.query("COMMIT")
        } catch {
            _ = try? c.query("ROLLBACK")
            throw error
        }
    }

    /// Inserts an active session owned by the API key whose SHA-256 is `ownerKeyHash`.
    public static func insertActive(
        _ c: PostgresConnection, id: String, ownerKeyHash: String, model: String = "sonnet"
    ) throws {
        try c.query(
            "INSERT INTO sessions (id, model, owner_api_key_hash, status) VALUES ($1, $2, $3, 'active')",
            [id, model, ownerKeyHash])
    }
}
