/// Something named that may belong to an instance-count sweep (phases as specified and as run).
public protocol SweepMember {
    var name: String { get }
    /// The sweep's base name, when this is one of its `NAME@N` phases.
    var sweep: String? { get }
    /// The instance count of this sweep point.
    var sweepInstances: Int? { get }
    /// The popularity sweep's base name and this point's hot-set size, when it belongs to one.
    var popularityBase: String? { get }
    var hotSetSize: Int? { get }
}

/// Finds a phase by name; `SWEEP@max` and `SWEEP@min` name a sweep's largest and smallest fleet,
/// so claims keep working when `--set` changes the instance counts. Under a popularity sweep
/// (`hot-set: 1,4,16`), `NAME` and `NAME@max` name the hottest point (the smallest hot set,
/// `NAME-hot1…`), so the same claims hold whether the hot set is one size or a sweep.
public enum SweepLookup {
    public static func find<P: SweepMember>(_ name: String, in phases: [P]) -> P? {
        if let exact = phases.first(where: { $0.name == name }) { return exact }
        let base = name.hasSuffix("@max") || name.hasSuffix("@min") ? String(name.dropLast(4)) : name
        if let hottest = phases.filter({ $0.popularityBase == base }).min(by: {
            ($0.hotSetSize ?? 0) < ($1.hotSetSize ?? 0)
        }),
            let sweep = hottest.sweep ?? Optional(hottest.name), sweep != base
        {
            return find(sweep + name.dropFirst(base.count), in: phases)
        }
        for (suffix, largest) in [("@max", true), ("@min", false)] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            let members = phases.filter { $0.sweep == base && $0.sweepInstances != nil }
            return largest
                ? members.max { $0.sweepInstances! < $1.sweepInstances! }
                : members.min { $0.sweepInstances! < $1.sweepInstances! }
        }
        return nil
    }
}

extension PhaseSpec: SweepMember {
    public var sweepInstances: Int? { sweep == nil ? nil : instances }
    public var popularityBase: String? { popularity }
    public var hotSetSize: Int? { hotSet }
}
