import ArgumentParser
import Foundation
import Scenarios

struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the built-in scenarios, one line each.")

    func run() async throws {
        for entry in BuiltinCatalog.entries {
            guard let s = try BuiltinCatalog.scenario(named: entry.name) else { continue }
            let seconds = Int(s.phases.reduce(0) { $0 + $1.duration })
            print("\(s.name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(s.summary) (\(s.phases.count) phases, \(s.claims.count) claims, ~\(seconds) s of load)")
        }
    }
}
