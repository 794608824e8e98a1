/// Client profiles mixed by integer weight, e.g. `fast:80,slow:15,stalled:5`.
public struct ProfileMix: Sendable, Equatable, Codable {
    public struct Entry: Sendable, Equatable, Codable {
        public var profile: ClientProfile
        public var weight: Int
    }

    public private(set) var entries: [Entry]

    public static let allFast = ProfileMix(entries: [Entry(profile: .fast, weight: 1)])

    public struct ParseError: Error, CustomStringConvertible {
        public var description: String
    }

    public init(entries: [Entry]) {
        self.entries = entries
    }

    /// Parses `name:weight[,name:weight...]`; a bare name has weight 1.
    public init(parsing text: String) throws(ParseError) {
        let names = ClientProfile.allCases.map(\.rawValue).joined(separator: "|")
        let form = "expected NAME:WEIGHT[,NAME:WEIGHT...] with NAME one of \(names), e.g. fast:80,slow:20"
        var entries: [Entry] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            guard pieces.count == 1 || pieces.count == 2,
                let profile = ClientProfile(rawValue: pieces[0].trimmingSpaces())
            else { throw ParseError(description: "'\(part)': \(form)") }
            var weight = 1
            if pieces.count == 2 {
                guard let w = Int(pieces[1].trimmingSpaces()), w >= 0 else {
                    throw ParseError(description: "'\(part)': weight must be a whole number >= 0; \(form)")
                }
                weight = w
            }
            guard !entries.contains(where: { $0.profile == profile }) else {
                throw ParseError(description: "'\(profile.rawValue)' appears twice; \(form)")
            }
            entries.append(Entry(profile: profile, weight: weight))
        }
        guard entries.contains(where: { $0.weight > 0 }) else {
            throw ParseError(description: "'\(text)': at least one weight must be positive; \(form)")
        }
        self.entries = entries
    }

    /// Profiles for clients `0..<count`: smooth weighted round-robin, so any prefix of the clients
    /// (those ramped up so far) follows the weights as closely as integers allow.
    public func assignments(count: Int) -> [ClientProfile] {
        Self.roundRobin(weights: entries.map(\.weight), count: count).map { entries[$0].profile }
    }

    /// The index into `weights` of each of `count` items, by smooth weighted round-robin (the
    /// simulator's reader mixes use it too). Needs at least one positive weight.
    public static func roundRobin(weights: [Int], count: Int) -> [Int] {
        let total = weights.reduce(0, +)
        guard total > 0 else { return [] }
        var given = [Int](repeating: 0, count: weights.count)
        var result: [Int] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            let slot = index % total
            if slot == 0 { given = [Int](repeating: 0, count: weights.count) }
            var best = 0
            var bestScore = Int.min
            for (j, w) in weights.enumerated() where w > 0 {
                let owed = (slot + 1) * w - total * given[j]
                if owed > bestScore {
                    bestScore = owed
                    best = j
                }
            }
            given[best] += 1
            result.append(best)
        }
        return result
    }

    public var description: String {
        entries.map { "\($0.profile.rawValue):\($0.weight)" }.joined(separator: ",")
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(self.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
