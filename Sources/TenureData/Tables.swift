/// The tables of SPEC §1: which columns each has, of what kind, and the checks across columns.
/// Column positions below are the indices into `TableColumns` the builders read.
public enum Tables {
    public static let transactions = TableSpec(table: "transactions", file: "transactions.csv", columns: [
        ColumnSpec("customer_id", .customer, required: true, allowEmpty: false),
        ColumnSpec("date", .day, required: true, allowEmpty: false),
        ColumnSpec("amount", .number, required: true, allowEmpty: false),
        ColumnSpec("order_id", .key),
        ColumnSpec("segment", .category),
        ColumnSpec("channel", .category),
        ColumnSpec("product", .category),
        ColumnSpec("category", .category),
    ])

    public static let customers = TableSpec(table: "customers", file: "customers.csv", columns: [
        ColumnSpec("customer_id", .customer, required: true, allowEmpty: false),
        ColumnSpec("signup_date", .day),
        ColumnSpec("segment", .category),
        ColumnSpec("channel", .category),
        ColumnSpec("acquisition_cost", .number),
    ], keepExtraColumns: true, uniqueColumn: 0)

    public static let subscriptions = TableSpec(table: "subscriptions", file: "subscriptions.csv", columns: [
        ColumnSpec("customer_id", .customer, required: true, allowEmpty: false),
        ColumnSpec("start_date", .day, required: true, allowEmpty: false),
        ColumnSpec("end_date", .day),
        ColumnSpec("plan", .category),
        ColumnSpec("mrr", .number),
        ColumnSpec("end_reason", .category),
    ], check: { r in
        if let s = r.int(1), let e = r.int(2), e != Day.missing, e < s {
            return RowCheckFailure(column: 2, expected: "an end_date on or after the start_date (\(Civil.iso(s)))",
                                   hint: "leave end_date empty while the subscription is active")
        }
        return nil
    })

    /// Score ranges per survey kind (inclusive): CSAT 1–5, NPS 0–10, CES 1–7.
    public static let surveyRanges: [SurveyKind: ClosedRange<Double>] = [.csat: 1 ... 5, .nps: 0 ... 10, .ces: 1 ... 7]

    public static let surveys = TableSpec(table: "surveys", file: "surveys.csv", columns: [
        ColumnSpec("customer_id", .customer, required: true, allowEmpty: false),
        ColumnSpec("date", .day, required: true, allowEmpty: false),
        ColumnSpec("kind", .surveyKind, required: true, allowEmpty: false),
        ColumnSpec("score", .number, required: true, allowEmpty: false),
    ], check: { r in
        guard let k = r.int(2), let v = r.double(3) else { return nil }
        let kind = SurveyKind.allCases[Int(k)]
        let range = surveyRanges[kind]!
        if !range.contains(v) {
            return RowCheckFailure(column: 3, expected: "a \(kind.rawValue) score from \(Int(range.lowerBound)) to \(Int(range.upperBound))",
                                   hint: "csat is 1–5, nps 0–10, ces 1–7")
        }
        return nil
    })

    public static let tickets = TableSpec(table: "tickets", file: "tickets.csv", columns: [
        ColumnSpec("ticket_id", .category, required: true, allowEmpty: false),
        ColumnSpec("customer_id", .customer, required: true, allowEmpty: false),
        ColumnSpec("opened_at", .timestamp, required: true, allowEmpty: false),
        ColumnSpec("first_response_at", .timestamp),
        ColumnSpec("resolved_at", .timestamp),
        ColumnSpec("channel", .category),
    ], uniqueColumn: 0, check: { r in
        guard let o = r.double(2) else { return nil }
        if let f = r.double(3), f < o { return RowCheckFailure(column: 3, expected: "a first response at or after opened_at") }
        if let s = r.double(4), s < o { return RowCheckFailure(column: 4, expected: "a resolution at or after opened_at") }
        return nil
    })

    public static let interactions = TableSpec(table: "interactions", file: "interactions.csv", columns: [
        ColumnSpec("customer_id", .customer, required: true, allowEmpty: false),
        ColumnSpec("timestamp", .timestamp, required: true, allowEmpty: false),
        ColumnSpec("channel", .category, required: true),
    ])

    public static let leads = TableSpec(table: "leads", file: "leads.csv", columns: [
        ColumnSpec("lead_id", .category, required: true, allowEmpty: false),
        ColumnSpec("created_at", .day, required: true, allowEmpty: false),
        ColumnSpec("source", .category),
        ColumnSpec("stage", .category),
        ColumnSpec("converted_at", .day),
        ColumnSpec("closed_at", .day),
        ColumnSpec("won", .bool),
        ColumnSpec("customer_id", .customer),
    ], uniqueColumn: 0)

