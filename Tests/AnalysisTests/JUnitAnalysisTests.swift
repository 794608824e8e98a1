import Analysis
import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The element and attribute rules of the Jenkins junit-4 XSD (the schema GitLab and Jenkins
/// read), enough to check what we write: allowed attributes, required ones, allowed children.
enum JUnitSchema {
    struct Rule {
        var required: Set<String>
        var optional: Set<String>
        var children: Set<String>
    }

    static let rules: [String: Rule] = [
        "testsuites": Rule(
            required: [], optional: ["name", "time", "tests", "failures", "disabled", "errors", "skipped"],
            children: ["testsuite"]),
        "testsuite": Rule(
            required: ["name", "tests"],
            optional: [
                "failures", "errors", "time", "disabled", "skipped", "timestamp", "hostname", "id", "package", "file",
                "log", "url", "version",
            ],
            children: ["properties", "testcase", "system-out", "system-err"]),
        "testcase": Rule(
            required: ["name"], optional: ["assertions", "time", "classname", "status", "class", "file", "line"],
            children: ["skipped", "error", "failure", "system-out", "system-err"]),
        "failure": Rule(required: [], optional: ["message", "type"], children: []),
        "error": Rule(required: [], optional: ["message", "type"], children: []),
        "skipped": Rule(required: [], optional: ["message"], children: []),
        "system-out": Rule(required: [], optional: [], children: []),
        "system-err": Rule(required: [], optional: [], children: []),
    ]

    /// Every violation, as sentences; empty when the element tree follows the rules.
    static func violations(of element: XMLElement) -> [String] {
        let name = element.name ?? "?"
        guard let rule = rules[name] else { return ["unknown element <\(name)>"] }
        var problems: [String] = []
        let attributes = Set((element.attributes ?? []).compactMap(\.name))
        for missing in rule.required.subtracting(attributes) { problems.append("<\(name)> lacks \(missing)") }
        for extra in attributes.subtracting(rule.required.union(rule.optional)) {
            problems.append("<\(name)> has \(extra)")
        }
        for child in element.children ?? [] {
            guard let child = child as? XMLElement else { continue }
            if !rule.children.contains(child.name ?? "") { problems.append("<\(child.name ?? "?")> inside <\(name)>") }
            problems += violations(of: child)
        }
        return problems
    }
}

@Suite struct JUnitAnalysisTests {
    static let source = InMemoryMetricSource([
        "stream.first_event": .distribution(SampleDistribution([0.1, 0.2, 0.3]), .seconds),
        "errors": .ratio(hits: 1, total: 100),
    ])

    func gateReport() -> (JUnitReport, [ThresholdResult], [BaselineComparison.Row]) {
        let results = Threshold.evaluate(
            [
                "stream.first_event: p(99) < 500ms",  // pass
                "stream.first_event: p(99) < 100ms",  // fail
                "errors: rate < 0.001",  // fail
                "stream.first_evnt: p(99) < 500ms",  // error: unknown metric
                "errors: rate << 1",  // error: malformed
            ],
            against: Self.source
        )
        let rows = BaselineComparison(rules: [
            .init("rps", .higherIsBetter), .init("p99", .lowerIsBetter), .init("rss", .lowerIsBetter),
        ]).compare(baseline: ["rps": 1000, "p99": 0.2], current: ["rps": 700, "p99": 0.1, "rss": 5])
        let report = JUnitReport(
            name: "stampede ci-smoke",
            suites: [.thresholds(results), .baseline(rows)]
        )
        return (report, results, rows)
    }

    @Test func gateReportParsesFollowsTheSchemaAndHasTheRightCounts() throws {
        let (report, _, _) = gateReport()
        let xml = report.xml()
        let document = try XMLDocument(xmlString: xml, options: [])
        let root = try #require(document.rootElement())
        #expect(JUnitSchema.violations(of: root) == [])
        #expect(root.name == "testsuites")
        #expect(root.attribute(forName: "tests")?.stringValue == "8")
        #expect(root.attribute(forName: "failures")?.stringValue == "3")
        #expect(root.attribute(forName: "errors")?.stringValue == "3")

        let suites = root.elements(forName: "testsuite")
        #expect(suites.count == 2)
        #expect(suites.map { $0.attribute(forName: "name")?.stringValue } == ["thresholds", "baseline"])
        #expect(suites[0].elements(forName: "testcase").count == 5)
        #expect(suites[0].attribute(forName: "failures")?.stringValue == "2")
        #expect(suites[0].attribute(forName: "errors")?.stringValue == "2")
        #expect(suites[1].elements(forName: "testcase").count == 3)
        #expect(suites[1].attribute(forName: "failures")?.stringValue == "1")
        #expect(suites[1].attribute(forName: "errors")?.stringValue == "1")

        let cases = suites[0].elements(forName: "testcase")
        #expect(
            cases.map { $0.attribute(forName: "name")?.stringValue ?? "" } == [
                "stream.first_event: p(99) < 500ms", "stream.first_event: p(99) < 100ms", "errors: rate < 0.001",
                "stream.first_evnt: p(99) < 500ms", "errors: rate << 1",
            ])
        #expect(cases[0].elements(forName: "failure").isEmpty && cases[0].elements(forName: "error").isEmpty)
        let failure = try #require(cases[1].elements(forName: "failure").first)
        #expect(
            failure.attribute(forName: "message")?.stringValue
                == "stream.first_event p(99) = 300ms, expected < 100ms: FAILED")
        let error = try #require(cases[3].elements(forName: "error").first)
        #expect(
            error.attribute(forName: "message")?.stringValue?.contains("closest known names: stream.first_event")
                == true)
        #expect(error.stringValue?.contains("^") == true)
        #expect(cases.allSatisfy { $0.attribute(forName: "classname")?.stringValue == "stampede.thresholds" })
    }

    @Test func specialCharactersAndControlCharactersSurviveTheRoundTrip() throws {
        let nasty = "a < b & c > d \"quoted\" 'single'\nsecond line\ttab \u{1} bell\u{7}"
        let report = JUnitReport(
            name: nasty,
            suites: [
                .init(
                    name: "s&s",
                    cases: [
                        .init(
                            classname: "c<d>", name: nasty, time: 0.25,
                            outcome: .failed(message: nasty, details: nasty + "]]>")),
                        .init(classname: "c", name: "skipped one", outcome: .skipped(message: "not run")),
                    ])
            ])
        let xml = report.xml()
        let root = try #require(try XMLDocument(xmlString: xml, options: []).rootElement())
        #expect(JUnitSchema.violations(of: root) == [])
        let testcase = try #require(root.elements(forName: "testsuite").first?.elements(forName: "testcase").first)
        let expected = "a < b & c > d \"quoted\" 'single'\nsecond line\ttab \u{FFFD} bell\u{FFFD}"
        #expect(testcase.attribute(forName: "name")?.stringValue == expected)
        #expect(testcase.attribute(forName: "classname")?.stringValue == "c<d>")
        #expect(testcase.elements(forName: "failure").first?.stringValue == expected + "]]>")
        #expect(testcase.attribute(forName: "time")?.stringValue == "0.250")
        #expect(root.attribute(forName: "skipped")?.stringValue == "1")
    }

    @Test(arguments: [
        (0.0, "0.000"), (0.0004, "0.000"), (0.0005, "0.001"), (1.5, "1.500"), (61.25, "61.250"),
        (-1.0, "0.000"), (Double.nan, "0.000"), (12345.6789, "12345.679"),
    ])
    func timeIsSecondsWithMillisecondsAndADot(seconds: Double, text: String) throws {
        let report = JUnitReport(
            name: "r",
            suites: [
                .init(name: "s", cases: [.init(classname: "c", name: "n", time: seconds, outcome: .passed)])
            ])
        let root = try #require(try XMLDocument(xmlString: report.xml(), options: []).rootElement())
        let testcase = root.elements(forName: "testsuite").first?.elements(forName: "testcase").first
        #expect(testcase?.attribute(forName: "time")?.stringValue == text)
    }

    @Test func anEmptyReportIsStillValid() throws {
        let root = try #require(try XMLDocument(xmlString: JUnitReport(name: "empty").xml(), options: []).rootElement())
        #expect(JUnitSchema.violations(of: root) == [])
        #expect(root.attribute(forName: "tests")?.stringValue == "0")
    }
}
