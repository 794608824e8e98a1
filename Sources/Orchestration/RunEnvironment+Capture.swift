import Analysis
import Foundation
import SystemSupport

extension RunEnvironment {
    public static func capture(executable: String, services: String) -> RunEnvironment {
        var u = utsname()
        uname(&u)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        let limits = FileDescriptorLimit.current()
        let osName = (try? String(contentsOfFile: "/etc/os-release", encoding: .utf8))?.split(separator: "\n")
            .first { $0.hasPrefix("PRETTY_NAME=") }.map {
                $0.dropFirst(12).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        let commit = Self.command(["git", "rev-parse", "HEAD"])
        let dirty =
            commit == nil
            ? nil : !(Self.command(["git", "status", "--porcelain", "--untracked-files=no"]) ?? "").isEmpty
        return RunEnvironment(
            hostname: ProcessInfo.processInfo.hostName, cores: ProcessInfo.processInfo.activeProcessorCount,
            memoryBytes: Int(ProcessInfo.processInfo.physicalMemory),
            kernel: "\(field(u.sysname)) \(field(u.release)) \(field(u.machine))",
            os: osName ?? "unknown", fdSoftLimit: limits.soft, fdHardLimit: limits.hard, gitCommit: commit,
            gitDirty: dirty,
            stampedeExecutable: executable, services: services,
            redisVersion: Self.command(["redis-server", "--version"]),
            postgresVersion: EmbeddedServices.postgresBinDirectory().flatMap {
                Self.command([$0 + "/postgres", "--version"])
            })
    }

    /// Runs a short command (PATH lookup) and returns its trimmed stdout, or nil on failure.
    static func command(_ argv: [String]) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: argv[0].hasPrefix("/") ? argv[0] : "/usr/bin/env")
        p.arguments = argv[0].hasPrefix("/") ? Array(argv.dropFirst()) : argv
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
