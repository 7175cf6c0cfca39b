import Foundation

/// What a mapping file says about raw exports: for each tenure table, which files hold it, which
/// rows count, and how each canonical column is computed from the export's columns. Read by
/// `SourceImporter`, which writes the canonical tables of SPEC §1. Tables a mapping does not
/// describe are read from their canonical files (`customers.csv`, …) as before.
public struct SourceMapping: Sendable, Equatable {
    /// The mapping file (for errors), or `preset:NAME` when given on the command line.
    public var file: String
    /// The business time zone: the day a datetime with an offset falls on (IANA name), `as-written`
    /// for the date as the export wrote it, nil for UTC (the CSV reader's rule).
    public var timeZone: String?
    public var currency: CurrencyRule?
    /// In `Tables.all` order.
    public var tables: [TableSource]
    public init(file: String, timeZone: String? = nil, currency: CurrencyRule? = nil, tables: [TableSource] = []) {
        self.file = file; self.timeZone = timeZone; self.currency = currency; self.tables = tables
    }
}

/// `currency: {base: USD, rates: {EUR: 1.08}}`: amounts in another currency are multiplied by its
/// rate (base-currency units per unit); the base currency's rate is 1.
public struct CurrencyRule: Sendable, Equatable {
    public var base: String
    public var rates: [String: Decimal]
    public var line: Int
    public func rate(_ code: String) -> Decimal? {
        let c = code.trimmingCharacters(in: .whitespaces).uppercased()
        return c.isEmpty || c == base.uppercased() ? 1 : rates[c]
    }
}

/// One table of a mapping file.
public struct TableSource: Sendable, Equatable {
    public var table: String
    /// Line of the table's key in the mapping file.
    public var line: Int
    /// The preset it starts from, if any.
    public var preset: String?
    /// File names or globs (`orders_export_*.csv`), relative to the dataset directory; their rows
    /// are read one file after another, in name order.
    public var files: [String]
    public var filters: [RowFilter]
    /// Canonical column → how it is computed.
    public var columns: [String: ColumnRule]
    /// Transactions only: a refunded-amount column, each refund a negative row.
    public var refunds: RefundRule?
    public init(table: String, line: Int, preset: String? = nil, files: [String] = [], filters: [RowFilter] = [],
                columns: [String: ColumnRule] = [:], refunds: RefundRule? = nil) {
        self.table = table; self.line = line; self.preset = preset; self.files = files; self.filters = filters
        self.columns = columns; self.refunds = refunds
    }
}

/// `refunds: {amount: Refunded Amount, date: Refunded at}`: a row whose refunded amount is not
/// empty or zero gets a second row with minus that amount (converted like the amount), on the
/// refund date when the column is given (else the order's date), with the order's other columns.
public struct RefundRule: Sendable, Equatable {
    public var amount: ColumnRule
    public var date: ColumnRule?
}

/// How one canonical column is computed from an export's row.
public struct ColumnRule: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// The export's column of that name.
        case column(String)
        /// Arithmetic over columns (numbers only).
        case expression(Expression)
        /// The same value on every row (`kind: {value: nps}`).
        case constant(String)
    }
    public var source: Source
    /// Line in the mapping file (for errors).
    public var line: Int
    /// The key path in the mapping file (`transactions.columns.date`), for hints.
    public var path: String
    /// Dates and datetimes: how the export writes them.
    public var format: DateFormat = .iso
    /// Numbers: how the export writes them.
    public var number = NumberFormat()
    /// Ids and text: `lower` or `upper` case.
    public var letterCase: String?
    /// Values replaced by others (`{closedwon: true, closedlost: false}`), matched after trimming.
    public var map: [String: String]?
    /// With `map`: the value for anything not in it (nil = keep the value as it is).
    public var otherwise: String?
    /// Numbers: the column holding each row's currency code (converted with `currency.rates`).
    public var currencyColumn: String?
    /// Numbers: a fixed currency code for every row.
    public var currencyCode: String?
    /// Numbers (MRR): the column holding the billing interval (day, week, month, quarter, year);
    /// the amount is turned into an amount per month.
    public var per: String?
    /// With `per`: a column holding how many intervals one billing covers (Stripe's interval count).
    public var perCount: String?
    /// Numbers: a column the amount is multiplied by (seats, quantity).
    public var quantity: String?
    /// Datetimes: a column of minutes added to the value (Zendesk's `First reply time in minutes`);
    /// an empty cell leaves the result empty.
    public var addMinutes: String?
    /// The value only on rows where this condition holds, empty elsewhere (a deal's close date
    /// only once it is closed).
    public var when: RowFilter?
    public init(source: Source, line: Int, path: String) { self.source = source; self.line = line; self.path = path }

    /// Months in one billing interval, exactly: a year is 12, a quarter 3, a week 12/52 (52 weeks a
    /// year), a day 12/365.
    public static func monthsPer(_ interval: String) -> Decimal? {
        switch interval.trimmingCharacters(in: .whitespaces).lowercased() {
        case "month", "months", "monthly", "mo": return 1
        case "year", "years", "yearly", "annual", "annually", "yr": return 12
        case "quarter", "quarters", "quarterly": return 3
        case "week", "weeks", "weekly", "wk": return Decimal(12) / Decimal(52)
        case "day", "days", "daily": return Decimal(12) / Decimal(365)
        default: return nil
        }
    }
}
