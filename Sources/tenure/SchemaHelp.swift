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
        --schema FILE.yaml is read by every command. A table either renames columns:
          transactions: {customer_id: cust, date: order_date, amount: total}
        or describes an export (any of the keys below). Keys are checked: a misspelt key is an
        error naming the nearest one.

        Top level
          timezone: Europe/Berlin     business day of datetimes: IANA zone (default UTC), or
                                      as-written (the date as the export wrote it)
          currency:                   convert amounts to one currency
            base: USD
            rates: {EUR: 1.08, GBP: 1.27}       USD per unit of each
          <table>:                    transactions, customers, subscriptions, surveys, tickets,
                                      interactions, leads, marketing_spend

        Per table
          preset: shopify-orders      start from a preset; the keys below override its own
          file: orders_export_*.csv   a name or glob (or a list), read in name order; each
                                      error names its own file and line
          where:                      rows kept; each condition's removals are reported
            - Financial Status in (paid, partially_refunded)
            - Status not in (incomplete)      - Currency = EUR      - Test != true
            - Email is not empty              - Cancelled at is empty
          columns:                    tenure's column: your column, or a rule
            order_id: Name
            customer_id: {column: Email, case: lower}
          refunds: {amount: Refunded Amount, date: Refunded at}
                                      transactions: a refund is a negative row (date optional)

        Column rules (one of column, expr, value; then any of the rest)
          column: Created at          the export's column (header matched ignoring case)
          expr: Total - Taxes - Shipping      arithmetic of columns (+ - * / and parentheses;
                                      `Net-Sales` in backticks); an empty cell counts as 0
          value: nps                  the same value on every row
          format: "%Y-%m-%d %H:%M:%S %z"      dates: iso (default), unix, unix_ms, excel, or
                                      %Y %y %m %d %e %H %I %p %M %S %f %z %Z %b %B %a %F %T
          decimal: ","                numbers written 1.234,50 (default "."); thousands
                                      separators, currency symbols, (negatives) and % are read
          case: lower                 ids and text: lower or upper
          map: {Closed Won: "true", Closed Lost: "false"}    replace values
          otherwise: ""               with map: the value for anything else
          currency: Currency          numbers: the column holding each row's currency code
          currency_code: EUR          numbers: one currency for every row
          per: Interval               numbers: an amount per interval made per month (MRR):
                                      year ÷ 12, quarter ÷ 3, week × 52 ÷ 12, day × 365 ÷ 12
          per_count: Interval Count   with per: intervals per billing
          quantity: Quantity          numbers: multiplied by this column
          add_minutes: First reply time in minutes   datetimes: plus this many minutes
          when: "Deal Stage in (Closed Won, Closed Lost)"    the value only where this holds

        Presets (tenure schema --preset NAME prints one; compose with `preset:` or use
        --schema preset:NAME[,NAME…]): shopify-orders, shopify-customers, stripe-subscriptions,
        zendesk-tickets, hubspot-deals.

        Example (a Shopify shop in Berlin plus a Delighted NPS export):
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
