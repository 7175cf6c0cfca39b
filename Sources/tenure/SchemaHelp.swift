import ArgumentParser
import TenureData
import TenureReport

/// `tenure schema` (and `tenure help schema`): the mapping file, every key with an example, and the presets.
struct SchemaHelp: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "How to describe raw exports in a mapping file (--schema); print a preset.",
        usage: "tenure schema [--preset NAME]",
        discussion: """
        --schema FILE.yaml is read by every command. A table either renames
        columns:
          transactions: {customer_id: cust, date: order_date, amount: total}
        or describes an export (any of the keys below). Keys are checked: a
        misspelt key is an error naming the nearest one.

        Top level
          timezone: Europe/Berlin    business day of datetimes: an IANA zone
                                     (default UTC) or as-written; the
                                     command line's --timezone overrides it
          currency:                  convert amounts to one currency
            base: USD
            rates: {EUR: 1.08}       USD per unit of each currency
          <table>:                   transactions, customers, subscriptions,
                                     surveys, tickets, interactions, leads,
                                     marketing_spend

        Per table
          preset: shopify-orders     start from a preset; keys below override
          file: orders_export_*.csv  a name or glob (or a list), read in name
                                     order; errors name each file and line
          where:                     rows kept; removals reported per condition
            - Financial Status in (paid, partially_refunded)
            - Status not in (incomplete)
            - Currency = EUR
            - Test != true
            - Email is not empty
            - Cancelled at is empty
          columns:                   tenure's column: your column, or a rule
            order_id: Name
            customer_id: {column: Email, case: lower}
          refunds: {amount: Refunded Amount, date: Refunded at}
                                     transactions: each refund a negative row

        Column rules: one of column, expr or value, then any of the rest
          column: Created at         the export's column (case ignored)
          expr: Total - Taxes - Shipping
                                     arithmetic of columns: + - * / ( );
                                     `Net-Sales` in backticks; empty cells are 0
          value: nps                 the same value on every row
          format: "%Y-%m-%d %H:%M:%S %z"
                                     dates: iso (default), unix, unix_ms,
                                     excel, or %Y %y %m %d %e %H %I %p %M %S
                                     %f %z %Z %b %B %a %F %T
          decimal: ","               numbers written 1.234,50 (default ".");
                                     grouping, currency symbols, (negatives)
                                     and % are read
          case: lower                ids and text: lower or upper
          map: {Closed Won: "true"}  replace values
          otherwise: ""              with map: the value for anything else
          currency: Currency         column holding each row's currency code
          currency_code: EUR         one currency for every row
          per: Interval              amount per interval made per month (MRR):
                                     year / 12, quarter / 3, week * 52 / 12,
                                     day * 365 / 12
          per_count: Interval Count  with per: intervals per billing
          quantity: Quantity         multiplied by this column
          add_minutes: First reply time in minutes
                                     datetimes: plus this many minutes
          when: "Deal Stage in (Closed Won, Closed Lost)"
                                     the value only where this holds

        Presets: shopify-orders, shopify-customers, stripe-subscriptions,
        zendesk-tickets, hubspot-deals. `tenure schema --preset NAME` prints
        one with its assumptions; use one with `preset:` in a table or as
        --schema preset:NAME[,NAME...].

        Example (a Shopify shop in Berlin and a Delighted NPS export):
          timezone: Europe/Berlin
          currency: {base: EUR, rates: {USD: 0.92}}
          transactions: {preset: shopify-orders}
          surveys:
            file: delighted*.csv
            columns:
              customer_id: {column: Email, case: lower}
              date: {column: Created At, format: unix}
              kind: {value: nps}
              score: Score
        """
    )

    @Option(help: ArgumentHelp("Print this preset's mapping and assumptions.", valueName: "name"))
    var preset: String?

    func run() throws {
        guard let preset else {
            var s = Self.configuration.discussion + "\n\nPresets:\n"
            for p in Presets.all { s += "  \(p.name) (\(p.table))\n" }
            try StandardOutput.write(s)
            return
        }
        guard let p = Presets.all.first(where: { $0.name == preset }) else {
            throw ValidationError("no preset '\(preset)'\(Suggest.phrase(preset, in: Presets.names)); the presets: \(Presets.names.joined(separator: ", ")).")
        }
        try StandardOutput.write("# \(p.name): the \(p.table) table\n# " + p.notes.replacingOccurrences(of: "\n", with: "\n# ")
                                 + "\n\(p.table):\n" + p.yaml.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n") + "\n")
    }
}
