import Analysis
import Testing

@Suite struct USLCSVAnalysisTests {
    @Test(arguments: [
        "N,throughput\n1,10\n2,19\n3,27\n",
        "1,10\n2,19\n3,27",
        "\u{FEFF}n, x\r\n1, 10\r\n\r\n# a comment\r\n2 ,19\r\n3,27\r\n",
        "# sweep of 2024-05-01\nconcurrency,throughput\n1,10\n2,1.9e1\n3,27.0\n",
    ])
    func acceptsHeaderOrNotCommentsBlankLinesAndCRLF(text: String) throws {
        let points = try USLCSV.parse(text)
        #expect(
            points == [USLPoint(n: 1, throughput: 10), USLPoint(n: 2, throughput: 19), USLPoint(n: 3, throughput: 27)])
    }

    @Test(arguments: [
        ("N,throughput\n1,10\n2,abc\n", 3, "not a number"),
        ("1,10\n2\n", 2, "2 comma-separated columns"),
        ("1,10\n2,20,30\n", 2, "found 3"),
        ("N,X,Y\n1,2,3\n", 1, "header has 3 columns"),
        ("1,10\nN,throughput\n", 2, "not a number"),
        ("1,10\n0,5\n", 2, "at least 1"),
        ("1,10\n2,0\n", 2, "must be positive"),
        ("1,10\n2,-4\n", 2, "must be positive"),
        ("1.2.3,10\n", 1, "not a number"),
        ("N,throughput\n", 1, "no data rows"),
        ("", 1, "no data rows"),
        ("1,10\n2,inf\n", 2, "not a number"),
    ])
    func errorsNameTheLine(text: String, line: Int, fragment: String) {
        do {
            let points = try USLCSV.parse(text)
            Issue.record("expected an error, got \(points)")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.description.contains(fragment), "\(error)")
            #expect(error.description.hasPrefix("line \(line): "))
        }
    }

    @Test func ciscoCSVFitsLikeThePoints() throws {
        let csv =
            "N,throughput\n" + USLFitAnalysisTests.cisco.map { "\(Int($0.n)),\($0.throughput)" }.joined(separator: "\n")
        let fit = try USLFit(points: USLCSV.parse(csv))
        #expect(abs(fit.sigma - 0.02671591) / 0.02671591 < 0.001)
    }

    /// What `stampede usl FILE.csv` prints.
    @Test func csvToJSONIsWhatTheCommandPrints() throws {
        let csv =
            "N,throughput\n" + USLFitAnalysisTests.cisco.map { "\(Int($0.n)),\($0.throughput)" }.joined(separator: "\n")
        let json = try USLFit(csv: csv).jsonString()
        #expect(json.contains("\"peakConcurrencyWhole\" : 35"))
        #expect(json.contains("\"throughputCeiling\" : null"))
        #expect(json.hasPrefix("{\n"))
        #expect(throws: USLCSV.ParseError.self) { try USLFit(csv: "N,X\n1,a\n") }
        #expect(throws: USLFitError.self) { try USLFit(csv: "1,10\n2,20\n") }
    }
}
