/// Where a Redis server is, parsed from a `redis://[user:password@]host:port[/db]` URL.
public struct RedisEndpoint: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var database: Int
    public var username: String?
    public var password: String?

    public init(
        host: String = "127.0.0.1", port: Int = 6379, database: Int = 0, username: String? = nil,
        password: String? = nil
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.username = username
        self.password = password
    }

    public init(url: String) throws {
        let u = try URLParts(
            url, schemes: ["redis"], defaultPort: 6379, what: "Redis URL", example: "redis://127.0.0.1:6379/0")
        self.init(host: u.host, port: u.port, database: 0, username: u.user, password: u.password)
        if let path = u.path, !path.isEmpty {
            guard let db = Int(path), db >= 0 else {
                throw ConfigurationError(
                    "invalid Redis URL \(url): the path must be a database number, as in redis://127.0.0.1:6379/0")
            }
            database = db
        }
    }

    public var description: String { "redis://\(host):\(port)/\(database)" }
}
