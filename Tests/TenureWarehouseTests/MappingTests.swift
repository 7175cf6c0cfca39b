import Foundation
import Testing
import TenureData
@testable import TenureWarehouse

/// Where the mapping file places tenure's tables: a named table, the URL's schema, or Parquet files.
@Suite struct MappingTests {
    func tables(_ yaml: String, schema: String? = "crm") throws -> WarehouseTables {
        WarehouseTables(schema: try SchemaFile.parse(yaml, file: "m.yaml"), defaultSchema: schema)
    }

    @Test func tablesAndSchemas() throws {
        let t = try tables("transactions: {table: sales.orders, amount: total}\n")
        #expect(t.from("transactions", .spark) == "`sales`.`orders`")
        #expect(t.from("transactions", .postgres) == "\"sales\".\"orders\"")
        #expect(t.from("customers", .postgres) == "\"crm\".\"customers\"")
        #expect(t.column("amount", in: "transactions") == "total")
        try t.check(dialect: .postgres)
    }

    @Test func parquetFiles() throws {
        let t = try tables("transactions: {parquet: \"/data/v1.2/orders`x/*.parquet\", customer_id: cust}\n")
        // one quoted part however many dots the path has; a backquote doubled
        #expect(t.from("transactions", .spark) == "parquet.`/data/v1.2/orders``x/*.parquet`")
        #expect(t.from("transactions", .duckdb) == "read_parquet('/data/v1.2/orders`x/*.parquet')")
        #expect(t.table("transactions") == "parquet:/data/v1.2/orders`x/*.parquet")
        #expect(t.column("customer_id", in: "transactions") == "cust")
        #expect(t.from("customers", .spark) == "`crm`.`customers`")
        try t.check(dialect: .spark)
        try t.check(dialect: .duckdb)
        for d in [Dialect.postgres, .bigquery, .snowflake] {
            #expect(throws: WarehouseError.self) { try t.check(dialect: d) }
        }
    }
}
