/// The in-memory dataset of SPEC §1: typed columns, customer ids interned to dense `Int32`,
/// dates as day numbers (`Day`, days since 1970-01-01 UTC), timestamps as seconds since the epoch,
/// amounts as `Double`.
///
/// Conventions used by every column here:
/// - a missing day is `Day.missing` (`Int32.min`); a missing timestamp is `.nan`;
///   a missing number is `.nan`; a missing category has code `-1`.
/// - `customer` columns hold indices into `Dataset.customers` (`id(i)`).
/// - rows are in file order; nothing is sorted unless a type says so.
public typealias Day = Int32

extension Day {
    /// The sentinel for "no date" in a day-number column.
    public static let missing: Int32 = .min
}

/// Interned customer ids: `id(i)` is the external id of customer `i`.
public struct CustomerIndex: Sendable, Codable {
    /// id bytes → index (an insertion-ordered byte-string hash table; see `ByteInterner`). The ids
    /// are kept only as its bytes: a `String` is made when asked for (3M ids as strings were 48 MB
    /// and ~50 ms of every load, for the few analyses that print ids).
    private var lookup = ByteInterner()

    public init() {}

    /// The index the CSV reader built: key `i` of `interner` is customer `i`.
    public init(interner: ByteInterner) {
        lookup = interner
    }

    public var count: Int { lookup.count }

    /// The external id of customer `i`.
    public func id(_ i: Int) -> String { lookup.string(i) }

    /// Every id in index order (made anew at each call).
    public var ids: [String] { lookup.strings }

    /// Returns the dense index of `id`, adding it if it is new.
    public mutating func intern(_ id: String) -> Int32 { lookup.intern(id) }

    public func index(of id: String) -> Int32? { lookup.find(id) }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        for id in try c.decode([String].self) { _ = intern(id) }
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(ids)
    }
}

/// A text column interned to codes: `levels[codes[row]]`, code `-1` = missing.
public struct CategoricalColumn: Sendable, Codable, Equatable {
    public var codes: [Int32]
    public var levels: [String]
    public init(codes: [Int32], levels: [String]) { self.codes = codes; self.levels = levels }
    public func value(at row: Int) -> String? { codes[row] < 0 ? nil : levels[Int(codes[row])] }
}

/// An identifier column compared only for equality (`order_id`): `codes[row]` in `0 ..< count`,
/// equal codes ⟺ equal text, `-1` = missing. The text is not kept.
public struct KeyColumn: Sendable, Codable, Equatable {
    public var codes: [Int32]
    /// Distinct keys.
    public var count: Int
    public init(codes: [Int32], count: Int) { self.codes = codes; self.count = count }
    /// Codes in order of first appearance (tests, in-memory data).
    public init(values: [String?]) {
        var index: [String: Int32] = [:]
        codes = values.map { v in
            guard let v, !v.isEmpty else { return -1 }
            if let c = index[v] { return c }
            let c = Int32(index.count); index[v] = c; return c
        }
        count = index.count
    }
}

/// A column of `customers.csv` beyond the known ones: numeric when every present value parses
/// as a number, otherwise categorical. Used as covariates and `--by` breakdowns.
public enum AttributeColumn: Sendable, Codable, Equatable {
    case numeric([Double])
    case categorical(CategoricalColumn)

    /// Numeric when every level parses as a number (`NumberParser`, spaces trimmed), otherwise the
    /// text column as it is: how a customers.csv column of text is typed.
    public static func inferred(_ col: CategoricalColumn) -> AttributeColumn {
        var values: [Double] = []
        values.reserveCapacity(col.levels.count)
        for l in col.levels {
            guard let v = NumberParser.double(l.trimmingSpaces) else { return .categorical(col) }
            values.append(v)
        }
        if col.levels.isEmpty { return .categorical(col) }
        return .numeric(col.codes.map { $0 < 0 ? .nan : values[Int($0)] })
    }
}

/// transactions.csv, one entry per row.
public struct Transactions: Sendable {
    public var customer: [Int32] = []
    public var day: [Day] = []
    public var amount: [Double] = []
    public var orderId: KeyColumn?
    public var segment: CategoricalColumn?
    public var channel: CategoricalColumn?
    public var product: CategoricalColumn?
    public var category: CategoricalColumn?
    public init() {}
    public var count: Int { customer.count }
}

