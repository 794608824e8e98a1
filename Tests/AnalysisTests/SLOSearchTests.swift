import Foundation
import Reports
import Testing

@testable import Analysis

/// The search strategy (pure): bracket by doubling, then bisect to the precision.
@Suite struct SLOSearchTests {
    /// Runs the search against a target whose capacity is `capacity` streams.
    func search(capacity: Int, range: ClosedRange<Int>, precision: Double = 0.1) -> SLOSearch {
        var s = SLOSearch(range: range, precision: precision)
        var guardSteps = 0
        while let load = s.next, guardSteps < 50 {
            guardSteps += 1
            let passed = load <= capacity
            s.record(
                .init(
                    load: load, passed: passed, reason: passed ? "met" : "missed", seconds: 1,
                    goodput: passed ? 1 : 0.5,
                    goodPerSecond: 1, streamsJudged: 100, errorShare: 0, firstContentP99Ms: nil, contentGapP99Ms: nil,
                    completionP99Ms: nil, eventsPerSecond: 1, stoppedEarly: false))
        }
        return s
    }

    @Test(arguments: [(100, 10...5000), (1234, 50...20000), (57, 1...1000), (9_000, 100...10_000)])
    func findsTheCapacityWithinThePrecision(capacity: Int, range: ClosedRange<Int>) throws {
        let s = search(capacity: capacity, range: range)
        let answer = try #require(s.answer)
        #expect(answer <= capacity)
        #expect(Double(capacity - answer) <= max(1, Double(answer) * 0.1), "answer \(answer) for \(capacity)")
        let fail = try #require(s.lowestFailure)
        #expect(fail > capacity)
        #expect(s.steps.count < 25)
        // Bracketing doubles from the low end.
        #expect(s.steps.prefix(2).map(\.load) == [range.lowerBound, range.lowerBound * 2])
    }

    @Test func theTopOfTheRangePassingOrTheBottomFailingEndsIt() {
        let all = search(capacity: 10_000, range: 10...500)
        #expect(all.answer == 500 && all.lowestFailure == nil)
        #expect(all.answerLine.contains("the capacity may be higher"))
        let none = search(capacity: 5, range: 10...500)
        #expect(none.answer == nil && none.steps.count == 1)
        #expect(none.answerLine.contains("no load in 10...500 meets the SLO"))
    }

    @Test func aStepIsJudgedByGoodputErrorsAndSaturation() {
        let c = SLOSearch.Criteria(slo: "ttfe<1s", minGoodput: 0.95)
        #expect(c.judge(goodput: 0.96, streamsJudged: 50, errorShare: 0, stoppedEarly: nil).passed)
        #expect(!c.judge(goodput: 0.94, streamsJudged: 50, errorShare: 0, stoppedEarly: nil).passed)
        #expect(!c.judge(goodput: 1, streamsJudged: 50, errorShare: 0.02, stoppedEarly: nil).passed)
        #expect(!c.judge(goodput: 1, streamsJudged: 50, errorShare: 0, stoppedEarly: "x").passed)
        let few = c.judge(goodput: 1, streamsJudged: 3, errorShare: 0, stoppedEarly: nil)
        #expect(!few.passed && few.reason.contains("not measured"))
    }
}

/// search.json, search.md and search.html of a search.
@Suite struct SearchReportTests {
    @Test func theFilesCarryEveryStepAndTheAnswer() throws {
        let s = SLOSearchTests().search(capacity: 300, range: 50...1000, precision: 0.1)
        let f = SearchReport.file(s, target: "http://x/q", criteria: .init(slo: "ttfe<1s"), stepSeconds: 20)
        #expect(f.maxLoad == s.answer && f.steps.count == s.steps.count)
        let md = SearchReport.markdown(f)
        #expect(md.contains("**max_load \(s.answer!) streams") && md.contains("| \(s.steps.count) |"))
        let html = SearchReport.html(f)
        #expect(html.contains("<svg") && html.contains("Goodput against the load"))
        #expect(html.contains("max_load \(s.answer!)"))
        let back = try JSONDecoder().decode(SearchReport.File.self, from: try SearchReport.json(f))
        #expect(back.maxLoad == f.maxLoad && back.steps == f.steps && back.schema == "stampede.search")
    }
}
