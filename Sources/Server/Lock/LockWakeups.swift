import Backends
import Foundation
import Synchronization

/// The fair lock's door bell: one subscribed Redis connection per server instance, on its own
/// thread, that receives the hand-offs releasers publish (`<waiter> <fence>` on this instance's
/// channel) and wakes the waiting task. A message can be lost (reconnect, pause): waiters also
/// poll, so a lost wake-up costs at most one poll interval, never the lock.
final class LockWakeups: Sendable {
    /// This instance's channel; waiter ids start with it (`<channel>|<uuid>`), so a releaser on
    /// any instance knows where to publish.
    let channel: String
    private let endpoint: RedisEndpoint

    private struct Waiting {
        var continuation: CheckedContinuation<Void, Never>?
        var generation = 0
        /// A hand-off that arrived while nobody was waiting (between asking and waiting).
        var rang = false
    }

    private struct State {
        var waiters: [String: Waiting] = [:]
        var connection: RedisConnection?
        var stopped = false
    }

    private let state = Mutex(State())

    init(endpoint: RedisEndpoint) {
        self.endpoint = endpoint
        channel = "stampede:lockwake:\(UUID().uuidString.lowercased())"
    }

    func newWaiterID() -> String { "\(channel)|\(UUID().uuidString.lowercased())" }

    /// Starts the subscriber thread (it reconnects until ``stop()``).
    func start() {
        let thread = Thread { [self] in listen() }
        thread.name = "stampede-lock-wakeups"
        thread.start()
    }

    func stop() {
        let connection = state.withLock { s -> RedisConnection? in
            s.stopped = true
            return s.connection
        }
        connection?.interrupt()
        ringAll()
    }

    /// Registers `waiter` before it asks for the lock, so a hand-off that comes before it waits is kept.
    func expect(_ waiter: String) {
        state.withLock { $0.waiters[waiter] = Waiting() }
    }

    /// Unregisters `waiter`, waking it if it still waits.
    func forget(_ waiter: String) {
        let c = state.withLock { $0.waiters.removeValue(forKey: waiter)?.continuation }
        c?.resume()
    }

    /// Waits until `waiter` is rung or `limit` passes.
    func wait(_ waiter: String, upTo limit: Duration) async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let generation = state.withLock { s -> Int? in
                guard var w = s.waiters[waiter], !w.rang, !s.stopped else { return nil }
                w.generation += 1
                w.continuation = c
                s.waiters[waiter] = w
                return w.generation
            }
            guard let generation else {
                state.withLock { $0.waiters[waiter]?.rang = false }
                c.resume()
                return
            }
            Task {
                try? await Task.sleep(for: limit)
                self.ring(waiter, generation: generation)
            }
        }
    }

    /// Wakes `waiter` (a timer passes its generation, so an old timer cannot cut a later wait short).
    private func ring(_ waiter: String, generation: Int? = nil) {
        let c = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard var w = s.waiters[waiter] else { return nil }
            if let generation, generation != w.generation { return nil }
            guard let c = w.continuation else {
                if generation == nil { w.rang = true }
                s.waiters[waiter] = w
                return nil
            }
            w.continuation = nil
            s.waiters[waiter] = w
            return c
        }
        c?.resume()
    }

    /// After a reconnect every waiter may have missed its message: all look again.
    private func ringAll() {
        let ids = state.withLock { Array($0.waiters.keys) }
        for id in ids { ring(id) }
    }

    private func listen() {
        while !state.withLock({ $0.stopped }) {
            do {
                let connection = try RedisConnection(endpoint: endpoint, timeoutMilliseconds: 2000)
                let stopped = state.withLock { s -> Bool in
                    if !s.stopped { s.connection = connection }
                    return s.stopped
                }
                if stopped { return }
                guard case .array = try connection.command(["SUBSCRIBE", channel]) else {
                    throw RedisError.reply("SUBSCRIBE \(channel) was refused")
                }
                connection.setTimeout(milliseconds: 0)
                ringAll()
                while true {
                    guard case .array(let parts) = try connection.readReply(), parts.count == 3,
                        case .string(let payload) = parts[2]
                    else { continue }
                    let text = String(decoding: payload, as: UTF8.self)
                    let waiter = text.split(separator: " ", maxSplits: 1).first.map(String.init) ?? text
                    ring(waiter)
                }
            } catch {
                state.withLock { $0.connection = nil }
                if state.withLock({ $0.stopped }) { return }
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
    }
}
