import TenureData

/// A customer attribute (`--by`, `--strata`) in the engine: `CustomerAttribute`'s lookup order in
/// SQL. The statistics that use it group by its value, so only one row per (value, …) comes back,
/// never one per customer; the values are then grouped here by `CustomerAttribute`'s own rules
/// (`groups`), so labels, order, the numeric rule and `(missing)` are the CSV path's.
///
/// **Where the value comes from**, the first that has the column:
/// 1. the customers table: the customer's value (the smallest, should a customer have several rows);
/// 2. transactions (`segment`, `channel`, `product`, `category`): the value on the customer's
///    earliest purchase day, among several rows that day the smallest non-empty one in byte order
///    (`Dialect.byteOrder`), as `CustomerAttribute` takes it;
/// 3. subscriptions (`plan`): the plan of the earliest-starting subscription, ties as in 2.
/// Over a live engine the tables' columns decide (`resolve`); for emitted SQL, where tenure cannot
/// look, the customers table is used. An empty text is no value, as an empty CSV field is.
public struct AttributeQueries: Sendable {
    /// Which table a value is read from.
    public enum Table: String, Sendable, Codable {
        case customers, transactions, subscriptions
        var source: CustomerAttribute.Source {
            switch self { case .customers: return .customers; case .transactions: return .transactions; case .subscriptions: return .subscriptions }
        }
    }

    /// tenure's name of the attribute, as given to `--by`.
    public var name: String
    public var table: Table
    public var queries: TransactionQueries

    public init(name: String, table: Table, queries: TransactionQueries) {
        self.name = name; self.table = table; self.queries = queries
    }

    /// Finds where `name` lives, in the lookup order, from the columns of each table
    /// (`columnsOf(tenure's table name)`: empty when the table does not exist).
    public static func resolve(_ name: String, queries: TransactionQueries, columnsOf: (String) throws -> [String]) throws -> AttributeQueries {
        let tables = queries.tables
        var seen: [String] = []
        for table in [Table.customers, .transactions, .subscriptions] {
            if table == .transactions && !["segment", "channel", "product", "category"].contains(name) { continue }
            if table == .subscriptions && name != "plan" { continue }
            let source = tables.table(table.rawValue)
            let columns = try columnsOf(table.rawValue)
            if columns.contains(tables.column(name, in: table.rawValue)) { return AttributeQueries(name: name, table: table, queries: queries) }
            if !columns.isEmpty { seen.append(source) }
        }
        throw WarehouseError.data("no column for \(name) in \(seen.isEmpty ? "the customers table (not found)" : seen.joined(separator: " or "))"
                                    + " (the customers table may have any column; transactions give segment, channel, product, category; subscriptions give plan)",
                                  hint: "map it in --schema, e.g. `customers: {\(name): your_column}`")
    }

    /// Where the values come from, for notes.
    public var description: String {
        let t = queries.tables, column = t.column(name, in: table.rawValue)
        switch table {
        case .customers: return "\(t.table("customers")).\(column)"
        case .transactions: return "\(column) of each customer's first purchase in \(t.table("transactions"))"
        case .subscriptions: return "\(column) of each customer's first subscription in \(t.table("subscriptions"))"
        }
    }

    /// `alias AS (SELECT c, v …)`: one row per customer that has a value, `c` the id as text (as in
    /// `TransactionQueries.rows`), `v` the value as text. Rows dated after `obs` are left out, as loading leaves them out.
    public func cte(_ alias: String, observationEnd obs: Day) -> String {
        let q = queries.dialect, t = queries.tables
        func col(_ c: String) -> String { q.identifier(t.column(c, in: table.rawValue)) }
        let value = "NULLIF(\(q.cast(col(name), q.text)), '')"
        switch table {
        case .customers:
            return """
            \(alias) AS (
              SELECT \(q.cast(col("customer_id"), q.text)) AS c, MIN(\(q.byteOrder(value))) AS v
              FROM \(t.from("customers", q)) WHERE \(col("customer_id")) IS NOT NULL
              GROUP BY \(q.cast(col("customer_id"), q.text))
            )
            """
        case .transactions, .subscriptions:
            // the rows as loading keeps them: an id and a date (and, for transactions, an amount)
            let day = table == .transactions ? "date" : "start_date"
            let amount = table == .transactions ? " AND \(col("amount")) IS NOT NULL" : ""
            let from = """
                  SELECT \(q.cast(col("customer_id"), q.text)) AS c, \(q.epochDay(q.date(col(day)))) AS d, \(value) AS v
                  FROM \(t.from(table.rawValue, q))
                  WHERE \(col("customer_id")) IS NOT NULL AND \(col(day)) IS NOT NULL\(amount) AND \(q.date(col(day))) <= \(queries.dateLiteral(obs))
                  """
            return """
            \(alias)_rows AS (
            \(from)
            ),
            \(alias) AS (
              SELECT r.c, MIN(\(q.byteOrder("r.v"))) AS v
              FROM \(alias)_rows r JOIN (SELECT c, MIN(d) AS d0 FROM \(alias)_rows GROUP BY c) f ON r.c = f.c AND r.d = f.d0
              GROUP BY r.c
            )
            """
        }
    }

    /// The groups of the values a statistic returned (`nil` = no value): `CustomerAttribute`'s
    /// labels, order and numeric rule, and for each value its group (−1 for no value). Values that
    /// are the same number (`01`, `1`, `1.0`) fall in one group.
    public func groups(of values: [String?]) throws -> (levels: [String], group: [Int32]) {
        var distinct: [String] = [], index: [String: Int32] = [:]
        let codes: [Int32] = values.map { v in
            guard let v else { return -1 }
            if let k = index[v] { return k }
            index[v] = Int32(distinct.count); distinct.append(v)
            return Int32(distinct.count - 1)
        }
        let column = CategoricalColumn(codes: (0..<Int32(distinct.count)).map { $0 }, levels: distinct)
        let a = try CustomerAttribute(column: name, source: table.source, values: AttributeColumn.inferred(column))
        return (a.levels, codes.map { $0 < 0 ? -1 : a.codes[Int($0)] })
    }
}

/// The `--by` groups of the values statistics returned: `AttributeQueries.groups(of:)`'s levels,
/// `(missing)` last when some customer has no value; without `--by` the one group `all`.
public struct ValueGroups: Sendable {
    public let levels: [String]
    let index: [String?: Int]
    let by: AttributeQueries?

    public init(by: AttributeQueries?, values: [String?]) throws {
        self.by = by
        guard let by else { levels = ["all"]; index = [nil: 0]; return }
        let (named, code) = try by.groups(of: values)
        var levels = named, index: [String?: Int] = [:]
        for (v, c) in zip(values, code) where c >= 0 { index[v] = Int(c) }
        if values.contains(where: { $0 == nil }) { index[nil] = levels.count; levels.append(CustomerAttribute.missingLabel) }
        self.levels = levels; self.index = index
    }

    /// The group of row `row` of `t` (its `by_value`; the one group without `--by`).
    func group(_ t: StatisticTable, row: Int) throws -> Int {
        let v = by == nil ? nil : try t.texts("by_value")[row]
        guard let g = index[v] else {
            throw WarehouseError.data("statistic \(t.name): --by value \(v ?? "NULL") in row \(row + 1) is not among the values the cohort statistics returned", hint: nil)
        }
        return g
    }
}
