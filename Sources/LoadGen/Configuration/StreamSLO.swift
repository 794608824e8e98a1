/// Service-level objectives a stream must meet to count toward **goodput** (as vLLM defines it:
/// the requests that met every SLO): `ttfe<1s,gap.p99<500ms,completion<30s`.
///
/// - `ttfe`: request start to the first content event (an agent API's time to first token);
/// - `gap.pNN` (e.g. `gap.p99`) or `gap.max`: this stream's gaps between content events, at most
///   (100 − NN) % of them above the bound (`max`: none);
/// - `completion`: request start to the stream's end with `done`.
///
/// A stream that did not complete (an error, a close before `done`) misses the SLO whatever its
/// times. Bounds are strict with `<` and inclusive with `<=`.
public struct StreamSLO: Sendable, Equatable, CustomStringConvertible {
    public enum Name: Sendable, Equatable {
        case firstContent
        /// The share of this stream's gaps that may exceed the bound: 0.01 for `gap.p99`, 0 for `gap.max`.
        case gap(allowedOver: Double, label: String)
        case completion
    }

    public struct Term: Sendable, Equatable {
        public var name: Name
        public var bound: Duration
        public var inclusive: Bool
        public var text: String
    }

    public struct ParseError: Error, CustomStringConvertible {
        public var description: String
    }

    public var terms: [Term]

    /// Parses the comma-separated terms; `duration` reads a bound (the caller's duration grammar).
    public init(parsing text: String, duration: (String) -> Duration?) throws(ParseError) {
        let form =
            "expected NAME<DURATION[,...] with NAME ttfe, gap.p99 (any pNN), gap.max or completion, e.g. ttfe<1s,gap.p99<500ms,completion<30s"
        var terms: [Term] = []
        for raw in text.split(separator: ",", omittingEmptySubsequences: false) {
            let part = raw.filter { $0 != " " }
            let inclusive = part.contains("<=")
            let pieces = part.split(separator: "<", maxSplits: 1, omittingEmptySubsequences: false)
            guard pieces.count == 2 else { throw ParseError(description: "'\(raw)': \(form)") }
            let boundText = inclusive ? String(pieces[1].dropFirst()) : String(pieces[1])
            guard let bound = duration(boundText), bound > .zero else {
                throw ParseError(
                    description: "'\(raw)': the bound '\(boundText)' is not a duration above zero like 500ms or 2s")
            }
            let name: Name
            switch pieces[0] {
            case "ttfe": name = .firstContent
            case "completion": name = .completion
            case "gap.max": name = .gap(allowedOver: 0, label: "gap.max")
            case let key where key.hasPrefix("gap.p"):
                guard let p = Double(key.dropFirst("gap.p".count)), p > 0, p < 100 else {
                    throw ParseError(
                        description: "'\(raw)': a gap percentile is gap.pNN with 0 < NN < 100, e.g. gap.p99")
                }
                name = .gap(allowedOver: (100 - p) / 100, label: String(key))
            default:
                throw ParseError(description: "'\(raw)': unknown SLO '\(pieces[0])'; \(form)")
            }
            if terms.contains(where: { Self.sameKind($0.name, name) }) {
                throw ParseError(description: "'\(raw)': \(Self.kind(name)) is given twice")
            }
            terms.append(Term(name: name, bound: bound, inclusive: inclusive, text: part))
        }
        guard !terms.isEmpty else { throw ParseError(description: "empty SLO; \(form)") }
        self.terms = terms
    }

    public var description: String { terms.map(\.text).joined(separator: ",") }

    /// The gap bound in nanoseconds, if a gap term is given (the engine counts gaps above it).
    public var gapBoundNanos: UInt64? {
        for t in terms { if case .gap = t.name { return t.bound.nanoseconds } }
        return nil
    }

    /// Which terms a completed stream missed (empty: it met the SLO). Times in nanoseconds;
    /// `firstContent` nil when no content event came.
    public func missed(firstContent: UInt64?, gaps: Int, gapsOverBound: Int, completion: UInt64) -> [Name] {
        terms.compactMap { t in
            let bound = t.bound.nanoseconds
            func over(_ v: UInt64) -> Bool { t.inclusive ? v > bound : v >= bound }
            switch t.name {
            case .firstContent:
                guard let first = firstContent else { return t.name }
                return over(first) ? t.name : nil
            case .completion:
                return over(completion) ? t.name : nil
            case .gap(let allowed, _):
                guard gaps > 0 else { return nil }
                // With `<`, a gap equal to the bound counts as over: the engine counts gaps >= bound then.
                return Double(gapsOverBound) > allowed * Double(gaps) + 1e-9 ? t.name : nil
            }
        }
    }

    static func kind(_ n: Name) -> String {
        switch n {
        case .firstContent: "ttfe"
        case .gap: "a gap term"
        case .completion: "completion"
        }
    }

    static func sameKind(_ a: Name, _ b: Name) -> Bool { kind(a) == kind(b) }

    /// Whether the gap term's bound is inclusive (`<=`): gaps equal to it are then not over.
    public var gapInclusive: Bool {
        for t in terms { if case .gap = t.name { return t.inclusive } }
        return false
    }
}
