/// The comparison of a threshold: `<`, `<=`, `>`, `>=`, `==`, `!=`.
///
/// `==` and `!=` compare with a relative tolerance of 1e-9, so that a bound written in one unit
/// (`1500ms`) equals a value measured in another (1.5 s) despite binary rounding.
public enum ComparisonOperator: String, Sendable, Codable, CaseIterable {
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case equal = "=="
    case notEqual = "!="

    public func holds(_ lhs: Double, _ rhs: Double) -> Bool {
        switch self {
        case .less: lhs < rhs
        case .lessOrEqual: lhs <= rhs
        case .greater: lhs > rhs
        case .greaterOrEqual: lhs >= rhs
        case .equal: Self.nearlyEqual(lhs, rhs)
        case .notEqual: !Self.nearlyEqual(lhs, rhs)
        }
    }

    static func nearlyEqual(_ a: Double, _ b: Double) -> Bool {
        a == b || abs(a - b) <= 1e-9 * max(abs(a), abs(b))
    }
}
