/// Where a run happened: machine, kernel, limits, versions and the source commit.
public struct RunEnvironment: Sendable, Codable, Equatable {
    public var hostname: String
    public var cores: Int
    public var memoryBytes: Int
    public var kernel: String
    public var os: String
    public var fdSoftLimit: Int
    public var fdHardLimit: Int
    public var gitCommit: String?
    public var gitDirty: Bool?
    public var stampedeExecutable: String
    /// `embedded` or `external`.
    public var services: String
    public var redisVersion: String?
    public var postgresVersion: String?

    public init(
        hostname: String, cores: Int, memoryBytes: Int, kernel: String, os: String, fdSoftLimit: Int, fdHardLimit: Int,
        gitCommit: String?, gitDirty: Bool?, stampedeExecutable: String, services: String, redisVersion: String?,
        postgresVersion: String?
    ) {
        self.hostname = hostname
        self.cores = cores
        self.memoryBytes = memoryBytes
        self.kernel = kernel
        self.os = os
        self.fdSoftLimit = fdSoftLimit
        self.fdHardLimit = fdHardLimit
        self.gitCommit = gitCommit
        self.gitDirty = gitDirty
        self.stampedeExecutable = stampedeExecutable
        self.services = services
        self.redisVersion = redisVersion
        self.postgresVersion = postgresVersion
    }
}
