import Foundation
import LoadGen
import ServerConfig
import Yams

/// Turns scenario YAML into a validated ``Scenario``. Every problem is reported at once, with the
/// field path and YAML line; unknown keys are errors. `overrides` (`--set name=value`) replace
/// parameter defaults before `${name}` substitution.
public enum ScenarioLoader {
    static let topKeys = [
        "name", "summary", "parameters", "services", "groups", "phases", "sampling", "claims", "thresholds", "network",
        "repeats",
    ]
    static let groupKeys = ["name", "instances", "profile", "flags", "max-fds"]
    static let phaseKeys = [
        "name", "group", "duration", "warmup", "hot-set", "zipf", "clients", "instances", "network", "faults",
        "repeats",
    ]
    static let faultKeys = ["at", "do", "for", "every", "instance", "link", "latency", "mode", "when"]
    static let linkKeys = ["latency", "jitter", "bandwidth"]
    static let clientKeys = [
        "name", "count", "count-per-instance", "mix", "slow-rate", "ramp", "restart-delay", "path", "mode", "link",
        "method", "body", "headers", "slo", "content-events",
    ]
    static let claimKeys = ["id", "issue", "statement", "kind", "metric", "relation", "target"]
    static let samplingKeys = ["hz", "metrics", "min-samples", "generator-cpu-limit", "machine-cpu-limit"]
    static let serviceKeys = ["redis-url", "database-url"]
    /// `repeats:` of a scenario or a phase (and `--repeats`).
    public static let repeatRange = 1...30