/// customers.csv. `row(of:)` maps a customer index to its row (or nil when absent).
public struct CustomerTable: Sendable {
    public var customer: [Int32] = []
    public var signupDay: [Day]?
    public var segment: CategoricalColumn?
    public var channel: CategoricalColumn?
    public var acquisitionCost: [Double]?
    /// Every other column by its header name, in file order of `attributeNames`.
    public var attributes: [String: AttributeColumn] = [:]
    public var attributeNames: [String] = []
    public init() {}
    public var count: Int { customer.count }
}

/// subscriptions.csv. `endDay` is `Day.missing` while the subscription is active.
public struct Subscriptions: Sendable {
    public var customer: [Int32] = []
    public var startDay: [Day] = []
    public var endDay: [Day] = []
    public var plan: CategoricalColumn?
    public var mrr: [Double]?
    /// Why the subscription ended (`end_reason`: cancelled, payment_failed, …; -1 = not given): the
    /// competing risks of `tenure survival --competing end_reason`. Read only where the row ended.
    public var endReason: CategoricalColumn?
    public init() {}
    public var count: Int { customer.count }
}

public enum SurveyKind: String, Sendable, Codable, CaseIterable { case csat, nps, ces }

/// surveys.csv.
public struct Surveys: Sendable {
    public var customer: [Int32] = []
    public var day: [Day] = []
    public var kind: [SurveyKind] = []
    public var score: [Double] = []
    public init() {}
    public var count: Int { customer.count }
}

/// tickets.csv; times are seconds since the epoch (`.nan` = missing).
public struct Tickets: Sendable {
    public var ticketId: [String] = []
    public var customer: [Int32] = []
    public var openedAt: [Double] = []
    public var firstResponseAt: [Double] = []
    public var resolvedAt: [Double] = []
    public var channel: CategoricalColumn?
    public init() {}
    public var count: Int { customer.count }
}

/// interactions.csv; timestamps are seconds since the epoch.
public struct Interactions: Sendable {
    public var customer: [Int32] = []
    public var timestamp: [Double] = []
    public var channel: CategoricalColumn = CategoricalColumn(codes: [], levels: [])
    public init() {}
    public var count: Int { customer.count }
}

/// leads.csv. `customer` is -1 when the lead names no customer; `won` is nil when unknown/open.
public struct Leads: Sendable {
    public var leadId: [String] = []
    public var createdDay: [Day] = []
    public var source: CategoricalColumn?
    public var stage: CategoricalColumn?
    public var convertedDay: [Day] = []
    public var closedDay: [Day] = []
    public var won: [Bool?] = []
    public var customer: [Int32] = []
    public init() {}
    public var count: Int { leadId.count }
}

/// marketing_spend.csv: spend attributed to the day it was booked (a `YYYY-MM` period is
/// booked on the first day of that month).
public struct MarketingSpend: Sendable {
    public var day: [Day] = []
    public var channel: CategoricalColumn = CategoricalColumn(codes: [], levels: [])
    public var amount: [Double] = []
    public init() {}
    public var count: Int { day.count }
}

/// A loaded dataset. Every table is optional (at least one must be there); each switches on the
/// analyses that need it (`Requirements.swift`). Without transactions.csv, `transactions` is empty and
/// `hasTransactions` is false. `asOf` is the end of observation (inclusive): `--as-of`, or the latest
/// date in the data.
public struct Dataset: Sendable {
    /// Where the data came from (directory path), for messages.
    public var source: String
    public var customers: CustomerIndex
    public var transactions: Transactions
    public var customerTable: CustomerTable?
    public var subscriptions: Subscriptions?
    public var surveys: Surveys?
    public var tickets: Tickets?
    public var interactions: Interactions?
    public var leads: Leads?
    public var marketingSpend: MarketingSpend?
    public var asOf: Day
    /// False when the dataset has no transactions.csv (then `transactions` is empty).
    public var hasTransactions = true

    public init(source: String, customers: CustomerIndex, transactions: Transactions,
                customerTable: CustomerTable? = nil, subscriptions: Subscriptions? = nil,
                surveys: Surveys? = nil, tickets: Tickets? = nil, interactions: Interactions? = nil,
                leads: Leads? = nil, marketingSpend: MarketingSpend? = nil, asOf: Day) {
        self.source = source; self.customers = customers; self.transactions = transactions
        self.customerTable = customerTable; self.subscriptions = subscriptions; self.surveys = surveys
        self.tickets = tickets; self.interactions = interactions; self.leads = leads
        self.marketingSpend = marketingSpend; self.asOf = asOf
    }
}