    public static let marketingSpend = TableSpec(table: "marketing_spend", file: "marketing_spend.csv", columns: [
        ColumnSpec("date", .period, required: true, allowEmpty: false, aliases: ["period"]),
        ColumnSpec("channel", .category, required: true),
        ColumnSpec("amount", .number, required: true, allowEmpty: false),
    ])

    /// Every table, in load order (transactions first: customer indices follow first appearance there).
    public static let all: [TableSpec] = [transactions, customers, subscriptions, surveys, tickets, interactions, leads, marketingSpend]
}

extension TableColumns {
    func optionalCategory(_ c: Int) -> CategoricalColumn? { has(c) ? categorical(c) : nil }
    func days(_ c: Int) -> [Day] { has(c) ? ints[c] : [Day](repeating: Day.missing, count: rows) }
    func numbers(_ c: Int) -> [Double] { has(c) ? doubles[c] : [Double](repeating: .nan, count: rows) }
    func strings(_ c: Int) -> [String] {
        let lv = levels[c]
        return ints[c].map { $0 < 0 ? "" : lv[Int($0)] }
    }

    /// Every day-valued cell's range (for `asOf` and summaries); timestamps count by their UTC day.
    func dayRange(dayColumns: [Int], timestampColumns: [Int] = []) -> (Day, Day)? {
        var lo = Day.max, hi = Day.min
        for c in dayColumns where has(c) {
            for d in ints[c] where d != Day.missing { lo = min(lo, d); hi = max(hi, d) }
        }
        for c in timestampColumns where has(c) {
            for t in doubles[c] where !t.isNaN {
                let d = Day((t / 86400).rounded(.down))
                lo = min(lo, d); hi = max(hi, d)
            }
        }
        return lo <= hi ? (lo, hi) : nil
    }

    func transactions() -> Transactions {
        var t = Transactions()
        t.customer = ints[0]; t.day = ints[1]; t.amount = doubles[2]
        t.orderId = has(3) ? key(3) : nil; t.segment = optionalCategory(4); t.channel = optionalCategory(5)
        t.product = optionalCategory(6); t.category = optionalCategory(7)
        return t
    }

    func customerTable() -> CustomerTable {
        var t = CustomerTable()
        t.customer = ints[0]
        t.signupDay = has(1) ? ints[1] : nil
        t.segment = optionalCategory(2); t.channel = optionalCategory(3)
        t.acquisitionCost = has(4) ? doubles[4] : nil
        let first = Tables.customers.columns.count
        for (k, name) in extraNames.enumerated() {
            t.attributeNames.append(name)
            // Read as numbers when its values looked numeric (TableReader.sniffNumeric), else as text.
            t.attributes[name] = doubles[first + k].isEmpty ? AttributeColumn.inferred(categorical(first + k)) : .numeric(doubles[first + k])
        }
        return t
    }

    func subscriptions() -> Subscriptions {
        var s = Subscriptions()
        s.customer = ints[0]; s.startDay = ints[1]; s.endDay = days(2)
        s.plan = optionalCategory(3); s.mrr = has(4) ? doubles[4] : nil
        s.endReason = optionalCategory(5)
        return s
    }

    func surveys() -> Surveys {
        var s = Surveys()
        s.customer = ints[0]; s.day = ints[1]
        s.kind = ints[2].map { SurveyKind.allCases[Int($0)] }
        s.score = doubles[3]
        return s
    }

    func tickets() -> Tickets {
        var t = Tickets()
        t.ticketId = strings(0); t.customer = ints[1]; t.openedAt = doubles[2]
        t.firstResponseAt = numbers(3); t.resolvedAt = numbers(4); t.channel = optionalCategory(5)
        return t
    }

    func interactions() -> Interactions {
        var t = Interactions()
        t.customer = ints[0]; t.timestamp = doubles[1]; t.channel = categorical(2)
        return t
    }

    func leads() -> Leads {
        var l = Leads()
        l.leadId = strings(0); l.createdDay = ints[1]
        l.source = optionalCategory(2); l.stage = optionalCategory(3)
        l.convertedDay = days(4); l.closedDay = days(5)
        l.won = has(6) ? ints[6].map { $0 < 0 ? nil : $0 == 1 } : [Bool?](repeating: nil, count: rows)
        l.customer = has(7) ? ints[7] : [Int32](repeating: -1, count: rows)
        return l
    }

    func marketingSpend() -> MarketingSpend {
        var m = MarketingSpend()
        m.day = ints[0]; m.channel = categorical(1); m.amount = doubles[2]
        return m
    }
}