    public static func load(file path: String, overrides: [String: String] = [:]) throws -> Scenario {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ScenarioError(source: path, problems: [.init(path: "", line: nil, message: "cannot read the file")])
        }
        return try load(yaml: text, source: path, overrides: overrides)
    }

    public static func load(yaml: String, source: String, overrides: [String: String] = [:]) throws -> Scenario {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw ScenarioError(
                source: source, problems: [.init(path: "", line: nil, message: "not valid YAML: \(error)")])
        }
        guard let root else {
            throw ScenarioError(
                source: source, problems: [.init(path: "", line: nil, message: "the document is empty")])
        }
        // Parameters first: their values feed `${...}` everywhere else.
        let bootstrap = YAMLReader(parameters: [:])
        let top = bootstrap.mapping(root, "", allowed: topKeys) ?? [:]
        var parameters = bootstrap.stringMap(top["parameters"], "parameters") ?? [:]
        var problems = bootstrap.problems
        for (key, value) in overrides.sorted(by: { $0.key < $1.key }) {
            if parameters[key] == nil {
                let known = parameters.keys.sorted().joined(separator: ", ")
                problems.append(
                    .init(
                        path: "--set \(key)", line: nil,
                        message: "no such parameter; parameters: \(known.isEmpty ? "none" : known)"))
            } else {
                parameters[key] = value
            }
        }
        let r = YAMLReader(parameters: parameters, overridden: Set(overrides.keys))
        var s = Scenario(name: r.required(top, "name", "", line: root) ?? source, parameters: parameters)
        s.summary = r.string(top["summary"], "summary") ?? ""
        s.services = services(r, top["services"])
        s.sampling = sampling(r, top["sampling"])
        s.repeats = r.int(top["repeats"], "repeats", range: Self.repeatRange)
        for (i, node) in (r.sequence(top["groups"], "groups") ?? []).enumerated() {
            if let g = group(r, node, "groups[\(i)]") { s.groups.append(g) }
        }
        let network = Self.network(r, top["network"], "network") ?? NetworkSpec()
        for (i, node) in (r.sequence(top["phases"], "phases") ?? []).enumerated() {
            s.phases += phase(r, node, "phases[\(i)]", network: network)
        }
        for (i, node) in (r.sequence(top["claims"], "claims") ?? []).enumerated() {
            if let c = claim(r, node, "claims[\(i)]") { s.claims.append(c) }
        }
        if let items = r.sequence(top["thresholds"], "thresholds") {
            s.thresholds = thresholds(r, items)
        }
        problems += r.problems
        problems += ScenarioValidator.problems(in: s, root: top)
        guard problems.isEmpty else { throw ScenarioError(source: source, problems: problems) }
        return s
    }

    static func services(_ r: YAMLReader, _ node: Node?) -> ServicesSpec {
        guard let m = r.mapping(node, "services", allowed: serviceKeys) else { return .init() }
        let redis = r.string(m["redis-url"], "services.redis-url")
        let db = r.string(m["database-url"], "services.database-url")
        return ServicesSpec(redisURL: redis?.isEmpty == true ? nil : redis, databaseURL: db?.isEmpty == true ? nil : db)
    }

    static func sampling(_ r: YAMLReader, _ node: Node?) -> SamplingSpec {
        var s = SamplingSpec()
        guard let m = r.mapping(node, "sampling", allowed: samplingKeys) else { return s }
        if let v = r.number(m["hz"], "sampling.hz", minimum: 0.5) { s.hz = min(v, 20) }
        if let list = r.sequence(m["metrics"], "sampling.metrics") {
            s.metrics = list.enumerated().compactMap { r.string($1, "sampling.metrics[\($0)]") }
        }
        if let v = r.int(m["min-samples"], "sampling.min-samples", range: 1...100_000) { s.minSamples = v }
        if let v = r.number(m["generator-cpu-limit"], "sampling.generator-cpu-limit", minimum: 1) {
            s.generatorCPULimit = v
        }
        if let v = r.number(m["machine-cpu-limit"], "sampling.machine-cpu-limit", minimum: 1) { s.machineCPULimit = v }
        return s
    }

    static func group(_ r: YAMLReader, _ node: Node, _ path: String) -> FleetGroup? {
        guard let m = r.mapping(node, path, allowed: groupKeys) else { return nil }
        guard let name = r.required(m, "name", path, line: node) else { return nil }
        let before = r.problems.count
        var g = FleetGroup(name: name)
        if let v = r.int(m["instances"], "\(path).instances", range: 1...32) { g.instances = v }
        if let v = r.choice(m["profile"], "\(path).profile", FleetGroup.profiles) { g.profile = v }
        if let flagNodes = r.mapping(m["flags"], "\(path).flags", allowed: []) {
            flags(r, flagNodes, "\(path).flags", into: &g)
        }
        g.maxFds = r.int(m["max-fds"], "\(path).max-fds", range: 64...1_048_576)
        // Values that are each fine can still disagree (a slow-consumer deadline with unbounded delivery).
        if r.problems.count == before {
            do { _ = try g.resolvedConfiguration() } catch {
                for p in error.problems { r.problem("\(path).flags", m["flags"] ?? node, p.message) }
            }
        }
        return g
    }

    /// A group's `flags:`, each key a ``ServerKnobs`` knob a scenario may set and each value one
    /// that knob accepts (checked now, with the value's line and the valid values). A value that
    /// came from a `--set` parameter is remembered as such, for the report's sources.
    static func flags(_ r: YAMLReader, _ nodes: [String: Node], _ path: String, into g: inout FleetGroup) {
        var scratch = ServerConfiguration()
        for key in nodes.keys.sorted() {
            let node = nodes[key]!
            guard let value = r.string(node, "\(path).\(key)") else { continue }
            if let problem = ServerKnobs.problem(withScenarioFlag: key) {
                r.problem("\(path).\(key)", node, problem)
                continue
            }
            do { try ServerKnobs.knob(named: key)!.set(value, in: &scratch) } catch {
                r.problem("\(path).\(key)", node, error.message)
                continue
            }
            g.flags[key] = value
            if let parameter = r.overriddenParameter(in: node) {
                g.flagOverrides = (g.flagOverrides ?? [:]).merging([key: parameter]) { $1 }
            }
        }
    }

    /// One phase; one per hot-set size of a `hot-set: 1,4,16` popularity sweep (named `NAME-hotH`);
    /// each of those one per instance count of an `instances: 1,2,3` sweep (named `…@N`).
    static func phase(_ r: YAMLReader, _ node: Node, _ path: String, network: NetworkSpec = .init()) -> [PhaseSpec] {
        // A peek that reports nothing: the phase's own reading below reports its problems once.
        let hotNode = node.mapping?.first { $0.key.scalar?.string == "hot-set" }?.value
        guard let raw = hotNode?.scalar?.string, raw.contains(",") || raw.contains("${") else {
            return singlePopularity(r, node, path, network: network)
        }
        let text = r.substitute(raw, "\(path).hot-set", hotNode)
        guard text.contains(",") else {
            guard let h = Int(text.trimmingCharacters(in: .whitespaces)), (1...1000).contains(h) else {
                r.problem("\(path).hot-set", hotNode, "expected a whole number in 1...1000, got '\(text)'")
                return singlePopularity(r, node, path, network: network, hotSet: 0)
            }
            return singlePopularity(r, node, path, network: network, hotSet: h)
        }
        let sizes = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard sizes.allSatisfy({ $0 != nil && (1...1000).contains($0!) }), Set(sizes).count == sizes.count else {
            r.problem(
                "\(path).hot-set", hotNode,
                "expected distinct hot-set sizes in 1...1000 separated by commas (1,4,16,64), got '\(text)'")
            return []
        }
        let phases = singlePopularity(r, node, path, network: network, hotSet: sizes[0])
        return sizes.compactMap { $0 }.flatMap { h in
            phases.map { p in
                var one = p
                let base = p.sweep ?? p.name
                one.hotSet = h
                one.popularity = base
                if let sweep = p.sweep {
                    one.sweep = "\(sweep)-hot\(h)"
                    one.name = "\(sweep)-hot\(h)@\(p.instances ?? 1)"
                } else {
                    one.name = "\(base)-hot\(h)"
                }
                return one
            }
        }
    }

    static func singlePopularity(
        _ r: YAMLReader, _ node: Node, _ path: String, network: NetworkSpec, hotSet: Int? = nil
    ) -> [PhaseSpec] {
        guard let m = r.mapping(node, path, allowed: phaseKeys) else { return [] }
        let name = r.required(m, "name", path, line: node)
        let group = r.required(m, "group", path, line: node)
        guard let name, let group else { return [] }
        var p = PhaseSpec(name: name, group: group)
        if let v = r.duration(m["duration"], "\(path).duration") { p.duration = v }
        if let v = r.duration(m["warmup"], "\(path).warmup") { p.warmup = v }
        p.repeats = r.int(m["repeats"], "\(path).repeats", range: Self.repeatRange)
        p.hotSet = hotSet.map { $0 > 0 ? $0 : nil } ?? r.int(m["hot-set"], "\(path).hot-set", range: 1...1000)
        if let node = m["zipf"] {
            if let text = r.string(node, "\(path).zipf"), let s = Double(text), s > 0, s <= 10 {
                p.zipf = s
                if m["hot-set"] == nil {
                    r.problem(
                        "\(path).zipf", node,
                        "needs hot-set: the number of sessions the Zipf draw picks from (hot-set: 1000)")
                }
            } else {
                r.problem("\(path).zipf", node, "expected an exponent 0 < s <= 10, e.g. zipf: 1.1")
            }
        }
        let links = network.overridden(by: Self.network(r, m["network"], "\(path).network") ?? .init())
        p.network = links.proxied.isEmpty && (links.controller == nil || m["faults"] == nil) ? nil : links
        if m["clients"] == nil { r.problem("\(path).clients", node, "missing; list at least one client group") }
        for (i, c) in (r.sequence(m["clients"], "\(path).clients") ?? []).enumerated() {
            if let spec = client(r, c, "\(path).clients[\(i)]") { p.clients.append(spec) }
        }
        for (i, f) in (r.sequence(m["faults"], "\(path).faults") ?? []).enumerated() {
            if let spec = fault(r, f, "\(path).faults[\(i)]", phaseSeconds: p.duration) {
                p.faults = (p.faults ?? []) + [spec]
            }
        }
        guard let text = r.string(m["instances"], "\(path).instances") else { return [p] }
        let counts = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !counts.isEmpty, counts.allSatisfy({ $0 != nil && (1...32).contains($0!) }) else {
            r.problem(
                "\(path).instances", m["instances"],
                "expected instance counts in 1...32 separated by commas (1,2,3,5), got '\(text)'")
            return [p]
        }
        return counts.compactMap { $0 }.map { n in
            var one = p
            one.name = "\(name)@\(n)"
            one.instances = n
            one.sweep = name
            return one
        }
    }

    /// One planned fault (``FaultSpec``): `{at: 10s, do: pause-instance, instance: 1, for: 4s}`.
    /// Whether its instance exists is checked once the phase's instance count is known.
    static func fault(_ r: YAMLReader, _ node: Node, _ path: String, phaseSeconds: Double) -> FaultSpec? {
        guard let m = r.mapping(node, path, allowed: faultKeys) else { return nil }
        let before = r.problems.count
        let action = r.choice(m["do"], "\(path).do", FaultSpec.Action.allCases.map(\.rawValue))
            .flatMap(FaultSpec.Action.init)
        if m["do"] == nil {
            r.problem(
                "\(path).do", node,
                "missing; one of \(FaultSpec.Action.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let at = r.duration(m["at"], "\(path).at")
        if m["at"] == nil { r.problem("\(path).at", node, "missing; when the fault happens, like 10s") }
        guard let action, let at, r.problems.count == before else { return nil }
        var f = FaultSpec(action: action, at: at)
        f.duration = r.duration(m["for"], "\(path).for")
        f.every = r.duration(m["every"], "\(path).every")
        if let v = r.int(m["instance"], "\(path).instance", range: 0...31) { f.instance = v }
        f.link = r.choice(m["link"], "\(path).link", NetworkSpec.linkNames)
        f.latency = r.duration(m["latency"], "\(path).latency")
        if let v = r.choice(m["mode"], "\(path).mode", FaultSpec.Mode.allCases.map(\.rawValue)) {
            f.mode = FaultSpec.Mode(rawValue: v) ?? .graceful
        }
        if let v = r.choice(m["when"], "\(path).when", FaultSpec.Trigger.allCases.map(\.rawValue)) {
            f.trigger = FaultSpec.Trigger(rawValue: v) ?? .atTime
        }
        guard r.problems.count == before else { return nil }
        if let problem = f.problem(phaseSeconds: phaseSeconds, instances: nil) {
            r.problem(path, node, problem)
            return nil
        }
        return f
    }

    static func client(_ r: YAMLReader, _ node: Node, _ path: String) -> ClientSpec? {
        guard let m = r.mapping(node, path, allowed: clientKeys) else { return nil }
        guard let name = r.required(m, "name", path, line: node) else { return nil }
        var c = ClientSpec(name: name)
        if let v = r.int(m["count"], "\(path).count", range: 1...100_000) { c.count = v }
        c.countPerInstance = r.int(m["count-per-instance"], "\(path).count-per-instance", range: 1...100_000)
        if let v = r.string(m["mix"], "\(path).mix") {
            do { _ = try ProfileMix(parsing: v) } catch { r.problem("\(path).mix", m["mix"], "\(error)") }
            c.mix = v
        }
        if let v = r.int(m["slow-rate"], "\(path).slow-rate", range: 1...100_000_000) { c.slowRate = v }
        if let v = r.number(m["ramp"], "\(path).ramp", minimum: 0.1) { c.ramp = v }
        if let v = r.duration(m["restart-delay"], "\(path).restart-delay") { c.restartDelay = v }
        if let v = r.string(m["path"], "\(path).path") {
            if !v.hasPrefix("/") { r.problem("\(path).path", m["path"], "expected a path starting with /, got '\(v)'") }
            c.path = v
        }
        c.mode = r.choice(m["mode"], "\(path).mode", ClientMode.allCases.map(\.rawValue)).flatMap(ClientMode.init)
        c.method = r.choice(m["method"], "\(path).method", ["GET", "POST", "PUT", "PATCH", "DELETE"])
        c.body = r.string(m["body"], "\(path).body")
        c.headers = r.stringMap(m["headers"], "\(path).headers")
        if let text = r.string(m["slo"], "\(path).slo") {
            do {
                _ = try StreamSLO(parsing: text, duration: { DurationText.seconds($0).map(Duration.secondsDouble) })
            } catch {
                r.problem("\(path).slo", m["slo"], error.description)
            }
            c.slo = text
        }
        if let list = r.sequence(m["content-events"], "\(path).content-events") {
            c.contentEvents = list.enumerated().compactMap { i, n in r.string(n, "\(path).content-events[\(i)]") }
        }
        for name in (c.headers ?? [:]).keys where name.isEmpty || name.contains(":") || name.contains(" ") {
            r.problem("\(path).headers", m["headers"], "header '\(name)': expected a name without ':' or spaces")
        }
        if m["link"] != nil { c.link = link(r, m["link"], "\(path).link") }
        return c
    }

    /// `network:` (top level or a phase's): per link (`redis`, `postgres`, `clients`) the
    /// `latency` added to each round trip, its `jitter` (at most the latency) and a `bandwidth` in KB/s.
    static func network(_ r: YAMLReader, _ node: Node?, _ path: String) -> NetworkSpec? {
        guard let m = r.mapping(node, path, allowed: NetworkSpec.linkNames + ["controller"]) else { return nil }
        var controller: String?
        if let text = r.string(m["controller"], "\(path).controller") {
            if let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil {
                controller = text
            } else {
                r.problem(
                    "\(path).controller", m["controller"],
                    "expected the URL of a toxiproxy API like http://127.0.0.1:8474, got '\(text)'")
            }
        }
        func named(_ name: String) -> LinkSpec? { m[name] == nil ? nil : link(r, m[name], "\(path).\(name)") }
        return NetworkSpec(
            redis: named("redis"), postgres: named("postgres"), clients: named("clients"), controller: controller)
    }

    /// One link: `latency` added to each round trip, its `jitter` (at most the latency), `bandwidth` in KB/s.
    static func link(_ r: YAMLReader, _ node: Node?, _ path: String) -> LinkSpec? {
        guard let l = r.mapping(node, path, allowed: linkKeys) else { return nil }
        var spec = LinkSpec()
        if let v = r.duration(l["latency"], "\(path).latency") { spec.latency = v }
        if let v = r.duration(l["jitter"], "\(path).jitter") { spec.jitter = v }
        spec.bandwidth = r.int(l["bandwidth"], "\(path).bandwidth", range: 1...10_000_000)
        if spec.jitter > spec.latency {
            r.problem(
                "\(path).jitter", l["jitter"],
                "jitter (\(DurationText.format(spec.jitter))) must not exceed the latency (\(DurationText.format(spec.latency)))"
            )
        }
        return spec
    }

    /// Threshold expressions, each parsed now so a typo is reported with the scenario's other
    /// problems (path, line and column), and its metric checked against the names a report can have.
    static func thresholds(_ r: YAMLReader, _ items: [Node]) -> [String] {
        var out: [String] = []
        for (i, node) in items.enumerated() {
            let path = "thresholds[\(i)]"
            guard let text = r.string(node, path) else { continue }
            do {
                let t = try Threshold(parsing: text)
                if let problem = ReportMetricSource.problem(withBase: t.metric.base) {
                    r.problem(path, node, "\(problem) in \"\(text)\"")
                }
            } catch {
                r.problem(path, node, error.summary)
            }
            out.append(text)
        }
        return out
    }

    static func claim(_ r: YAMLReader, _ node: Node, _ path: String) -> ClaimSpec? {
        guard let m = r.mapping(node, path, allowed: claimKeys) else { return nil }
        let id = r.required(m, "id", path, line: node)
        let issue = r.required(m, "issue", path, line: node)
        let statement = r.required(m, "statement", path, line: node)
        let metric = r.required(m, "metric", path, line: node)
        let relationText = r.required(m, "relation", path, line: node)
        let relation = relationText.flatMap { t -> Relation? in
            if let rel = Relation(rawValue: t) { return rel }
            r.problem("\(path).relation", m["relation"], "expected one of <, <=, >, >=, ==, !=, got '\(t)'")
            return nil
        }
        var target: (factor: Double, metric: String?)?
        if m["target"] == nil {
            r.problem("\(path).target", node, "missing; it is required")
        } else if let text = r.string(m["target"], "\(path).target") {
            target = ClaimSpec.parseTarget(text)
            if target == nil {
                r.problem(
                    "\(path).target", m["target"],
                    "expected a number, PHASE.METRIC or FACTOR * PHASE.METRIC, got '\(text)'")
            }
        }
        let kind =
            r.choice(m["kind"], "\(path).kind", ClaimSpec.Kind.allCases.map(\.rawValue)).flatMap(ClaimSpec.Kind.init)
            ?? .bug
        guard let id, let issue, let statement, let metric, let relation, let target else { return nil }
        return ClaimSpec(
            id: id, issue: issue, statement: statement, kind: kind, metric: metric, relation: relation,
            target: target.factor,
            targetMetric: target.metric)
    }
}
