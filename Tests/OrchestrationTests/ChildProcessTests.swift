import Foundation
import Orchestration
import Testing

@Suite struct ChildProcessTests {
    /// A child must not keep our sockets: one holding a proxied connection open would stop the
    /// proxy's close from reaching the peer (a link taken down would stay up for that client).
    @Test func aChildInheritsOnlyStandardInputOutputAndError() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)  // no O_CLOEXEC: inherited unless the spawn closes it
        defer { fds.forEach { close($0) } }
        let log = NSTemporaryDirectory() + "/stampede-child-fds-\(getpid()).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let child = try ChildProcess(
            name: "fds", executable: "/bin/sh", arguments: ["-c", "ls /proc/$$/fd"], logPath: log)
        #expect(child.waitForExit() == 0)
        let open = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").compactMap { Int32($0) }
        #expect(!open.contains(fds[0]) && !open.contains(fds[1]), "the child holds \(open)")
        #expect(open.contains(0) && open.contains(1) && open.contains(2))
    }
}
