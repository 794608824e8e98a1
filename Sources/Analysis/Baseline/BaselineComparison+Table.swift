extension BaselineComparison {
    /// The rows as a plain-text table for a terminal or a CI log:
    ///
    /// ```
    /// metric  baseline  now   change  verdict
    /// rps     1000      850   -15%    REGRESSED
    /// p99     0.2       0.1   -50%    improved
    /// ```
    ///
    /// Regressions and errors are in capitals, so they stand out in a long log.
    public static func table(_ rows: [Row]) -> String {
        let header = ["metric", "baseline", "now", "change", "verdict"]
        let body = rows.map { row in
            [
                row.metric,
                row.baseline.map(Quantity.number) ?? "-",
                row.current.map(Quantity.number) ?? "-",
                row.change.map { ($0 >= 0 ? "+" : "") + Quantity.number($0 * 100) + "%" } ?? "-",
                row.verdict == .regressed || row.verdict == .error
                    ? row.verdict.rawValue.uppercased() : row.verdict.rawValue,
            ]
        }
        let all = [header] + body
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { cells in
            cells.enumerated().map { column, cell in
                column == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
