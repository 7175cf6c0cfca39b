import TenureData

/// A generated dataset held as columns, before any text is written. Customer `i` has the external
/// id `C<i+1>`; customers are numbered in order of acquisition, so `i` is also the index the CSV
/// loader assigns (order of first appearance in transactions.csv).
///
/// Tables not requested in `SynthConfig.tables` are empty.
public struct SyntheticData: Sendable {
    public let config: SynthConfig

    /// customers.csv, one row per customer, in customer order.
    public struct Customers: Sendable {
        public var signupDay: [Day] = []
        public var segment: [UInt8] = []
        public var channel: [UInt8] = []
        public var acquisitionCents: [Int64] = []
        public var age: [Int16] = []
        /// engagement_score × 10 (the file has one decimal).
        public var engagementTenths: [Int16] = []
        /// -1 not enrolled in the initiative, 0 control, 1 treatment.
        public var initiativeGroup: [Int8] = []
        public var count: Int { signupDay.count }
    }

    /// The latent per-customer quantities the tables were drawn from (for tests and truth.json).
    public struct Latent: Sendable {
        /// Purchase rate per week, segment multiplier included (λ = m_segment × λ₀).
        public var lambda: [Double] = []
        /// BG/NBD dropout probability after each repeat purchase.
        public var dropout: [Double] = []
        /// Gamma-Gamma ν (rate of the Gamma(p, ν) spend distribution, before the segment spend multiplier).
        public var nu: [Double] = []
        /// sBG monthly churn probability.
        public var theta: [Double] = []
        /// Weeks from acquisition to the end of observation (T, the BG/NBD age, end of day inclusive).
        public var ageWeeks: [Double] = []
        /// Weeks from acquisition to the dropout (or `ageWeeks` when still alive at the end).
        public var aliveWeeks: [Double] = []
        /// Still alive (not dropped out) at the end of observation.
        public var alive: [Bool] = []
        public var subscriber: [Bool] = []
        public var favouriteCategory: [UInt8] = []
        public var viaLead: [Bool] = []
        /// Standardised engagement (engagement_score − 50) / sd.
        public var engagementZ: [Double] = []
    }

    /// transactions.csv, sorted by day then customer; `product` is `category × productsPerCategory + k`.
    public struct TransactionRows: Sendable {
        public var customer: [Int32] = []
        public var day: [Day] = []
        public var cents: [Int64] = []
        public var product: [Int16] = []
        public var count: Int { customer.count }
    }

    /// subscriptions.csv sorted by start day then customer; `end` is `Day.missing` while active.
    public struct SubscriptionRows: Sendable {
        public var customer: [Int32] = []
        public var start: [Day] = []
        public var end: [Day] = []
        public var plan: [UInt8] = []
        /// `end_reason`: index into `EndReasons.churn`, or `reasonUpgrade` / `reasonDowngrade`;
        /// `reasonNone` while active.
        public var reason: [UInt8] = []
        public static let reasonNone: UInt8 = 255, reasonUpgrade: UInt8 = 254, reasonDowngrade: UInt8 = 253
        public var count: Int { customer.count }
    }

    /// surveys.csv sorted by day; kind 0 csat, 1 nps, 2 ces.
    public struct SurveyRows: Sendable {
        public var customer: [Int32] = []
        public var day: [Day] = []
        public var kind: [UInt8] = []
        public var score: [Int8] = []
        public var count: Int { customer.count }
    }

    /// tickets.csv sorted by opening time; seconds since the epoch, `missingTime` when absent.
    public struct TicketRows: Sendable {
        public var customer: [Int32] = []
        public var opened: [Int64] = []
        public var firstResponse: [Int64] = []
        public var resolved: [Int64] = []
        public var channel: [UInt8] = []
        public var count: Int { customer.count }
    }

    /// interactions.csv sorted by time.
    public struct InteractionRows: Sendable {
        public var customer: [Int32] = []
        public var time: [Int64] = []
        public var channel: [UInt8] = []
        public var count: Int { customer.count }
    }

    /// leads.csv sorted by creation day. `source` indexes `leadSources`; stage indexes `leadStages`;
    /// `won` is -1 while open; `customer` is -1 unless won.
    public struct LeadRows: Sendable {
        public var created: [Day] = []
        public var source: [UInt8] = []
        public var stage: [UInt8] = []
        public var converted: [Day] = []
        public var closed: [Day] = []
        public var won: [Int8] = []
        public var customer: [Int32] = []
        public var count: Int { created.count }
    }

    /// marketing_spend.csv: one row per month of the acquisition window and channel.
    public struct SpendRows: Sendable {
        public var month: [Day] = []          // first day of the month
        public var channel: [UInt8] = []
        public var cents: [Int64] = []
        public var count: Int { month.count }
    }

    public static let missingTime = Int64.min
    public static let leadStages = ["new", "qualified", "won", "lost"]
    public static let surveyKinds = ["csat", "nps", "ces"]

    public internal(set) var customers = Customers()
    public internal(set) var latent = Latent()
    public internal(set) var transactions = TransactionRows()
    public internal(set) var subscriptions = SubscriptionRows()
    public internal(set) var surveys = SurveyRows()
    public internal(set) var tickets = TicketRows()
    public internal(set) var interactions = InteractionRows()
    public internal(set) var leads = LeadRows()
    public internal(set) var marketingSpend = SpendRows()
    /// The true parameters and realised summaries, as written to truth.json.
    public internal(set) var truth: Truth

    init(config: SynthConfig, truth: Truth) { self.config = config; self.truth = truth }

    /// `leads.csv` sources: the acquisition channels, then `config.leads.extraSources`.
    public var leadSources: [String] { config.channels.map(\.name) + config.leads.extraSources }

    /// External id of customer `i`.
    @inlinable public static func customerId(_ i: Int) -> String { "C\(i + 1)" }

    /// Product code of product index `k` (`P` + 2-digit category + 2-digit item, both 1-based).
    public func productName(_ k: Int) -> String {
        let per = config.products.productsPerCategory
        let c = k / per + 1, i = k % per + 1
        return "P" + (c < 10 ? "0" : "") + String(c) + (i < 10 ? "0" : "") + String(i)
    }

    /// Row counts per written table.
    public var rowCounts: [(table: SynthConfig.Table, rows: Int)] {
        config.tables.sorted().map { t in
            switch t {
            case .transactions: return (t, transactions.count)
            case .customers: return (t, customers.count)
            case .subscriptions: return (t, subscriptions.count)
            case .surveys: return (t, surveys.count)
            case .tickets: return (t, tickets.count)
            case .interactions: return (t, interactions.count)
            case .leads: return (t, leads.count)
            case .marketingSpend: return (t, marketingSpend.count)
            }
        }
    }
}
