import Foundation

extension JUnitReport {
    /// The report as UTF-8 XML text.
    public func xml() -> String {
        var out = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        out +=
            "<testsuites"
            + Self.attributes([
                ("name", name), ("tests", "\(tests)"), ("failures", "\(failures)"), ("errors", "\(errors)"),
                ("skipped", "\(skipped)"), ("time", Self.seconds(time)),
            ]) + ">\n"
        for (index, suite) in suites.enumerated() {
            var attrs = [
                ("name", suite.name), ("tests", "\(suite.cases.count)"), ("failures", "\(suite.failures)"),
                ("errors", "\(suite.errors)"), ("skipped", "\(suite.skipped)"), ("time", Self.seconds(suite.time)),
                ("id", "\(index)"),
            ]
            if let timestamp = suite.timestamp { attrs.append(("timestamp", timestamp)) }
            out += "  <testsuite" + Self.attributes(attrs) + ">\n"
            for c in suite.cases { out += Self.testcase(c) }
            out += "  </testsuite>\n"
        }
        out += "</testsuites>\n"
        return out
    }

    private static func testcase(_ c: TestCase) -> String {
        let open =
            "    <testcase" + attributes([("classname", c.classname), ("name", c.name), ("time", seconds(c.time))])
        var body = ""
        switch c.outcome {
        case .passed: break
        case .failed(let message, let details):
            body +=
                "      <failure" + attributes([("message", message), ("type", "failure")]) + ">"
                + text(details) + "</failure>\n"
        case .error(let message, let details):
            body +=
                "      <error" + attributes([("message", message), ("type", "error")]) + ">" + text(details)
                + "</error>\n"
        case .skipped(let message):
            body += "      <skipped" + attributes([("message", message)]) + "/>\n"
        }
        if let output = c.output { body += "      <system-out>" + text(output) + "</system-out>\n" }
        return body.isEmpty ? open + "/>\n" : open + ">\n" + body + "    </testcase>\n"
    }

    private static func attributes(_ pairs: [(String, String)]) -> String {
        pairs.map { " \($0.0)=\"\(XMLEscaping.escape($0.1, attribute: true))\"" }.joined()
    }

    private static func text(_ s: String) -> String { XMLEscaping.escape(s, attribute: false) }

    /// Seconds with millisecond precision, `.` as the decimal separator whatever the locale.
    static func seconds(_ t: Double) -> String {
        guard t.isFinite, t > 0 else { return "0.000" }
        let ms = Int64((t * 1000).rounded())
        let fraction = String(ms % 1000)
        return "\(ms / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
