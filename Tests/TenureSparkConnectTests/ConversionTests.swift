import Foundation
import Testing
import TenureArrow
import TenureWarehouse
@testable import TenureSparkConnect

/// Arrow columns as Spark sends them, into the statistic's declared column types.
@Suite struct ConversionTests {
    func convert(_ c: ArrowColumn, _ t: ArrowType, to type: StatisticQuery.ColumnType) throws -> StatisticTable.Column {
        try SparkConnectExecutor.convert(c, field: ArrowField(name: "x", type: t), to: type, statistic: "s")
    }

    @Test func integersStayExact() throws {
        guard case .int(let v) = try convert(.int64([1, nil, Int64.max]), .int(bitWidth: 64, signed: true), to: .int) else { Issue.record("kind"); return }
        #expect(v == [1, nil, Int64.max])
        // DECIMAL(38,0), as SUM over BIGINT is typed by some engines
        let d: [ArrowDecimal128?] = [ArrowDecimal128(-5), nil, ArrowDecimal128(Int64.max), ArrowDecimal128(Int64.min)]
        guard case .int(let w) = try convert(.decimal128(d, precision: 38, scale: 0), .decimal128(precision: 38, scale: 0), to: .int) else { Issue.record("kind"); return }
        #expect(w == [-5, nil, Int64.max, Int64.min])
        // one past Int64.max does not fit
        let big = ArrowDecimal128(high: 0, low: UInt64(Int64.max) + 1)
        #expect(throws: WarehouseError.self) { try convert(.decimal128([big], precision: 38, scale: 0), .decimal128(precision: 38, scale: 0), to: .int) }
        // a scaled decimal is not an integer
        #expect(throws: WarehouseError.self) { try convert(.decimal128([ArrowDecimal128(5)], precision: 10, scale: 2), .decimal128(precision: 10, scale: 2), to: .int) }
    }

    @Test func numbersAndText() throws {
        guard case .double(let v) = try convert(.decimal128([ArrowDecimal128(1234), nil], precision: 14, scale: 2), .decimal128(precision: 14, scale: 2), to: .double)
        else { Issue.record("kind"); return }
        #expect(v == [12.34, nil])
        guard case .double(let i) = try convert(.int64([3]), .int(bitWidth: 32, signed: true), to: .double) else { Issue.record("kind"); return }
        #expect(i == [3])
        guard case .text(let d) = try convert(.date32([0, 19723, nil]), .date32, to: .text) else { Issue.record("kind"); return }
        #expect(d == ["1970-01-01", "2024-01-01", nil])
        guard case .text(let s) = try convert(.text(["a", nil]), .utf8, to: .text) else { Issue.record("kind"); return }
        #expect(s == ["a", nil])
        #expect(throws: WarehouseError.self) { try convert(.text(["1"]), .utf8, to: .int) }
        #expect(throws: WarehouseError.self) { try convert(.double([1.5]), .float64, to: .int) }
    }
}
