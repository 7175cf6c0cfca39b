import TenureData

/// The `--by` breakdown: one level per customer (code into `levels`; every customer has one,
/// customers without a value get the level `(missing)`).
struct Grouping {
    var levels: [String]
    var code: [Int32]

    static let missingLabel = "(missing)"

    /// Resolves `by` in this order: customers.csv (`segment`, `channel`, then any categorical attribute),
    /// transactions.csv (`segment`, `channel`, `product`, `category`: the value on the customer's first
    /// transaction, the earliest row in file order among same-day ties), subscriptions.csv `plan` (the plan
    /// of the earliest-starting subscription).
    static func resolve(by: String?, dataset ds: Dataset, firstRow: [Int32], firstSubscription: [Int32]?) throws -> Grouping {
        let n = ds.customers.count
        guard let by else { return Grouping(levels: ["all"], code: [Int32](repeating: 0, count: n)) }
        func fromRows(_ col: CategoricalColumn, rowOf: (Int) -> Int) -> Grouping {
            var levels = col.levels
            let missing = Int32(levels.count)
            var code = [Int32](repeating: missing, count: n)
            var anyMissing = false
            for c in 0..<n {
                let r = rowOf(c)
                let v = r >= 0 ? col.codes[r] : -1
                if v >= 0 { code[c] = v } else { anyMissing = true }
            }
            if anyMissing { levels.append(missingLabel) }
            return Grouping(levels: levels, code: code)
        }
        if let t = ds.customerTable {
            var col: CategoricalColumn?
            switch by {
            case "segment": col = t.segment
            case "channel": col = t.channel
            default:
                if let a = t.attributes[by] {
                    switch a {
                    case .categorical(let c): col = c
                    case .numeric:
                        throw DataError(.badValue, file: "customers.csv", column: by,
                                        expected: "a categorical column for --by (this one is numeric)")
                    }
                }
            }
            if let col {
                var rowOf = [Int32](repeating: -1, count: n)
                for r in 0..<t.count { rowOf[Int(t.customer[r])] = Int32(r) }
                return fromRows(col, rowOf: { Int(rowOf[$0]) })
            }
        }
        let tx = ds.transactions
        let txCol: CategoricalColumn? = {
            switch by {
            case "segment": return tx.segment
            case "channel": return tx.channel
            case "product": return tx.product
            case "category": return tx.category
            default: return nil
            }
        }()
        if let txCol { return fromRows(txCol, rowOf: { Int(firstRow[$0]) }) }
        if by == "plan", let s = ds.subscriptions, let plan = s.plan, let fs = firstSubscription {
            return fromRows(plan, rowOf: { Int(fs[$0]) })
        }
        throw DataError(.missingColumn, file: ds.source, column: by,
                        expected: "a column of customers.csv, transactions.csv (segment, channel, product, category) or subscriptions.csv (plan)")
    }
}
