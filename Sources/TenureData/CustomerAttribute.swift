/// The one resolver of a customer attribute named on the command line — `--by` (cohorts, survival,
/// CLV), `--strata` (survival), a Cox covariate — and of the KPI segment and acquisition channel.
///
/// **Lookup order** (the first table that has the column wins, for every customer):
/// 1. `customers.csv`: `segment`, `channel`, `acquisition_cost` or any other column;
/// 2. `transactions.csv` (`segment`, `channel`, `product`, `category`): the value on the customer's
///    first transaction (earliest day; among same-day rows the smallest value in byte order, so
///    the row order of the file does not matter and an engine's `MIN` gives the same);
/// 3. `subscriptions.csv` (`plan`): the plan of the customer's earliest-starting subscription
///    (among same-day starts the smallest, as for transactions).
/// A name none of them has is a `DataError(.missingColumn)` listing the names there are.
///
/// **Groups** (`init(_:column:customers:)`): a text column gives one group per value that occurs,
/// in byte order of the values (so the order does not depend on row order in the files); a
/// numeric column gives one group per distinct value, in numeric order, labelled `3` or `2.5`, and
/// is refused when it has more than `maxNumericLevels` (50) distinct values — bin it first.
/// **Missing**: a customer without a value has code −1 and is counted in `missingCount`; where
/// such customers are shown as a group it is the last one, labelled `missingLabel`, `(missing)`
/// (`withMissingGroup()`).
public struct CustomerAttribute: Sendable {
    /// Where the values came from (the lookup step that found the column).
    public enum Source: String, Sendable {
        case customers = "customers.csv"
        case transactions = "the customer's first transaction"
        case subscriptions = "the customer's first subscription"
    }

    public let column: String
    public let source: Source
    /// Group code of each customer (of each entry of `customers` when one was given), −1 = no value.
    public let codes: [Int32]
    /// Group labels.
    public let levels: [String]
    /// Customers without a value.
    public let missingCount: Int

    /// The label of the group of customers without a value.
    public static let missingLabel = "(missing)"
    /// The most groups a numeric column may make.
    public static let maxNumericLevels = 50

    /// Groups of `column` for every customer index (`customers == nil`) or for the listed customers
    /// (levels are then the values those customers have).
    public init(_ ds: Dataset, column: String, customers: [Int32]? = nil) throws {
        let (values, source) = try Self.values(ds, column: column)
        try self.init(column: column, source: source, values: values, customers: customers)
    }

