/// A group of identical `stampede serve` instances.
public struct FleetGroup: Sendable, Codable, Equatable {
    public var name: String
    /// Instances started for a phase that uses this group. Default 1.
    public var instances: Int = 1
    /// `documented`, `upstream` or `recommended`.
    public var profile: String = "upstream"
    /// Extra `stampede serve` flags without the dashes (`lock-hold-ms: 2`, `sse-delivery: bounded`).
    public var flags: [String: String] = [:]
    /// Soft open-file limit of each instance (`--max-fds`); nil keeps the default (raised to hard).
    public var maxFds: Int?

    public static let profiles = ["documented", "upstream", "recommended"]

    public init(name: String, instances: Int = 1, profile: String = "upstream", flags: [String: String] = [:], maxFds: Int? = nil) {
        self.name = name
        self.instances = instances
        self.profile = profile
        self.flags = flags
        self.maxFds = maxFds
    }

    /// The `stampede serve` arguments of one instance (port and service URLs added by the fleet).
    public var serveArguments: [String] {
        var args = ["--profile", profile]
        for key in flags.keys.sorted() { args += ["--\(key)", flags[key]!] }
        if let maxFds { args += ["--max-fds", String(maxFds)] }
        return args
    }
}
