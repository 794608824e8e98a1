/// Where a knob's value came from, from weakest to strongest.
public enum SettingSource: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The profile's default (`profile upstream`).
    case profile(String)
    /// An upstream environment variable (`environment DB_POOL_SIZE`), `stampede serve` only.
    case environment(String)
    /// A scenario file or built-in (`scenario groups[0].flags.lock-timeout`).
    case scenario(String)
    /// A scenario parameter given with `--set` (`--set lock_timeout`).
    case parameterOverride(String)
    /// A `stampede serve` flag.
    case commandLine
    /// Set by `stampede run`'s fleet for every instance (service URLs, free ports, log level).
    case fleet
    /// Derived from other knobs by a profile's rule (upstream's Redis pool from the database pool).
    case rule(String)

    public var description: String {
        switch self {
        case .profile(let p): "profile \(p)"
        case .environment(let v): "environment \(v)"
        case .scenario(let path): "scenario \(path)"
        case .parameterOverride(let name): "--set \(name)"
        case .commandLine: "command line"
        case .fleet: "fleet"
        case .rule(let r): "rule \(r)"
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        func rest(_ prefix: String) -> String? { text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : nil }
        if let p = rest("profile ") {
            self = .profile(p)
        } else if let v = rest("environment ") {
            self = .environment(v)
        } else if let s = rest("scenario ") {
            self = .scenario(s)
        } else if let n = rest("--set ") {
            self = .parameterOverride(n)
        } else if let r = rest("rule ") {
            self = .rule(r)
        } else if text == "fleet" {
            self = .fleet
        } else {
            self = .commandLine
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// One knob's value and where it came from: given to the resolver (from a scenario, `--set`, the
/// environment or a flag), and recorded in report.json for every knob as the servers ran with it.
public struct ServerSetting: Sendable, Equatable, Codable {
    public var name: String
    public var value: String
    public var source: SettingSource

    public init(name: String, value: String, source: SettingSource) {
        self.name = name
        self.value = value
        self.source = source
    }
}

/// A profile plus settings, resolved: the typed configuration and every knob's value and source.
public struct ResolvedServerConfiguration: Sendable, Equatable {
    public var profile: ServerProfile
    public var configuration: ServerConfiguration
    /// Every knob of ``ServerKnobs/all``, in that order.
    public var settings: [ServerSetting]

    /// ``settings`` as reports keep them: secrets and URL passwords hidden.
    public var recorded: [ServerSetting] {
        settings.map { s in
            var r = s
            if let knob = ServerKnobs.knob(named: s.name) { r.value = knob.redacted(s.value) }
            return r
        }
    }
}

/// Settings that cannot be resolved: every problem at once.
public struct ServerConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [ServerKnobProblem]

    public init(problems: [ServerKnobProblem]) { self.problems = problems }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
