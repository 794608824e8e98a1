import Foundation

/// One `stampede serve` knob: its flag name, what it accepts, its help, and how a value of it is
/// read from text into a ``ServerConfiguration`` and written back. Declared once, in
/// ``ServerKnobs/all``; the CLI, scenario validation, fleet arguments, report.json and the docs
/// table all come from that list.
public struct ServerKnob: Sendable {
    /// The flag without dashes (`lock-timeout`), also the key of a scenario group's `flags:`.
    public let name: String
    public let help: String
    /// What a value must look like, for messages and the docs (`a duration > 0 like 250ms, 5s or 2m`).
    public let accepts: String
    /// The upstream environment variable that sets it when the flag is absent (`DB_POOL_SIZE`).
    public let environment: String?
    /// Set by the orchestrator for each instance (port, host, service URLs): a scenario may not set it.
    public let fleetOwned: Bool
    /// The allowed values of a choice, for "closest valid value" suggestions.
    public let choices: [String]
    /// A credential (the API key): reports record that it was set, not its value.
    public var secret = false
    /// Parses `text` into the configuration, or returns why it cannot (a sentence fragment).
    let assign: @Sendable (inout ServerConfiguration, String) -> String?
    /// The configuration's value in the same text form.
    let render: @Sendable (ServerConfiguration) -> String

    /// Sets this knob from text; throws a ``ServerKnobProblem`` naming the knob and what it accepts.
    public func set(_ text: String, in configuration: inout ServerConfiguration) throws(ServerKnobProblem) {
        if let reason = assign(&configuration, text.trimmingCharacters(in: .whitespaces)) {
            throw ServerKnobProblem(knob: name, message: reason)
        }
    }

    /// The value of this knob in `configuration`, as text this knob accepts.
    public func value(in configuration: ServerConfiguration) -> String { render(configuration) }

    /// `value` as reports keep it: a secret hidden, a URL's password hidden.
    public func redacted(_ value: String) -> String {
        if secret { return "(hidden)" }
        guard let scheme = value.range(of: "://"), let at = value[scheme.upperBound...].firstIndex(of: "@"),
            let colon = value[scheme.upperBound..<at].firstIndex(of: ":")
        else { return value }
        return String(value[..<value.index(after: colon)]) + "(hidden)" + String(value[at...])
    }

    /// `got 'optimistc'; closest valid value: optimistic`.
    static func rejection(_ text: String, accepts: String, choices: [String] = []) -> String {
        var message = "expected \(accepts), got '\(text)'"
        if let closest = EditDistance.closest(to: text, in: choices, limit: 1).first {
            message += "; closest valid value: \(closest)"
        }
        return message
    }
}

/// A knob value that cannot be used: which knob, and what is wrong with the value.
public struct ServerKnobProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var knob: String
    public var message: String
    /// Where the value came from, when known (an environment variable is named as such).
    public var source: SettingSource?

    public init(knob: String, message: String, source: SettingSource? = nil) {
        self.knob = knob
        self.message = message
        self.source = source
    }

    public var description: String { "\(knob): \(message)" }

    /// The problem as a command line reports it: `--port: ...`, or `environment variable API_PORT (--port): ...`.
    public var commandLineDescription: String {
        switch source {
        case .environment(let variable): "environment variable \(variable) (--\(knob)): \(message)"
        case nil where knob == "configuration": message
        default: "--\(knob): \(message)"
        }
    }
}

// MARK: - Typed constructors

extension ServerKnob {
    typealias Path<V> = any WritableKeyPath<ServerConfiguration, V> & Sendable

    /// A knob of any type: `parse` turns text into a value (nil: not accepted), `render` back.
    static func typed<V>(
        _ name: String, _ path: Path<V>, accepts: String, env: String? = nil, choices: [String] = [], _ help: String,
        parse: @escaping @Sendable (String) -> V?, render: @escaping @Sendable (V) -> String
    ) -> ServerKnob {
        ServerKnob(
            name: name, help: help, accepts: accepts, environment: env, fleetOwned: false, choices: choices,
            assign: { c, t in
                guard let v = parse(t) else { return rejection(t, accepts: accepts, choices: choices) }
                c[keyPath: path] = v
                return nil
            }, render: { render($0[keyPath: path]) })
    }

