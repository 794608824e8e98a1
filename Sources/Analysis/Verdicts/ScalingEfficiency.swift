/// Scaling efficiency of instance sweeps: X(N) / (N × X(1)) with X = `updates_per_second`, added
/// to each sweep point's metrics as `scaling_efficiency`. When the sweep has no 1-instance point,
/// its smallest point N₀ is the base: X(N)·N₀ / (N·X(N₀)). A sweep with one fleet size has no
/// efficiency (it would be 1 by definition, and claims on it would pass or fail on nothing).
public enum ScalingEfficiency {
    public static let throughputMetric = PhaseMetric.updatesPerSecond

    public static func apply(to phases: inout [PhaseResult]) {
        let sweeps = Set(phases.compactMap(\.sweep))
        for sweep in sweeps {
            let members = phases.indices.filter { phases[$0].sweep == sweep && phases[$0].complete }
            guard Set(members.map { phases[$0].instances }).count >= 2 else { continue }
            guard let base = members.min(by: { phases[$0].instances < phases[$1].instances }),
                let x0 = phases[base].metrics[throughputMetric], x0 > 0
            else { continue }
            let n0 = Double(phases[base].instances)
            for i in members {
                guard let x = phases[i].metrics[throughputMetric] else { continue }
                let k = n0 / Double(phases[i].instances)
                phases[i].metrics[.scalingEfficiency] = x * k / x0
                let key = throughputMetric.rawValue
                if i != base, let a = phases[i].intervals?[key], let b = phases[base].intervals?[key],
                    let e = ConfidenceInterval.ratio(a, over: b, times: k)
                {
                    phases[i].intervals?[PhaseMetric.scalingEfficiency.rawValue] = e
                }
            }
        }
    }
}
