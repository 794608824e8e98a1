/// Why a Universal Scalability Law fit could not be made, in a sentence a user can act on.
public struct USLFitError: Error, CustomStringConvertible, Equatable {
    public enum Kind: Sendable, Equatable {
        case tooFewPoints
        case tooFewDistinctConcurrencies
        case invalidPoint
        case noConvergence
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
