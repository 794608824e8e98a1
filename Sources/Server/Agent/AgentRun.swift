import Atomics
import Foundation

/// One run of the simulated agent behind `POST /api/v1/query`, with upstream's side effects in
/// upstream's order: session created on `init` (DB + cache), `active_session` marker, an
/// `interrupted` poll per content event, then `result` and `done`, then the locked session update.
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

    func run() async -> Outcome {
        let config = state.configuration
        let agent = state.agent
        let runNumber = state.runCounter.wrappingIncrementThenLoad(ordering: .relaxed)
        let sessionID = request.sessionID ?? UUID().uuidString.lowercased()
        let started = ContinuousClock.now
        var outcome = Outcome(sessionID: sessionID, numTurns: 0, interrupted: false, isError: false)

        // Upstream quirk: the request's DB session holds one pooled connection from `init` on.
        var held: PostgresConnection?
        defer { if let held { state.databasePool.release(held) } }

        guard await state.slots.acquire() else {
            _ = await stream.push(name: "error", data: "{\"code\": \"AGENT_ERROR\", \"message\": \"Agent capacity exhausted\", \"details\": null}")
            _ = await stream.push(name: "done", data: "{\"reason\": \"error\"}")
            outcome.isError = true
            return outcome
        }
        var slotHeld = true
        func releaseSlot() {
            if slotHeld {
                state.slots.release()
                slotHeld = false
            }
        }
        defer { releaseSlot() }

        if config.agent.startDelay > .zero { try? await Task.sleep(for: config.agent.startDelay) }
        let initData = agent.initData(
            sessionID: sessionID, model: request.model, tools: request.allowedTools, permissionMode: request.permissionMode)
        guard await stream.push(name: "init", data: initData) else {
            outcome.interrupted = true
            return outcome
        }
        if request.sessionID == nil {
            do {
                if config.holdDBConnectionPerStream { held = try await state.databasePool.checkout() }
                _ = try await state.sessions.create(id: sessionID, model: request.model, ownerHash: state.ownerHash, held: held)
            } catch {
                state.metrics.sessionCreateErrors.inc()
                outcome.isError = true
                if let h = held {
                    state.databasePool.release(h)
                    held = nil
                }
                let message = SimulatedAgent.jsonString("\(error)")
                _ = await stream.push(name: "error", data: "{\"error\": \"Session creation failed\", \"message\": \(message)}")
            }
        }
        try? await state.cache.markActive(sessionID)

        let message = agent.messageTemplate(model: request.model)
        let count = min(agent.eventCount(run: runNumber), request.maxTurns.map { $0 * 1000 } ?? Int.max)
        var alive = true
        if !config.pollInterruptPerEvent && !request.includePartialMessages {
            // Nothing to await between events: the clock emits them.
            let (turns, ok) = await withCheckedContinuation { (cont: CheckedContinuation<(Int, Bool), Never>) in
                ContentEmitter(stream: stream, clock: state.clock, template: message, interval: config.agent.eventInterval, count: count) {
                    cont.resume(returning: ($0, $1))
                }.start()
            }
            outcome.numTurns = turns
            alive = ok
        } else {
            for i in 0..<count where alive {
                await state.clock.sleep(for: config.agent.eventInterval)
                if request.includePartialMessages {
                    for p in agent.partialData(index: i) where alive { alive = await stream.push(name: "partial", data: p) }
                }
                guard alive else { break }
                alive = await stream.push(name: "message") { id, seq in message.encode(streamID: id, seq: seq, index: i) }
                if alive { outcome.numTurns += 1 }
                if config.pollInterruptPerEvent, (try? await state.cache.isInterrupted(sessionID)) == true {
                    outcome.interrupted = true
                    break
                }
            }
        }
        if !alive { outcome.interrupted = true }
        let cost = SimulatedAgent.cost(turns: outcome.numTurns)
        let durationMS = Int(started.duration(to: .now).seconds * 1000)
        if alive {
            _ = await stream.push(
                name: "result",
                data: agent.resultData(
                    sessionID: sessionID, model: request.model, numTurns: outcome.numTurns, cost: cost, durationMS: durationMS,
                    isError: outcome.isError))
            let reason = outcome.interrupted ? "interrupted" : (outcome.isError ? "error" : "completed")
            _ = await stream.push(name: "done", data: "{\"reason\": \"\(reason)\"}")
        }
        releaseSlot()
        try? await state.cache.clearActive(sessionID)
        // The end-of-stream update, under the lock (SCALE-001). Errors are counted, as upstream
        // logs them after `done` has gone out.
        _ = try? await state.sessions.update(
            id: sessionID, status: outcome.isError ? "error" : "completed", addTurns: outcome.numTurns, cost: cost, held: held)
        return outcome
    }
}
