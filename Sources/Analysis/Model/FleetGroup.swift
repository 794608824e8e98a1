import ServerConfig

/// A group of identical `stampede serve` instances.
public struct FleetGroup: Sendable, Codable, Equatable {
    public var name: String
    /// Instances started for a phase that uses this group. Default 1.
    public var instances: Int = 1
    /// `documented`, `upstream` or `recommended`.
    public var profile: String = "upstream"
    /// `stampede serve` knobs without the dashes (`lock-hold-ms: 2`, `sse-delivery: bounded`),
    /// checked against ``ServerKnobs`` when the scenario loads.
    public var flags: [String: String] = [:]
    /// Flags whose value came from a parameter given with `--set`: flag → parameter.
    public var flagOverrides: [String: String]?
    /// Soft open-file limit of each instance (`--max-fds`); nil keeps the default (raised to hard).
    public var maxFds: Int?

    public static let profiles = ServerProfile.allCases.map(\.rawValue)

    public init(
        name: String, instances: Int = 1, profile: String = "upstream", flags: [String: String] = [:],
        maxFds: Int? = nil
    ) {
        self.name = name
        self.instances = instances
        self.profile = profile
        self.flags = flags
        self.maxFds = maxFds
    }

    /// The group's knob settings, each with its source (the scenario, or `--set` for a flag whose
    /// value came from an overridden parameter), in a stable order. Instances log at `warning`
    /// unless the group sets `log-level`.
    public var settings: [ServerSetting] {
        var out = flags["log-level"] == nil ? [ServerSetting(name: "log-level", value: "warning", source: .fleet)] : []
        out += flags.keys.sorted().map { key in
            ServerSetting(
                name: key, value: flags[key]!,
                source: flagOverrides?[key].map { .parameterOverride($0) } ?? .scenario("\(name).flags.\(key)"))
        }
        if let maxFds {
            out.append(ServerSetting(name: "max-fds", value: String(maxFds), source: .scenario("\(name).max-fds")))
        }
        return out
    }

    /// The configuration every instance of this group runs under a fleet that uses these services
    /// (each instance on a free port of its own, recorded as port 0).
    public func resolvedConfiguration(
        redisURL: String, databaseURL: String
    ) throws(ServerConfigurationError) -> ResolvedServerConfiguration {
        let fleet = [("host", "127.0.0.1"), ("port", "0"), ("redis-url", redisURL), ("database-url", databaseURL)]
        return try resolvedConfiguration(before: fleet.map { ServerSetting(name: $0.0, value: $0.1, source: .fleet) })
    }

    /// The configuration every instance of this group runs with, and where each value came from.
    public func resolvedConfiguration(
        before fleetSettings: [ServerSetting] = []
    ) throws(ServerConfigurationError) -> ResolvedServerConfiguration {
        guard let p = ServerProfile(rawValue: profile) else {
            throw ServerConfigurationError(problems: [
                .init(
                    knob: "profile",
                    message: "expected one of \(Self.profiles.joined(separator: ", ")), got '\(profile)'")
            ])
        }
        return try ServerKnobs.resolve(profile: p, settings: fleetSettings + settings)
    }

    /// The `stampede serve` arguments of one instance (port and service URLs added by the fleet).
    public var serveArguments: [String] {
        ServerKnobs.arguments(profile: ServerProfile(rawValue: profile) ?? .upstream, settings: settings)
    }

    /// ``serveArguments`` as reports keep them (the API key hidden).
    public var recordedServeArguments: [String] {
        ServerKnobs.arguments(
            profile: ServerProfile(rawValue: profile) ?? .upstream, settings: settings, redacted: true)
    }
}
