import Testing
@testable import TenureWarehouse

/// `StatisticTable.sort(byText:)`: rows that come back unordered (one per customer) are put in
/// UTF-8 byte order by tenure, the same on every engine and collation.
@Suite struct StatisticTableTests {
    @Test func rowsAreOrderedByTheBytesOfTheKey() throws {
        // shared 8-byte prefixes, a key that is another's prefix, a NUL byte, precomposed and
        // decomposed é (equal as Swift Strings, different bytes), a 4-byte character, NULL, duplicates
        let keys: [String?] = ["C00000042", "C00000041", "C0000004", "C0000004\u{0}", "b", "\u{E9}", "e\u{301}",
                               "\u{1F600}", nil, "", "a", "C00000042", "Z", "abcdefghij", "abcdefghi", nil]
        let t = StatisticTable(name: "rfm_customers", columnNames: ["customer_id", "row", "half"],
                               columns: [.text(keys), .int(keys.indices.map { Int64($0) }), .double(keys.indices.map { Double($0) / 2 })])
        var s = t
        try s.sort(byText: "customer_id")
        // the expected order, worked out on byte arrays; ties (and NULLs, first) keep their order
        let expected = keys.indices.sorted { i, j in
            switch (keys[i], keys[j]) {
            case (nil, nil): return i < j
            case (nil, _): return true
            case (_, nil): return false
            case let (a?, b?):
                let x = Array(a.utf8), y = Array(b.utf8)
                return x == y ? i < j : x.lexicographicallyPrecedes(y)
            }
        }
        #expect(try s.ints("row") == expected.map { Int64($0) })
        #expect(try s.texts("customer_id") == expected.map { keys[$0] })
        #expect(try s.doubles("half") == expected.map { Double($0) / 2 })
        // byte order, not Swift's String equality: "e" + U+0301 (65 CC 81, row 6) before the
        // precomposed é (C3 A9, row 5); the empty key first after the NULLs, a prefix before its extensions
        let rows = try s.ints("row")
        #expect(rows.firstIndex(of: 6)! < rows.firstIndex(of: 5)!)
        #expect(Array(rows.prefix(5)) == [8, 15, 9, 2, 3])
    }
}
