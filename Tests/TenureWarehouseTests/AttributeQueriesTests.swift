import Testing
import TenureData
@testable import TenureWarehouse

/// `--by` in the engine: where the value is read, and how the values an engine returns become
/// groups (by `CustomerAttribute`'s rules, not by the engine's text).
@Suite struct AttributeQueriesTests {
    let q = TransactionQueries(dialect: .postgres, tables: WarehouseTables(defaultSchema: "crm"))

    /// Texts of one number (`01`, `1`, `1.0`) are one group labelled as the CSV path labels it;
    /// groups in numeric order; NULL is no group.
    @Test func numericTextsFallInOneGroupInNumericOrder() throws {
        let a = AttributeQueries(name: "tier", table: .customers, queries: q)
        let (levels, group) = try a.groups(of: ["10", "01", nil, "1.0", "2.50", "1"])
        #expect(levels == ["1", "2.5", "10"])
        #expect(group == [2, 0, -1, 0, 1, 0])
    }

    /// Text values: byte order ("Gold" before "silver"), one group per value.
    @Test func textValuesInByteOrder() throws {
        let a = AttributeQueries(name: "segment", table: .customers, queries: q)
        let (levels, group) = try a.groups(of: ["silver", "Gold", "silver", nil])
        #expect(levels == ["Gold", "silver"] && group == [1, 0, 1, -1])
    }

    /// More than 50 distinct numbers is the CSV path's refusal.
    @Test func tooManyNumbersAreRefused() {
        let a = AttributeQueries(name: "age", table: .customers, queries: q)
        #expect(throws: DataError.self) { _ = try a.groups(of: (0..<51).map { String($0) }) }
    }

    /// The lookup order: customers, then transactions for the transaction attributes, then
    /// subscriptions for plan; a name nowhere is an error naming the tables looked in.
    @Test func resolveFollowsTheLookupOrder() throws {
        // by tenure's table name (the executor finds where the mapping places it)
        let columns: [String: [String]] = ["customers": ["customer_id", "segment"],
                                           "transactions": ["customer_id", "date", "amount", "segment", "category"],
                                           "subscriptions": ["customer_id", "start_date", "plan"]]
        let look = { (t: String) in columns[t] ?? [] }
        #expect(try AttributeQueries.resolve("segment", queries: q, columnsOf: look).table == .customers)
        #expect(try AttributeQueries.resolve("category", queries: q, columnsOf: look).table == .transactions)
        #expect(try AttributeQueries.resolve("plan", queries: q, columnsOf: look).table == .subscriptions)
        #expect(throws: WarehouseError.self) { _ = try AttributeQueries.resolve("product", queries: q, columnsOf: look) }
        do { _ = try AttributeQueries.resolve("region", queries: q, columnsOf: look); Issue.record("region was found") } catch {
            #expect("\(error)".contains("no column for region in crm.customers ("), "\(error)")
        }
    }

    /// PostgreSQL compares the values in byte order, whatever the database's collation.
    @Test func postgresTakesTheSmallestValueInByteOrder() {
        let sql = AttributeQueries(name: "category", table: .transactions, queries: q).cte("gb", observationEnd: 20_000)
        #expect(sql.contains("MIN((r.v) COLLATE \"C\")"))
        #expect(!AttributeQueries(name: "category", table: .transactions,
                                  queries: TransactionQueries(dialect: .duckdb, tables: q.tables)).cte("gb", observationEnd: 20_000).contains("COLLATE"))
    }
}
