/// Recursive-descent parser for threshold expressions (grammar in docs/gates.md):
///
/// ```
/// threshold   = metric [ ":" aggregation ] operator bound
/// metric      = segment { "." segment } [ "[" label { "," label } "]" ]
/// segment     = ( letter | "_" ) { letter | digit | "_" | "-" }
/// label       = key "=" value            (key: letters, digits, "_", "-", "."; value: those and "@")
/// aggregation = "p(" number ")" | "avg" | "min" | "max" | "count" | "rate" | "value"
/// operator    = "<" | "<=" | ">" | ">=" | "==" | "!="
/// bound       = number [ unit ]
/// unit        = "%" | time | size | ( size | "" ) "/" time
/// ```
///
/// Whitespace is allowed between tokens. Every error names the 1-based column.
struct ThresholdParser {
    private let text: String
    private let chars: [Character]
    private var index = 0

    /// Leading and trailing spaces are dropped; columns count from the first other character.
    init(_ text: String) {
        self.text = text.trimmingSpaces()
        chars = Array(self.text)
    }

    var atEnd: Bool { index >= chars.count }
    private var column: Int { index + 1 }
    private var current: Character? { index < chars.count ? chars[index] : nil }

    private func fail(_ message: String, at column: Int? = nil) -> ThresholdError {
        ThresholdError(.malformed, expression: text, column: column ?? self.column, message: message)
    }

    private mutating func skipSpaces() {
        while let c = current, c == " " || c == "\t" { index += 1 }
    }

    private mutating func take(while predicate: (Character) -> Bool) -> String {
        let start = index
        while let c = current, predicate(c) { index += 1 }
        return String(chars[start..<index])
    }

    private mutating func consume(_ literal: String) -> Bool {
        let lit = Array(literal)
        guard index + lit.count <= chars.count, Array(chars[index..<index + lit.count]) == lit else { return false }
        index += lit.count
        return true
    }

    mutating func parseThreshold() throws(ThresholdError) -> Threshold {
        skipSpaces()
        if atEnd { throw fail("the threshold is empty; write e.g. \"stream.first_event: p(99) < 500ms\"") }
        let metricColumn = column
        let metric = try parseMetricName()
        skipSpaces()
        var aggregation = Aggregation.value
        var explicit = false
        var aggregationColumn = column
        if consume(":") {
            skipSpaces()
            aggregationColumn = column
            aggregation = try parseAggregation()
            explicit = true
            skipSpaces()
        }
        let comparison = try parseOperator()
        skipSpaces()
        let boundColumn = column
        let bound = try parseBound()
        let boundText = String(chars[(boundColumn - 1)..<index])
        skipSpaces()
        guard atEnd else {
            throw fail(
                "unexpected \"\(String(chars[index...]))\" after the bound \(boundText); a threshold has one comparison"
            )
        }
        var t = Threshold(
            expression: text, metric: metric, aggregation: aggregation, aggregationIsExplicit: explicit,
            comparison: comparison, bound: bound, boundText: boundText
        )
        t.metricColumn = metricColumn
        t.aggregationColumn = aggregationColumn
        t.boundColumn = boundColumn
        return t
    }

    mutating func parseMetricName() throws(ThresholdError) -> MetricName {
        var segments: [String] = []
        repeat {
            let start = column
            guard let c = current, c.isLetter || c == "_" else {
                let found = current.map { "\"\($0)\"" } ?? "the end"
                throw fail(
                    segments.isEmpty
                        ? "expected a metric name (such as stream.first_event), found \(found)"
                        : "expected a name segment after \".\", found \(found)",
                    at: start
                )
            }
            segments.append(take { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })
        } while consume(".")
        var labels: [String: String] = [:]
        if consume("[") {
            repeat {
                skipSpaces()
                let keyColumn = column
                let key = take(while: Self.isLabelCharacter)
                guard !key.isEmpty else { throw fail("expected a label such as N=10 inside [ ]", at: keyColumn) }
                skipSpaces()
                guard consume("=") else { throw fail("expected \"=\" after the label \(key) (write [\(key)=VALUE])") }
                skipSpaces()
                let value = take { Self.isLabelCharacter($0) || $0 == "@" }
                guard !value.isEmpty else { throw fail("expected a value for the label \(key)") }
                guard labels[key] == nil else { throw fail("the label \(key) appears twice", at: keyColumn) }
                labels[key] = value
                skipSpaces()
            } while consume(",")
            guard consume("]") else { throw fail("expected \",\" or \"]\" to close the labels") }
        }
        return MetricName(segments.joined(separator: "."), labels: labels)
    }

