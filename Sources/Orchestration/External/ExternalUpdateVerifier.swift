import Foundation
import LoadGen

/// The lost-update check of a hot-session phase against an external target, through the API
/// only (`GET /api/v1/sessions/{id}`: `total_turns`), with no database access: each hot session
/// was created by one complete run, so its `total_turns` right after creation is the turns one
/// run adds (`turnsPerRun`, the same for all, else not measured). After the load and a quiet
/// moment, a burst of streams over every target that all complete must add
/// `completed × turnsPerRun` turns; each update short of that is a lost one.
struct ExternalUpdateVerifier {
    var target: ExternalTarget
    var sessionIDs: [String]
    var turnsPerRun: Int
    var clientsPerInstance = 4
    /// Upper bound of the burst (a stream that waits out a lock timeout included).
    var burstSeconds: Double = 60
    var cancellation: RunCancellation

    /// The turns one run adds, from the freshly created sessions; or why it cannot be known.
    static func turnsPerRun(target: ExternalTarget, ids: [String]) -> Result<Int, ReasonError> {
        guard let totals = Self.totals(target: target, ids: ids) else {
            return .failure(ReasonError("GET /api/v1/sessions/{id} did not return every hot session's total_turns"))
        }
        let distinct = Set(totals.values)
        guard distinct.count == 1, let k = distinct.first, k > 0 else {
            return .failure(
                ReasonError(
                    "one run added \(distinct.sorted().map(String.init).joined(separator: ", ")) turns to the fresh sessions: the check needs a fixed count above 0"
                ))
        }
        return .success(k)
    }

    struct ReasonError: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    func run() async -> UpdateVerifier.Outcome {
        guard let before = await quietTotals() else {
            return .notMeasured("GET /api/v1/sessions/{id} did not return every hot session's total_turns")
        }
        let c = UpdateVerifier.burstConfiguration(
            bases: target.bases, apiKey: target.apiKey, pool: .init(hotSet: sessionIDs.count, ids: sessionIDs),
            clientsPerInstance: clientsPerInstance, seconds: burstSeconds)
        let clients = c.clients
        guard let burst = try? await UpdateVerifier.withLoadRun(c, cancellation: cancellation) else {
            return .notMeasured("the verification burst could not start")
        }
        let completed = burst.counters.streamsCompleted
        guard completed == clients, burst.counters.failed == 0, burst.counters.errorEvents == 0 else {
            return .notMeasured(
                "the verification burst did not finish cleanly (\(completed) of \(clients) streams completed, \(burst.counters.failed) failed, \(burst.counters.errorEvents) error events): a failed update is not a lost one"
            )
        }
        guard let after = await quietTotals() else {
            return .notMeasured("GET /api/v1/sessions/{id} did not return every hot session's total_turns")
        }
        let added = sessionIDs.reduce(0) { $0 + (after[$1] ?? 0) - (before[$1] ?? 0) }
        let expected = completed * turnsPerRun
        return .measured(max(0, expected - added) / turnsPerRun)
    }

    /// The hot sessions' totals once they have not changed for a second (at most 15 s).
    func quietTotals() async -> [String: Int]? {
        let deadline = Date().addingTimeInterval(15)
        var last = Self.totals(target: target, ids: sessionIDs)
        var stableSince = Date()
        while Date() < deadline, !cancellation.isCancelled {
            try? await Task.sleep(for: .milliseconds(250))
            let now = Self.totals(target: target, ids: sessionIDs)
            if now != last {
                last = now
                stableSince = Date()
            } else if Date().timeIntervalSince(stableSince) >= 1 {
                break
            }
        }
        return last
    }

    /// Each session's `total_turns`, read from the first target; nil if any read fails.
    static func totals(target: ExternalTarget, ids: [String]) -> [String: Int]? {
        guard let e = target.endpoints.first, e.scheme == "http" else { return nil }
        var out: [String: Int] = [:]
        for id in ids {
            guard
                let r = HTTPProbe.request(
                    host: e.host, port: e.port, path: e.prefix + "/api/v1/sessions/\(id)",
                    headers: ["X-API-Key": target.apiKey], timeout: 5),
                r.status == 200,
                let object = try? JSONSerialization.jsonObject(with: Data(r.body.utf8)) as? [String: Any],
                let turns = (object["total_turns"] as? NSNumber)?.intValue
            else { return nil }
            out[id] = turns
        }
        return out
    }
}
