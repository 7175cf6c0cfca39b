import Foundation

/// Mappings for the exports people have, written from the tools' documented (or, where the tool
/// documents none, widely seen) export columns. Each is the table part of a mapping file; a
/// mapping file composes one with `preset: NAME` and overrides any key (`file`, `where`, one
/// column at a time).
public enum Presets {
    public struct Preset: Sendable {
        public var name: String
        public var table: String
        /// What the preset assumes, for `tenure help schema`.
        public var notes: String
        public var yaml: String
    }

    public static let all: [Preset] = [
        Preset(name: "shopify-orders", table: "transactions", notes: """
            Shopify admin › Orders › Export (orders_export*.csv). Revenue is net: Total − Taxes − Shipping \
            (the discounted subtotal), in the order's Currency. Orders count when their Financial Status is \
            paid, partially_refunded or refunded; pending, authorized, partially_paid and voided orders do not \
            (the filter also drops an order's line-item rows after its first, which leave the status empty). \
            Refunded Amount becomes a negative row on the order's date. Customers are e-mail addresses in \
            lower case; orders without an e-mail (some point-of-sale orders) are dropped and counted. Dates \
            carry the shop's offset (2024-01-05 22:32:44 +0100): set `timezone:` to the shop's zone for its \
            business day (the default is the UTC day).
            """, yaml: """
            file: orders_export*.csv
            where:
              - Financial Status in (paid, partially_refunded, refunded)
              - Email is not empty
            columns:
              customer_id: {column: Email, case: lower}
              date: {column: Created at, format: "%Y-%m-%d %H:%M:%S %z"}
              amount: {expr: Total - Taxes - Shipping, currency: Currency}
              order_id: Name
            refunds:
              amount: {column: Refunded Amount, currency: Currency}
            """),
        Preset(name: "shopify-customers", table: "customers", notes: """
            Shopify admin › Customers › Export (customers_export*.csv). The customer id is the e-mail in \
            lower case, as in shopify-orders; customers without an e-mail are dropped and counted. Shopify's \
            export has no signup date.
            """, yaml: """
            file: customers_export*.csv
            where: [Email is not empty]
            columns:
              customer_id: {column: Email, case: lower}
            """),
        Preset(name: "stripe-subscriptions", table: "subscriptions", notes: """
            Stripe Dashboard › Billing › Subscriptions › Export (subscriptions*.csv). Dates are UTC \
            `YYYY-MM-DD HH:MM`. Subscriptions that never started (incomplete, incomplete_expired) are dropped; \
            trials count from their start. MRR is Amount × Quantity per month of the Interval (year ÷ 12, \
            week × 52 ÷ 12, day × 365 ÷ 12), in the row's Currency. Older exports name the start column \
            `Start (UTC)`: override with `start_date: {column: Start (UTC), format: "%Y-%m-%d %H:%M"}`.
            """, yaml: """
            file: subscriptions*.csv
            where:
              - Status not in (incomplete, incomplete_expired)
            columns:
              customer_id: Customer ID
              start_date: {column: Start Date (UTC), format: "%Y-%m-%d %H:%M"}
              end_date: {column: Ended At (UTC), format: "%Y-%m-%d %H:%M"}
              plan: Plan
              mrr: {column: Amount, per: Interval, quantity: Quantity, currency: Currency}
            """),
        Preset(name: "zendesk-tickets", table: "tickets", notes: """
            Zendesk Admin Center › Account › Tools › Reports › Export, tickets as CSV (export-*.csv). The \
            customer is the requester's e-mail in lower case. Dates are `YYYY-MM-DD HH:MM:SS` in the account's \
            time zone: set `timezone:` to it (default UTC). The first response is Created at plus \
            `First reply time in minutes`; the resolution is `Solved at`.
            """, yaml: """
            file: export-*.csv
            columns:
              ticket_id: Id
              customer_id: {column: Requester email, case: lower}
              opened_at: {column: Created at, format: "%Y-%m-%d %H:%M:%S"}
              first_response_at: {column: Created at, format: "%Y-%m-%d %H:%M:%S", add_minutes: First reply time in minutes}
              resolved_at: {column: Solved at, format: "%Y-%m-%d %H:%M:%S"}
              channel: Via
            """),
        Preset(name: "hubspot-deals", table: "leads", notes: """
            HubSpot › CRM › Deals › Export (hubspot-crm-exports-*.csv). A deal is a lead of the leads table: \
            created at Create Date, closed at Close Date once its Deal Stage is Closed Won or Closed Lost \
            (HubSpot keeps an expected close date on open deals, which is not a close), won when Closed Won. \
            Dates are `YYYY-MM-DD HH:MM` in the exporting user's time zone. The source is the Pipeline.
            """, yaml: """
            file: hubspot-crm-exports-*.csv
            columns:
              lead_id: Record ID
              created_at: {column: Create Date, format: "%Y-%m-%d %H:%M"}
              source: Pipeline
              stage: Deal Stage
              closed_at: {column: Close Date, format: "%Y-%m-%d %H:%M", when: "Deal Stage in (Closed Won, Closed Lost)"}
              won: {column: Deal Stage, map: {Closed Won: "true", Closed Lost: "false"}, otherwise: ""}
            """),
    ]

    public static var names: [String] { all.map(\.name) }

    /// A preset as a table of its own (`--schema preset:NAME`).
    static func table(named name: String, file: String) throws -> TableSource {
        guard let p = all.first(where: { $0.name == name }) else {
            throw DataError(.badSchema, file: file, column: name, expected: "a preset: \(names.joined(separator: ", "))",
                            hint: Suggest.closest(name, in: names).map { "did you mean '\($0)'?" })
        }
        let cx = MappingParser.Context(file: "preset:" + p.name)
        guard let node = try YAMLFile.compose(p.yaml, file: cx.file) else { fatalError("preset \(p.name) is empty") }
        var t = try MappingParser.table(p.table, node, spec: Tables.all.first { $0.table == p.table }!, cx)
        t.preset = p.name
        return t
    }

    /// A mapping file's table with `preset:` filled in from the preset: the file's own `file`,
    /// `where` and `refunds` replace the preset's, its columns replace the preset's one by one.
    static func resolve(_ user: TableSource, given: Set<String>, _ cx: MappingParser.Context) throws -> TableSource {
        guard let name = user.preset else { return withRequiredColumns(user) }
        var t: TableSource
        do { t = try table(named: name, file: cx.file) } catch var e as DataError { e.line = user.line; throw e }
        guard t.table == user.table else {
            throw DataError(.badSchema, file: cx.file, line: user.line, column: "\(user.table).preset",
                            expected: "a preset for \(user.table)", hint: "\(name) describes the \(t.table) table; put it under `\(t.table):`")
        }
        if given.contains("file") { t.files = user.files }
        if given.contains("where") { t.filters = user.filters }
        if given.contains("refunds") { t.refunds = user.refunds }
        for (k, v) in user.columns { t.columns[k] = v }
        t.line = user.line
        return withRequiredColumns(t)
    }

    /// A required column the description leaves out is read from the export's column of the same
    /// name (so `transactions: {columns: {date: {column: Created at, format: …}}}` is enough when the
    /// file already has customer_id and amount).
    static func withRequiredColumns(_ t: TableSource) -> TableSource {
        var t = t
        for c in Tables.all.first(where: { $0.table == t.table })!.columns where c.required && t.columns[c.name] == nil {
            t.columns[c.name] = ColumnRule(source: .column(c.name), line: t.line, path: "\(t.table).columns.\(c.name)")
        }
        return t
    }
}
