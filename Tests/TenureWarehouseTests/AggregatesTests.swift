import Foundation
import Testing
import TenureData
@testable import TenureWarehouse

@Suite struct AggregatesTests {
    func directory() throws -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("agg-\(UUID())").path
        let q = TransactionQueries(dialect: .duckdb, tables: WarehouseTables(defaultSchema: "crm"))
        try EmittedQueries.write([q.sourceSummary()], dialect: .duckdb, settings: ["as_of": "2024-12-31"], to: d)
        return d
    }

    @Test func resultsAreReadBackTypedWithNulls() throws {
        let d = try directory(); defer { try? FileManager.default.removeItem(atPath: d) }
        #expect(FileManager.default.fileExists(atPath: d + "/transactions_source.sql"))
        try "LAST_DAY,row_count,null_ids,null_dates,null_amounts,first_day\n20000.0,10,0,,0,19000\n"
            .write(toFile: d + "/transactions_source.csv", atomically: true, encoding: .utf8)
        let agg = try AggregatesDirectory(directory: d)
        try agg.check(settings: ["as_of": "2024-12-31"])
        let t = try agg.run(TransactionQueries(dialect: .duckdb, tables: WarehouseTables(defaultSchema: "crm")).sourceSummary())
        #expect(try t.ints("last_day") == [20000] && t.ints("null_dates") == [nil] && t.ints("row_count") == [10])
    }

    @Test func mismatchedSettingsAndBadValuesNameTheFileAndLine() throws {
        let d = try directory(); defer { try? FileManager.default.removeItem(atPath: d) }
        let agg = try AggregatesDirectory(directory: d)
        #expect(throws: WarehouseError.self) { try agg.check(settings: ["as_of": "2025-01-31"]) }
        try "row_count,null_ids,null_dates,null_amounts,first_day,last_day\n10,0,0,0,19000,20000\n10,x,0,0,1,2\n"
            .write(toFile: d + "/transactions_source.csv", atomically: true, encoding: .utf8)
        let q = TransactionQueries(dialect: .duckdb, tables: WarehouseTables(defaultSchema: "crm")).sourceSummary()
        do { _ = try agg.run(q); Issue.record("a bad integer was accepted") } catch {
            #expect("\(error)".contains("transactions_source.csv:3: column null_ids: got 'x'"), "\(error)")
        }
    }

    @Test func identifiersAndLiteralsAreQuotedPerDialect() {
        #expect(Dialect.postgres.identifier("crm.or\"ders") == "\"crm\".\"or\"\"ders\"")
        #expect(Dialect.spark.identifier("crm.orders") == "`crm`.`orders`")
        #expect(Dialect.bigquery.string("O'Brien") == "'O\\'Brien'")
        #expect(Dialect.postgres.string("O'Brien") == "'O''Brien'")
    }
}