    static func integer(
        _ name: String, _ path: Path<Int>, _ range: ClosedRange<Int>, env: String? = nil, _ help: String
    ) -> ServerKnob {
        typed(
            name, path, accepts: "a whole number in \(range.lowerBound)...\(range.upperBound)", env: env, help,
            parse: { Int($0).flatMap { range.contains($0) ? $0 : nil } }, render: { String($0) })
    }

    /// A number, or `off` for none.
    static func optionalInteger(
        _ name: String, _ path: Path<Int?>, _ range: ClosedRange<Int>, _ help: String
    ) -> ServerKnob {
        typed(
            name, path, accepts: "a whole number in \(range.lowerBound)...\(range.upperBound) or 'off'", help,
            parse: { t in isOff(t) ? .some(nil) : Int(t).flatMap { range.contains($0) ? .some($0) : nil } },
            render: { $0.map(String.init) ?? "off" })
    }

    /// Whole milliseconds held as a Duration (`lock-hold-ms: 20`).
    static func milliseconds(
        _ name: String, _ path: Path<Duration>, _ range: ClosedRange<Int>, _ help: String
    ) -> ServerKnob {
        typed(
            name, path, accepts: "a whole number of milliseconds in \(range.lowerBound)...\(range.upperBound)", help,
            parse: { Int($0).flatMap { range.contains($0) ? .milliseconds($0) : nil } },
            render: { String(Int(($0.seconds * 1000).rounded())) })
    }

    /// A duration; `positive` excludes zero.
    static func duration(_ name: String, _ path: Path<Duration>, positive: Bool = true, _ help: String) -> ServerKnob {
        typed(
            name, path, accepts: "a duration\(positive ? " > 0" : "") like 250ms, 5s or 2m", help,
            parse: { duration($0, positive: positive) }, render: { DurationText.format($0.seconds) })
    }

    /// A duration (> 0 when `positive`), or `off` for none.
    static func optionalDuration(
        _ name: String, _ path: Path<Duration?>, positive: Bool = true, _ help: String
    ) -> ServerKnob {
        typed(
            name, path, accepts: "a duration\(positive ? " > 0" : "") like 250ms, 5s or 2m, or 'off'", help,
            parse: { t in isOff(t) ? .some(nil) : duration(t, positive: positive).map { .some($0) } },
            render: { $0.map { DurationText.format($0.seconds) } ?? "off" })
    }

    static func choice<E: RawRepresentable & CaseIterable & Sendable>(
        _ name: String, _ path: Path<E>, _ help: String
    ) -> ServerKnob where E.RawValue == String {
        let values = E.allCases.map(\.rawValue)
        return typed(
            name, path, accepts: "one of \(values.joined(separator: ", "))", choices: values, help,
            parse: { E(rawValue: $0) }, render: { $0.rawValue })
    }

    static func boolean(_ name: String, _ path: Path<Bool>, _ help: String) -> ServerKnob {
        typed(
            name, path, accepts: "true or false", choices: ["true", "false"], help,
            parse: { ["true", "yes", "on"].contains($0) ? true : ["false", "no", "off"].contains($0) ? false : nil },
            render: { $0 ? "true" : "false" })
    }

    /// Free text, not empty.
    static func text(
        _ name: String, _ path: Path<String>, accepts: String, env: String? = nil, _ help: String
    ) -> ServerKnob {
        typed(name, path, accepts: accepts, env: env, help, parse: { $0.isEmpty ? nil : $0 }, render: { $0 })
    }

    private static func isOff(_ text: String) -> Bool { text == "off" || text == "none" }

    private static func duration(_ text: String, positive: Bool) -> Duration? {
        guard let s = DurationText.seconds(text), !positive || s > 0 else { return nil }
        return .secondsDouble(s)
    }

    /// This knob owned by the fleet, or a secret.
    func with(fleetOwned: Bool? = nil, secret: Bool? = nil) -> ServerKnob {
        var k = ServerKnob(
            name: name, help: help, accepts: accepts, environment: environment,
            fleetOwned: fleetOwned ?? self.fleetOwned,
            choices: choices, assign: assign, render: render)
        k.secret = secret ?? self.secret
        return k
    }
}
