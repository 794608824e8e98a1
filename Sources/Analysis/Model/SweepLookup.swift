/// Something named that may belong to an instance-count sweep (phases as specified and as run).
public protocol SweepMember {
    var name: String { get }
    /// The sweep's base name, when this is one of its `NAME@N` phases.
    var sweep: String? { get }
    /// The instance count of this sweep point.
    var sweepInstances: Int? { get }
}

/// Finds a phase by name; `SWEEP@max` and `SWEEP@min` name a sweep's largest and smallest fleet,
/// so claims keep working when `--set` changes the instance counts.
public enum SweepLookup {
    public static func find<P: SweepMember>(_ name: String, in phases: [P]) -> P? {
        if let exact = phases.first(where: { $0.name == name }) { return exact }
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
}
