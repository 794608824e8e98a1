/// One process's share of a test split over `count` processes (k6 calls it an execution
/// segment): shard `index` (0-based, as Kubernetes' `JOB_COMPLETION_INDEX`) runs global clients,
/// virtual users and open-model arrivals `index, index + count, index + 2·count, ...` of the
/// whole test, each at the time and on the target it has in the whole test. The shards' sum is
/// the whole test: no client counted twice or lost.
///
/// Profiles: the whole test's profile sequence (``ProfileMix/assignments(count:)``) repeats a
/// pattern, which striping by `count` could line up with one shard (every slow client in shard 0
/// of 4 under `fast:80,slow:15,stalled:5`). So shard `index` takes a contiguous run of that
/// sequence instead (``firstOfBlock(of:)`` on): each shard has the mix's proportions, and the
/// shards' profiles add up to the whole test's exactly.
public struct Shard: Sendable, Equatable, Codable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    /// The whole test in one process.
    public static let whole = Shard(index: 0, count: 1)

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    public struct ParseError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Parses `i/n` (0 ≤ i < n ≤ 1024).
    public init(parsing text: String) throws(ParseError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw ParseError(description: "'\(text)': expected INDEX/COUNT with a 0-based index, e.g. 0/4 ... 3/4")
        }
        guard n >= 1, n <= Self.maxCount else {
            throw ParseError(description: "'\(text)': the shard count must be 1...\(Self.maxCount)")
        }
        guard i >= 0, i < n else {
            throw ParseError(
                description:
                    "'\(text)': the index is 0-based (as JOB_COMPLETION_INDEX), so 0...\(n - 1) for \(n) shards")
        }
        self.init(index: i, count: n)
    }

    public static let maxCount = 1024

    /// How many of `total` items (clients, VUs, slots) are this shard's.
    public func share(of total: Int) -> Int {
        total > index ? (total - index + count - 1) / count : 0
    }

    /// The whole test's number of this shard's `local`-th item.
    public func global(_ local: Int) -> Int { index + local * count }

    /// Where this shard's run of a sequence of `total` items begins: the shares of the shards before it.
    public func firstOfBlock(of total: Int) -> Int {
        (0..<index).reduce(0) { $0 + Shard(index: $1, count: count).share(of: total) }
    }

    /// The profiles of this shard's clients, in its local order, from the whole test's sequence.
    public func profiles(_ whole: [ClientProfile]) -> ArraySlice<ClientProfile> {
        let start = firstOfBlock(of: whole.count)
        return whole[start..<(start + share(of: whole.count))]
    }

    public var isWhole: Bool { count == 1 }

    public var description: String { "\(index)/\(count)" }
}
