/// The Universal Scalability Law fitted to each instance sweep of a report: completed updates
/// per second against instances, over the sweep's complete phases. Drawn over the measured
/// points in report.html, tabled in report.md, and the basis of `stampede plan`.
public struct SweepUSL: Sendable {
    public var sweep: String
    /// The measured points the fit used (complete phases with a positive throughput).
    public var points: [USLPoint]
    /// Phases of the sweep whose numbers are weak (saturated generator, too few samples).
    public var weakPhases: [String]
    public var fit: USLFit?
    /// Why there is no fit (too few points, no convergence).
    public var problem: String?

    /// One per sweep, in name order.
    public static func fits(_ report: RunReport, metric: String = "updates_per_second") -> [SweepUSL] {
        let sweeps = Array(Set(report.phases.compactMap(\.sweep))).sorted()
        return sweeps.map { sweep in
            let phases = report.phases.filter { $0.sweep == sweep && $0.complete }
            let points = phases.compactMap { p in
                p.metrics[metric].flatMap {
                    $0.isFinite && $0 > 0 ? USLPoint(n: Double(p.instances), throughput: $0) : nil
                }
            }.sorted { $0.n < $1.n }
            let weak = phases.filter { !$0.validity.isEmpty }.map(\.name)
            do {
                return SweepUSL(
                    sweep: sweep, points: points, weakPhases: weak, fit: try USLFit(points: points), problem: nil)
            } catch {
                return SweepUSL(sweep: sweep, points: points, weakPhases: weak, fit: nil, problem: "\(error)")
            }
        }
    }

    /// The fitted curve from N = 1 to `upTo`, in steps of 0.25, for a chart.
    public func curve(upTo maxN: Double) -> [(x: Double, y: Double)] {
        guard let fit, maxN >= 1 else { return [] }
        return stride(from: 1.0, through: maxN, by: 0.25).map { ($0, fit.model.throughput(at: $0)) }
    }
}
