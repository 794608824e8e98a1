/// Two runs side by side (`stampede report --compare A B`): every key figure of either run with
/// its change and direction (the baseline comparison's rules, A as the baseline), and every claim
/// whose verdict differs. Runs of different scenarios are refused unless forced: their figures
/// share names by accident, not by meaning.
public struct RunComparison: Sendable {
    public struct Run: Sendable, Equatable {
        public var scenario: String
        public var startedAt: String
        public var gitCommit: String?
        public var complete: Bool
    }

    /// One claim in both runs; `flipped` when the verdicts differ.
    public struct ClaimChange: Sendable, Equatable {
        public var id: String
        public var statement: String
        public var before: Verdict?
        public var after: Verdict?
        public var measuredBefore: Double?
        public var measuredAfter: Double?
        public var flipped: Bool { before != after }
    }

    /// One instance sweep measured in both runs: a metric against instances, A's and B's.
    public struct SweepPair: Sendable, Equatable {
        public var sweep: String
        public var metric: PhaseMetric
        public var before: [Point]
        public var after: [Point]
    }

    public struct Point: Sendable, Equatable {
        public var instances: Int
        public var value: Double
    }

    public var before: Run
    public var after: Run
    /// A's figures against B's (A the baseline), then the figures only B has.
    public var figures: [BaselineComparison.Row]
    public var claims: [ClaimChange]
    /// Figures that changed past the tolerance while A's and B's 95 % intervals overlap: counted
    /// as within noise (`pass`), not as regressed or improved.
    public var withinNoise: Set<String> = []
    /// The sweeps both runs measured, for charts overlaid: updates/s and the lock wait's p99.
    public var sweeps: [SweepPair] = []

    public var flippedClaims: [ClaimChange] { claims.filter(\.flipped) }
    public var regressions: [BaselineComparison.Row] { figures.filter { $0.verdict == .regressed } }

    public struct DifferentScenarios: Error, CustomStringConvertible {
        public var before: String
        public var after: String
        public var description: String {
            "the runs are of different scenarios (\(before), \(after)): their figures would be compared by name only; pass --force to compare them anyway"
        }
    }

    public init(_ a: RunReport, _ b: RunReport, tolerance: Tolerance = .default, force: Bool = false) throws {
        guard force || a.scenario == b.scenario else { throw DifferentScenarios(before: a.scenario, after: b.scenario) }
        func run(_ r: RunReport) -> Run {
            Run(scenario: r.scenario, startedAt: r.startedAt, gitCommit: r.environment.gitCommit, complete: r.complete)
        }
        before = run(a)
        after = run(b)
        // Each run's metric source is built once: its key figures, values and intervals come from it.
        let sourceA = ReportMetricSource(a)
        let sourceB = ReportMetricSource(b)
        let figuresA = KeyFigures.figures(of: sourceA)
        let figuresB = KeyFigures.figures(of: sourceB)
        var now = Dictionary(figuresB.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        for figure in figuresA where now[figure.key] == nil {
            now[figure.key] = KeyFigures.value(of: figure.key, in: sourceB)
        }
        let known = Set(figuresA.map(\.key))
        let rules = (figuresA + figuresB.filter { !known.contains($0.key) }).map {
            BaselineComparison.Rule($0.key, $0.direction)
        }
        figures = BaselineComparison(rules: rules, tolerance: tolerance).compare(
            baseline: Dictionary(figuresA.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first }),
            current: now)
        // A change past the tolerance whose two 95 % intervals overlap is not shown to be one.
        for i in figures.indices where [.regressed, .improved].contains(figures[i].verdict) {
            guard let name = MetricName(parsing: figures[i].metric), let x = sourceA.interval(named: name),
                let y = sourceB.interval(named: name), x.low <= y.high, y.low <= x.high
            else { continue }
            figures[i].verdict = .pass
            figures[i].message =
                "\(figures[i].metric): changed past the tolerance, but the 95 % intervals [\(x.low), \(x.high)] and [\(y.low), \(y.high)] overlap"
            withinNoise.insert(figures[i].metric)
        }
        func points(_ r: RunReport, _ sweep: String, _ metric: PhaseMetric) -> [Point] {
            r.phases.filter { $0.sweep == sweep }.compactMap { p in
                p.metrics[metric].map { Point(instances: p.instances, value: $0) }
            }.sorted { $0.instances < $1.instances }
        }
        let common = Set(a.phases.compactMap(\.sweep)).intersection(b.phases.compactMap(\.sweep)).sorted()
        sweeps = [PhaseMetric.updatesPerSecond, .lockWaitP99Ms].flatMap { metric in
            common.compactMap { sweep in
                let x = points(a, sweep, metric), y = points(b, sweep, metric)
                return x.isEmpty || y.isEmpty ? nil : SweepPair(sweep: sweep, metric: metric, before: x, after: y)
            }
        }
        let ids = a.claims.map(\.id) + b.claims.map(\.id).filter { id in !a.claims.contains { $0.id == id } }
        claims = ids.map { id in
            let x = a.claims.first { $0.id == id }
            let y = b.claims.first { $0.id == id }
            return ClaimChange(
                id: id, statement: (x ?? y)?.statement ?? "", before: x?.verdict, after: y?.verdict,
                measuredBefore: x?.measured, measuredAfter: y?.measured)
        }
    }
}
