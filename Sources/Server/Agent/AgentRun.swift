import Atomics
import Backends
import Foundation
import ServerConfig

/// One run of the simulated agent behind `POST /api/v1/query`, with upstream's side effects in
/// upstream's order: session created on `init` (DB + cache), `active_session` marker, an
/// `interrupted` poll per content event, then `result` and `done`, then the locked session update.
///
/// A run has three parts: `begin` (up to `init` and the session), the content events, and
/// `finish` (`result`, `done`, the update). When nothing is awaited between content events the
/// agent clock emits them and no task exists for the run in the meantime (`start`).
struct AgentRun: Sendable {
    let state: ServerState
    let request: QueryRequest
    let stream: EventStream

    struct Outcome: Sendable {
        var sessionID: String
        var numTurns: Int
        var interrupted: Bool
        var isError: Bool
    }

    /// What a run carries from `begin` to `finish`.
    struct Context: Sendable {
        var outcome: Outcome
        var started: ContinuousClock.Instant
        /// Upstream quirk: the request's DB session holds one pooled connection from `init` on.
        var held: PostgresConnection?
        var count: Int
        var message: SimulatedAgent.MessageTemplate
    }

    enum Begin {
        case ended(Outcome)
        case running(Context)
    }

    /// The whole run, awaited (used by `/query/single`).
    func run() async -> Outcome {
        switch await begin() {
        case .ended(let o): return o
        case .running(let ctx):
            let (turns, alive, interrupted) = await content(ctx)
            return await finish(ctx, turns: turns, alive: alive, interrupted: interrupted)
        }
    }

    /// Starts the run and returns as soon as the clock emits its content (or after the whole run
    /// when events must be awaited one by one); `completion` gets the outcome at the very end.
    func start(completion: @escaping @Sendable (Outcome) -> Void) async {
        switch await begin() {
        case .ended(let o):
            completion(o)
        case .running(let ctx):
            if emitsFromClock {
                let run = self
                ContentEmitter(
                    stream: stream, clock: state.clock, template: ctx.message,
                    interval: state.configuration.agent.eventInterval,
                    count: ctx.count
                ) { turns, alive in
                    Task { completion(await run.finish(ctx, turns: turns, alive: alive, interrupted: false)) }
                }.start()
            } else {
                let (turns, alive, interrupted) = await content(ctx)
                completion(await finish(ctx, turns: turns, alive: alive, interrupted: interrupted))
            }
        }
    }

    /// Nothing asynchronous happens between content events: no interrupt poll, no partials.
    private var emitsFromClock: Bool { !state.configuration.pollInterruptPerEvent && !request.includePartialMessages }

    private func begin() async -> Begin {
        let config = state.configuration
        let agent = state.agent
        let runNumber = state.runCounter.wrappingIncrementThenLoad(ordering: .relaxed)
        let sessionID = request.sessionID ?? UUID().uuidString.lowercased()
        var outcome = Outcome(sessionID: sessionID, numTurns: 0, interrupted: false, isError: false)

        guard await state.slots.acquire() else {
            _ = await stream.push(
                name: "error",
                data: "{\"code\": \"AGENT_ERROR\", \"message\": \"Agent capacity exhausted\", \"details\": null}")
            _ = await stream.push(name: "done", data: "{\"reason\": \"error\"}")
            outcome.isError = true
            return .ended(outcome)
        }
        var ctx = Context(
            outcome: outcome, started: .now, held: nil,
            count: min(agent.eventCount(run: runNumber), request.maxTurns.map { $0 * 1000 } ?? Int.max),
            message: agent.messageTemplate(model: request.model))
        if config.agent.startDelay > .zero { try? await Task.sleep(for: config.agent.startDelay) }
        let initData = agent.initData(
            sessionID: sessionID, model: request.model, tools: request.allowedTools,
            permissionMode: request.permissionMode)
        guard await stream.push(name: "init", data: initData) else {
            state.slots.release()
            ctx.outcome.interrupted = true
            return .ended(ctx.outcome)
        }
        if request.sessionID == nil {
            do {
                if config.holdDBConnectionPerStream { ctx.held = try await state.databasePool.checkout() }
                _ = try await state.sessions.create(
                    id: sessionID, model: request.model, ownerHash: state.ownerHash, held: ctx.held)
            } catch {
                state.metrics.sessionCreateErrors.inc()
                ctx.outcome.isError = true
                if let h = ctx.held {
                    state.databasePool.release(h)
                    ctx.held = nil
                }
                let message = SimulatedAgent.jsonString("\(error)")
                _ = await stream.push(
                    name: "error", data: "{\"error\": \"Session creation failed\", \"message\": \(message)}")
            }
        }
        try? await state.cache.markActive(sessionID)
        return .running(ctx)
    }

    /// Content events one by one, awaiting the clock, partials and the interrupt poll in between.
    private func content(_ ctx: Context) async -> (turns: Int, alive: Bool, interrupted: Bool) {
        let config = state.configuration
        var turns = 0
        var alive = true
        for i in 0..<ctx.count where alive {
            await state.clock.sleep(for: config.agent.eventInterval)
            if request.includePartialMessages {
                for p in state.agent.partialData(index: i) where alive {
                    alive = await stream.push(name: "partial", data: p)
                }
            }
            guard alive else { break }
            alive = await stream.push { id, seq in ctx.message.encode(streamID: id, seq: seq, index: i) }
            if alive { turns += 1 }
            if config.pollInterruptPerEvent, (try? await state.cache.isInterrupted(ctx.outcome.sessionID)) == true {
                return (turns, alive, true)
            }
        }
        return (turns, alive, false)
    }

    private func finish(_ ctx: Context, turns: Int, alive: Bool, interrupted: Bool) async -> Outcome {
        var outcome = ctx.outcome
        outcome.numTurns = turns
        outcome.interrupted = interrupted || !alive
        let cost = SimulatedAgent.cost(turns: turns)
        if alive {
            let durationMS = Int(ctx.started.duration(to: .now).seconds * 1000)
            _ = await stream.push(
                name: "result",
                data: state.agent.resultData(
                    sessionID: outcome.sessionID, model: request.model, numTurns: turns, cost: cost,
                    durationMS: durationMS,
                    isError: outcome.isError))
            let reason = outcome.interrupted ? "interrupted" : (outcome.isError ? "error" : "completed")
            _ = await stream.push(name: "done", data: "{\"reason\": \"\(reason)\"}")
        }
        state.slots.release()
        try? await state.cache.clearActive(outcome.sessionID)
        // The end-of-stream update, under the lock (SCALE-001). Errors are counted, as upstream
        // logs them after `done` has gone out.
        _ = try? await state.sessions.update(
            id: outcome.sessionID, status: outcome.isError ? "error" : "completed", addTurns: turns, cost: cost,
            held: ctx.held)
        if let held = ctx.held { state.databasePool.release(held) }
        return outcome
    }
}