    private static func isLabelCharacter(_ c: Character) -> Bool {
        c.isLetter || c.isNumber || c == "_" || c == "-" || c == "."
    }

    private mutating func parseAggregation() throws(ThresholdError) -> Aggregation {
        let start = column
        let word = take { $0.isLetter || $0.isNumber || $0 == "_" }
        switch word {
        case "avg": return .avg
        case "min": return .min
        case "max": return .max
        case "count": return .count
        case "rate": return .rate
        case "value": return .value
        case "lower95": return .lower95
        case "upper95": return .upper95
        case "p":
            skipSpaces()
            guard consume("(") else { throw fail("expected \"(\" after p: write a percentile as p(99)") }
            skipSpaces()
            let numberColumn = column
            guard let p = parseNumber() else { throw fail("expected a percentile between 0 and 100 in p( )") }
            guard p >= 0 && p <= 100 else {
                throw fail("the percentile \(Quantity.number(p)) is outside 0...100", at: numberColumn)
            }
            skipSpaces()
            guard consume(")") else { throw fail("expected \")\" to close p(\(Quantity.number(p))") }
            return .percentile(p)
        case "":
            throw fail(
                "expected an aggregation after \":\" (one of \(Aggregation.spellings.joined(separator: ", ")))",
                at: start)
        default:
            var hint = ""
            if word.hasPrefix("p"), let n = Double(word.dropFirst()) { hint = "; write p(\(Quantity.number(n)))" }
            if word == "mean" || word == "average" { hint = "; write avg" }
            throw fail(
                "unknown aggregation \"\(word)\"; use one of \(Aggregation.spellings.joined(separator: ", "))\(hint)",
                at: start
            )
        }
    }

    private mutating func parseOperator() throws(ThresholdError) -> ComparisonOperator {
        for op in [ComparisonOperator.lessOrEqual, .greaterOrEqual, .equal, .notEqual, .less, .greater]
        where consume(op.rawValue) {
            return op
        }
        if current == "=" { throw fail("\"=\" is not an operator; use == (or <=, >=)") }
        let found = current.map { "\"\($0)\"" } ?? "the end"
        throw fail("expected a comparison (<, <=, >, >=, ==, !=), found \(found)")
    }

    /// A decimal number with an optional sign, fraction and exponent (`-1.5e-3`).
    private mutating func parseNumber() -> Double? {
        let start = index
        if current == "-" || current == "+" { index += 1 }
        var digits = take { $0.isASCII && $0.isNumber }
        if current == "." {
            index += 1
            digits += take { $0.isASCII && $0.isNumber }
        }
        guard !digits.isEmpty else {
            index = start
            return nil
        }
        // An exponent only when digits follow, so that units never start one by accident.
        if current == "e" || current == "E" {
            var look = index + 1
            if look < chars.count, chars[look] == "-" || chars[look] == "+" { look += 1 }
            if look < chars.count, chars[look].isASCII, chars[look].isNumber {
                index = look
                _ = take { $0.isASCII && $0.isNumber }
            }
        }
        return Double(String(chars[start..<index]))
    }

    private mutating func parseBound() throws(ThresholdError) -> Quantity {
        let start = column
        guard let number = parseNumber(), number.isFinite else {
            let found = current.map { "\"\($0)\"" } ?? "the end"
            throw fail("expected a number after the comparison (such as 500ms, 0.01, 10%), found \(found)", at: start)
        }
        skipSpaces()
        if consume("%") { return Quantity(number / 100, .none) }
        let unitColumn = column
        let unit = take { $0.isLetter }
        var quantity: Quantity
        if unit.isEmpty {
            quantity = Quantity(number, .none)
        } else if let f = ThresholdUnit.time[unit] {
            quantity = Quantity(f.apply(number), .seconds)
        } else if let f = ThresholdUnit.size[unit] {
            quantity = Quantity(f.apply(number), .bytes)
        } else {
            throw fail("unknown unit \"\(unit)\"; use \(ThresholdUnit.summary)", at: unitColumn)
        }
        if consume("/") {
            let perColumn = column
            let per = take { $0.isLetter }
            guard let f = ThresholdUnit.time[per] else {
                throw fail("expected a time unit after \"/\" (s, min, h, ...), found \"\(per)\"", at: perColumn)
            }
            guard let dimension = quantity.dimension.perSecond else {
                throw fail(
                    "\(unit)/\(per) is not supported; a rate is a size or a count per time (64KiB/min, 100/s)",
                    at: unitColumn)
            }
            // value per (f seconds) = value / f per second.
            quantity = Quantity(quantity.value * f.divisor / f.multiplier, dimension)
        }
        return quantity
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
