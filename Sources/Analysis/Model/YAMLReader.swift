import Foundation
import ServerConfig
import Yams

/// Reads typed values out of a composed YAML tree, collecting every problem with its field path
/// and line instead of stopping at the first. Scalars get `${parameter}` substitution.
final class YAMLReader {
    private(set) var problems: [ScenarioProblem] = []
    let parameters: [String: String]
    /// Parameters given with `--set`.
    let overridden: Set<String>

    init(parameters: [String: String], overridden: Set<String> = []) {
        self.parameters = parameters
        self.overridden = overridden
    }

    /// The first `--set` parameter that a scalar's `${name}` refers to, if any.
    func overriddenParameter(in node: Node) -> String? {
        guard let raw = node.scalar?.string, raw.contains("${") else { return nil }
        return overridden.sorted().first { raw.contains("${\($0)}") }
    }

    func problem(_ path: String, _ node: Node?, _ message: String) {
        problems.append(ScenarioProblem(path: path, line: node?.mark?.line, message: message))
    }

    /// The keys of a mapping; unknown keys and duplicates are problems.
    func mapping(_ node: Node?, _ path: String, allowed: [String]) -> [String: Node]? {
        guard let node else { return nil }
        guard let map = node.mapping else {
            problem(path, node, "expected a mapping with keys \(allowed.joined(separator: ", "))")
            return nil
        }
        var out: [String: Node] = [:]
        for (k, v) in map {
            guard let key = k.scalar?.string else {
                problem(path, k, "keys must be plain text")
                continue
            }
            let sub = path.isEmpty ? key : "\(path).\(key)"
            if !allowed.isEmpty && !allowed.contains(key) {
                problem(sub, k, "unknown key '\(key)'; expected one of \(allowed.joined(separator: ", "))")
                continue
            }
            if out[key] != nil { problem(sub, k, "key '\(key)' appears twice") }
            out[key] = v
        }
        return out
    }

    func sequence(_ node: Node?, _ path: String) -> [Node]? {
        guard let node else { return nil }
        guard let seq = node.sequence else {
            problem(path, node, "expected a list (`- item` lines)")
            return nil
        }
        return Array(seq)
    }

    func string(_ node: Node?, _ path: String) -> String? {
        guard let node else { return nil }
        guard let s = node.scalar?.string else {
            problem(path, node, "expected a single value, not a list or mapping")
            return nil
        }
        return substitute(s, path, node)
    }

    func required(_ map: [String: Node], _ key: String, _ path: String, line node: Node?) -> String? {
        guard map[key] != nil else {
            problem(path.isEmpty ? key : "\(path).\(key)", node, "missing; it is required")
            return nil
        }
        return string(map[key], path.isEmpty ? key : "\(path).\(key)")
    }

    func int(_ node: Node?, _ path: String, range: ClosedRange<Int>) -> Int? {
        guard let s = string(node, path) else { return nil }
        guard let v = Int(s), range.contains(v) else {
            problem(path, node, "expected a whole number in \(range.lowerBound)...\(range.upperBound), got '\(s)'")
            return nil
        }
        return v
    }

    func number(_ node: Node?, _ path: String, minimum: Double = 0) -> Double? {
        guard let s = string(node, path) else { return nil }
        guard let v = Double(s), v.isFinite, v >= minimum else {
            problem(path, node, "expected a number ≥ \(DurationText.format(minimum).dropLast()), got '\(s)'")
            return nil
        }
        return v
    }

    /// No scenario duration is longer than a year (a fuzzed `9e128s` once overflowed on the way).
    static let longestDuration = 365.0 * 24 * 3600

    func duration(_ node: Node?, _ path: String) -> Double? {
        guard let s = string(node, path) else { return nil }
        guard let v = DurationText.seconds(s) else {
            problem(path, node, "expected a duration like 250ms, 15s or 2m, got '\(s)'")
            return nil
        }
        guard v <= Self.longestDuration else {
            problem(path, node, "expected a duration of at most a year (8760h), got '\(s)'")
            return nil
        }
        return v
    }

    func choice(_ node: Node?, _ path: String, _ choices: [String]) -> String? {
        guard let s = string(node, path) else { return nil }
        guard choices.contains(s) else {
            problem(path, node, "expected one of \(choices.joined(separator: ", ")), got '\(s)'")
            return nil
        }
        return s
    }

    /// A mapping of plain values (`flags:`).
    func stringMap(_ node: Node?, _ path: String) -> [String: String]? {
        guard let map = mapping(node, path, allowed: []) else { return nil }
        var out: [String: String] = [:]
        for (k, v) in map { if let s = string(v, "\(path).\(k)") { out[k] = s } }
        return out
    }

    /// Replaces `${name}` with the parameter's value; an unknown name is a problem.
    func substitute(_ text: String, _ path: String, _ node: Node?) -> String {
        guard text.contains("${") else { return text }
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            out += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                problem(path, node, "unterminated '${' in '\(text)'")
                return text
            }
            let name = String(rest[start.upperBound..<end])
            if let value = parameters[name] {
                out += value
            } else {
                let known = parameters.keys.sorted().joined(separator: ", ")
                problem(path, node, "unknown parameter '${\(name)}'; parameters: \(known.isEmpty ? "none" : known)")
            }
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }
}