    /// Groups of a column already read (`values`, one entry per customer index, or per entry of
    /// `customers` when given), by the rules above. A warehouse passes the distinct values the
    /// engine returned, one entry each (`AttributeColumn.inferred`).
    public init(column: String, source: Source, values: AttributeColumn, customers: [Int32]? = nil) throws {
        self.column = column; self.source = source
        switch values {
        case .categorical(let c):
            let codes = customers.map { cs in cs.map { c.codes[Int($0)] } } ?? c.codes
            var used = [Bool](repeating: false, count: c.levels.count)
            for v in codes where v >= 0 { used[Int(v)] = true }
            let order = (0..<c.levels.count).filter { used[$0] }
                .sorted { c.levels[$0].utf8.lexicographicallyPrecedes(c.levels[$1].utf8) }
            var remap = [Int32](repeating: -1, count: c.levels.count)
            for (k, l) in order.enumerated() { remap[l] = Int32(k) }
            var missing = 0
            self.codes = codes.map { v in
                if v < 0 { missing += 1; return -1 }
                return remap[Int(v)]
            }
            self.levels = order.map { c.levels[$0] }
            self.missingCount = missing
        case .numeric(let all):
            let v = customers.map { cs in cs.map { all[Int($0)] } } ?? all
            let distinct = Array(Set(v.filter { $0.isFinite })).sorted()
            guard distinct.count <= Self.maxNumericLevels else {
                throw DataError(.badValue, file: source.rawValue, column: column, value: "\(distinct.count) distinct numbers",
                                expected: "a text column or a numeric column with at most \(Self.maxNumericLevels) distinct values to group by")
            }
            let index = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, Int32($0)) })
            var missing = 0
            self.codes = v.map { x in
                guard x.isFinite else { missing += 1; return -1 }
                return index[x]!
            }
            self.levels = distinct.map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int64($0)) : String($0) }
            self.missingCount = missing
        }
    }

    /// Codes and levels with the customers without a value in a last group `(missing)` (added only
    /// when there are such customers); every code is then ≥ 0.
    public func withMissingGroup() -> (codes: [Int32], levels: [String]) {
        guard missingCount > 0 else { return (codes, levels) }
        let m = Int32(levels.count)
        return (codes.map { $0 < 0 ? m : $0 }, levels + [Self.missingLabel])
    }

    /// Names the lookup understands on this dataset, in lookup order.
    public static func available(_ d: Dataset) -> [String] {
        var out: [String] = []
        func add(_ s: String) { if !out.contains(s) { out.append(s) } }
        if let t = d.customerTable {
            if t.segment != nil { add("segment") }
            if t.channel != nil { add("channel") }
            if t.acquisitionCost != nil { add("acquisition_cost") }
            t.attributeNames.forEach(add)
        }
        let tx = d.transactions
        if tx.segment != nil { add("segment") }
        if tx.channel != nil { add("channel") }
        if tx.product != nil { add("product") }
        if tx.category != nil { add("category") }
        if d.subscriptions?.plan != nil { add("plan") }
        return out
    }

    /// The raw value of `column` for each customer index (NaN or code −1 when a customer has none;
    /// categorical levels as interned), and where it was found. When customers.csv lists every
    /// customer in index order — as loading makes it — a customers.csv column is returned without a copy.
    public static func values(_ d: Dataset, column name: String) throws -> (AttributeColumn, Source) {
        let nc = d.customers.count
        if let t = d.customerTable {
            var column: AttributeColumn?
            if name == "segment", let s = t.segment { column = .categorical(s) }
            else if name == "channel", let s = t.channel { column = .categorical(s) }
            else if name == "acquisition_cost", let v = t.acquisitionCost { column = .numeric(v) }
            else if let a = t.attributes[name] { column = a }
            if let column {
                let inOrder = t.count == nc && t.customer.withUnsafeBufferPointer { cp in (0..<nc).allSatisfy { cp[$0] == Int32($0) } }
                if inOrder { return (column, .customers) }
                var row = [Int32](repeating: -1, count: nc)
                for (r, c) in t.customer.enumerated() { row[Int(c)] = Int32(r) }
                switch column {
                case .numeric(let v): return (.numeric(row.map { $0 < 0 ? .nan : v[Int($0)] }), .customers)
                case .categorical(let c):
                    return (.categorical(CategoricalColumn(codes: row.map { $0 < 0 ? -1 : c.codes[Int($0)] }, levels: c.levels)), .customers)
                }
            }
        }
        let tx = d.transactions
        let txColumn: CategoricalColumn? = {
            switch name {
            case "segment": return tx.segment
            case "channel": return tx.channel
            case "product": return tx.product
            case "category": return tx.category
            default: return nil
            }
        }()
        if let c = txColumn {
            return (.categorical(firstValue(c, customer: tx.customer, day: tx.day, customers: nc)), .transactions)
        }
        if name == "plan", let s = d.subscriptions, let plan = s.plan {
            return (.categorical(firstValue(plan, customer: s.customer, day: s.startDay, customers: nc)), .subscriptions)
        }
        let known = available(d)
        throw DataError(.missingColumn, file: d.customerTable != nil ? "customers.csv" : d.source, column: name,
                        expected: known.isEmpty
                            ? "a column of customers.csv, transactions.csv (segment, channel, product, category) or subscriptions.csv (plan)"
                            : "one of: \(known.joined(separator: ", "))")
    }

    /// Per customer, the code of `col` on the customer's earliest-dated row; among rows of that day
    /// the smallest value in byte order (a row without a value loses to one with a value).
    static func firstValue(_ col: CategoricalColumn, customer: [Int32], day: [Day], customers nc: Int) -> CategoricalColumn {
        var rank = [Int](repeating: 0, count: col.levels.count)
        for (r, l) in col.levels.indices.sorted(by: { col.levels[$0].utf8.lexicographicallyPrecedes(col.levels[$1].utf8) }).enumerated() { rank[l] = r }
        var first = [Day](repeating: .max, count: nc), code = [Int32](repeating: -1, count: nc)
        for i in 0..<customer.count {
            let c = Int(customer[i]), d = day[i], v = col.codes[i]
            guard c >= 0 && d != Day.missing else { continue }
            if d < first[c] { first[c] = d; code[c] = v }
            else if d == first[c] && v >= 0 && (code[c] < 0 || rank[Int(v)] < rank[Int(code[c])]) { code[c] = v }
        }
        return CategoricalColumn(codes: code, levels: col.levels)
    }
}
