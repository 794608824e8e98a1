import CLibPQ
import SystemSupport

#if canImport(Glibc)
import Glibc
#endif

/// One blocking libpq connection. Not thread-safe: a pool hands it to one caller at a time, and
/// calls run on a thread pool, never on an event loop.
public final class PostgresConnection: @unchecked Sendable {
    private var conn: OpaquePointer?
    /// Set when the connection failed at the socket level; the pool then drops it.
    public private(set) var isBroken = false
    /// True between BEGIN and COMMIT/ROLLBACK (or an implicit transaction left open).
    public var inTransaction: Bool {
        guard let conn else { return false }
        return PQtransactionStatus(conn) != PQTRANS_IDLE
    }

    public init(url: String) throws {
        guard FileDescriptorHeadroom.hasRoomForConnection() else {
            throw PostgresError.connection(
                "cannot connect to PostgreSQL: out of file descriptors (\(FileDescriptorHeadroom.connectionReserve) kept for the runtime)"
            )
        }
        let c = PQconnectdb(url)
        guard let c, PQstatus(c) == CONNECTION_OK else {
            let message = c.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            if let c { PQfinish(c) }
            throw PostgresError.connection(
                "cannot connect to PostgreSQL: \(message.trimmingTrailingNewlines)")
        }
        conn = c
    }

    deinit {
        if let conn { PQfinish(conn) }
    }

    /// Runs one statement with text parameters (`$1`, `$2`, ...) through `PQexecParams`;
    /// returns the rows as text (nil for NULL). The PGresult is freed on every path.
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = []) throws -> PostgresRows {
        guard let conn, !isBroken else { throw PostgresError.connection("connection is closed") }
        let cParams: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { cParams.forEach { free($0) } }
        let result: OpaquePointer? = cParams.withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: max(parameters.count, 1)) {
                PQexecParams(conn, sql, Int32(parameters.count), nil, parameters.isEmpty ? nil : $0, nil, nil, 0)
            }
        }
        guard let result else {
            isBroken = PQstatus(conn) != CONNECTION_OK
            throw PostgresError.connection(String(cString: PQerrorMessage(conn)).trimmingTrailingNewlines)
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        switch status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return PostgresRows(result: result)
        default:
            if PQstatus(conn) != CONNECTION_OK { isBroken = true }
            let message = String(cString: PQresultErrorMessage(result)).trimmingTrailingNewlines
            let sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            if isBroken { throw PostgresError.connection(message) }
            throw PostgresError.statement(message, sqlState: sqlState)
        }
    }

    /// Whether the server still answers; breaks the connection if not.
    public func ping() -> Bool {
        (try? query("SELECT 1")) != nil
    }
}

/// Rows of a result, as text.
public struct PostgresRows: Sendable {
    public var columns: [String]
    public var rows: [[String?]]
    public var affectedRows: Int

    init(result: OpaquePointer) {
        let nCols = Int(PQnfields(result))
        let nRows = Int(PQntuples(result))
        columns = (0..<nCols).map { String(cString: PQfname(result, Int32($0))) }
        var rows: [[String?]] = []
        rows.reserveCapacity(nRows)
        for r in 0..<nRows {
            rows.append(
                (0..<nCols).map { c in
                    PQgetisnull(result, Int32(r), Int32(c)) == 1
                        ? nil : String(cString: PQgetvalue(result, Int32(r), Int32(c)))
                })
        }
        self.rows = rows
        affectedRows = Int(String(cString: PQcmdTuples(result))) ?? 0
    }
}

public enum PostgresError: Error, CustomStringConvertible, Equatable {
    case connection(String)
    case statement(String, sqlState: String?)

    public var description: String {
        switch self {
        case .connection(let m): return m
        case .statement(let m, let s): return s.map { "\(m) (SQLSTATE \($0))" } ?? m
        }
    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var s = self
        while s.last == "\n" || s.last == " " { s.removeLast() }
        return s
    }
}
