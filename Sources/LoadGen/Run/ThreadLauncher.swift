#if canImport(Glibc)
import Glibc
#endif

/// Starts a detached OS thread that runs `body`. The engines run here, off the Swift concurrency
/// pool, because each blocks in `epoll_wait`.
enum ThreadLauncher {
    private final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    struct Failed: Error, CustomStringConvertible {
        var code: Int32
        var description: String { "could not start an engine thread (pthread_create: \(code))" }
    }

    static func start(_ body: @escaping () -> Void) throws(Failed) {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(
            &thread, nil,
            { arg in
                let box = Unmanaged<Box>.fromOpaque(arg!).takeRetainedValue()
                box.body()
                return nil
            }, box)
        guard rc == 0 else {
            Unmanaged<Box>.fromOpaque(box).release()
            throw Failed(code: rc)
        }
        pthread_detach(thread)
    }
}
