import Analysis
import Backends
import Foundation

/// Reads Redis `INFO` (connected clients, ops/s) and PostgreSQL `pg_stat_activity` (connections by
/// state) for the sampler. Its own connections are left out of the counts. Used from the
/// sampler's thread only; reconnects after a failure.
final class BackendProbe: @unchecked Sendable {
    private let redisURL: String
    private let databaseURL: String
    private var redis: RedisConnection?
    private var postgres: PostgresConnection?

    init(redisURL: String, databaseURL: String) {
        self.redisURL = redisURL
        self.databaseURL = databaseURL
    }

    func read() -> Sample.Backends {
        var b = Sample.Backends()
        do {
            if redis == nil || redis?.isBroken == true {
                redis = try RedisConnection(endpoint: RedisEndpoint(url: redisURL), timeoutMilliseconds: 500)
            }
            if let info = try redis?.command(["INFO", "clients", "stats"]).stringValue {
                let fields = Self.info(info)
                b.redisConnectedClients = fields["connected_clients"].flatMap(Int.init).map { $0 - 1 }
                b.redisOpsPerSecond = fields["instantaneous_ops_per_sec"].flatMap(Double.init)
            }
        } catch {
            redis = nil
        }
        do {
            if postgres == nil || postgres?.isBroken == true { postgres = try PostgresConnection(url: databaseURL) }
            let rows = try postgres?.query(
                "SELECT coalesce(state, ''), count(*)::text FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() GROUP BY 1"
            )
            var total = 0
            for row in rows?.rows ?? [] {
                let n = row[1].flatMap { Int($0) } ?? 0
                total += n
                switch row[0] ?? "" {
                case "active": b.postgresActive = n
                case "idle in transaction": b.postgresIdleInTransaction = n
                default: break
                }
            }
            b.postgresConnections = total
            b.postgresActive = b.postgresActive ?? 0
            b.postgresIdleInTransaction = b.postgresIdleInTransaction ?? 0
        } catch {
            postgres = nil
        }
        return b
    }

    /// `key:value` lines of a Redis INFO reply.
    static func info(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            out[String(line[..<colon])] = String(line[line.index(after: colon)...])
        }
        return out
    }
}
