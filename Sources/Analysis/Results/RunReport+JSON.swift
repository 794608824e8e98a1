import Foundation

extension RunReport {
    /// The report as `report.json` holds it (pretty, sorted keys, non-finite numbers as strings).
    public func jsonData() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try e.encode(self)
    }

    /// Reads `report.json`, rejecting other schemas and newer versions.
    public static func read(_ path: String) throws -> RunReport {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReportReadError(description: "cannot read \(path)")
        }
        struct Header: Decodable {
            var schema: String
            var schemaVersion: Int
        }
        guard let header = try? JSONDecoder().decode(Header.self, from: data) else {
            throw ReportReadError(description: "\(path) is not a stampede report (no schema/schemaVersion)")
        }
        guard header.schema == RunReport.schemaName else {
            throw ReportReadError(
                description: "\(path) has schema '\(header.schema)', expected '\(RunReport.schemaName)'")
        }
        guard header.schemaVersion <= RunReport.currentSchemaVersion else {
            throw ReportReadError(
                description:
                    "\(path) is schema version \(header.schemaVersion); this stampede reads up to \(RunReport.currentSchemaVersion)"
            )
        }
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do { return try d.decode(RunReport.self, from: data) } catch {
            throw ReportReadError(description: "\(path): \(error)")
        }
    }
}
