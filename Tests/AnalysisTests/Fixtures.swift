import Analysis

extension RunEnvironment {
    /// A fixed environment for reports built in pure tests (capturing the real one runs processes).
    static let fixture = RunEnvironment(
        hostname: "test", cores: 2, memoryBytes: 1 << 34, kernel: "Linux", os: "Debian", fdSoftLimit: 20000,
        fdHardLimit: 20000, gitCommit: nil, gitDirty: nil, stampedeExecutable: "/bin/stampede", services: "embedded",
        redisVersion: nil, postgresVersion: nil)
}
