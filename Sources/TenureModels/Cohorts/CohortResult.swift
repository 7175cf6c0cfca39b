/// Result of `tenure cohorts`: plain values; the JSON output is their encoding (snake_case keys).
///
/// Conventions:
/// - `age` counts periods since acquisition (0 = the acquisition period).
/// - A cell is `complete` when its whole period lies on or before the end of observation,
///   `partial` when the end of observation falls inside it (values so far; never read it as a drop),
///   and cells not reached at all are simply absent (not observed, never zero).
/// - Retention shares carry a Wilson score interval at `confidence`.
public struct CohortResult: Sendable, Codable {
    public var settings: CohortSettings
    /// End of observation (inclusive), ISO date.
    public var asOf: String
    /// What defines acquisition: `first_purchase`, `signup_date` or `subscription_start`.
    public var cohortBasis: String
    /// One entry per `--by` level (a single entry named nil without `--by`).
    public var groups: [CohortGroup]
    /// MRR movements per calendar period, when subscriptions carry `mrr`.
    public var mrr: MRRMovements?
    /// Things a reader must know (rows left out and why, caveats).
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case settings, asOf = "as_of", cohortBasis = "cohort_basis", groups, mrr, notes
    }
    public init(settings: CohortSettings, asOf: String, cohortBasis: String, groups: [CohortGroup],
                mrr: MRRMovements?, notes: [String]) {
        self.settings = settings; self.asOf = asOf; self.cohortBasis = cohortBasis; self.groups = groups
        self.mrr = mrr; self.notes = notes
    }
}

/// The options the result was computed with, echoed for reproducibility.
public struct CohortSettings: Sendable, Codable, Equatable {
    public var period: String
    public var window: String
    /// Windows of contractual retention and its sBG forecast (`rolling` = anniversaries, the default).
    public var contractualWindow: String
    public var cohortBy: String
    public var metric: String
    public var retention: String
    public var relativeTo: String
    public var by: String?
    public var brackets: [String]?
    public var forecast: Int
    public var confidence: Double
    /// The tables whose rows make a customer active (`transactions`, `interactions`).
    public var activity: [String]?
    public var grossMargin: Double?
    enum CodingKeys: String, CodingKey {
        case period, window, contractualWindow = "contractual_window", cohortBy = "cohort_by", metric, retention, relativeTo = "relative_to", by, brackets,
             forecast, confidence, activity, grossMargin = "gross_margin"
    }
}

public enum CellStatus: String, Sendable, Codable { case complete, partial }

/// All cohorts of one `--by` level.
public struct CohortGroup: Sendable, Codable {
    /// The `--by` level; nil without `--by`.
    public var name: String?
    public var cohorts: [CohortRow]
    /// Size-weighted average curve over the cohorts that have completely reached each age.
    public var average: [AverageCell]
    public var brackets: [BracketRow]?
    /// Contractual retention from subscriptions (cohort = period of the customer's first subscription start).
    public var contractual: [ContractualRow]?
    public var contractualAverage: [AverageCell]?
    public var forecast: CohortForecast?
    /// Per bracket, the size-weighted average over the cohorts that have completely reached it.
    public var bracketAverage: [BracketAverageCell]?
    /// Acquisition cost per acquired customer of the group's cohorts (the CAC line of the value
    /// curve), and where it comes from; nil when the data has none.
    public var acquisitionCost: Double?
    public var acquisitionCostSource: String?
    /// The first age at which the average cumulative value per acquired customer (margin when a
    /// gross margin is given, else revenue) reaches the acquisition cost; nil when not reached.
    public var paybackAge: Int?
    enum CodingKeys: String, CodingKey {
        case name, cohorts, average, brackets, contractual, contractualAverage = "contractual_average", forecast
        case bracketAverage = "bracket_average", acquisitionCost = "acquisition_cost"
        case acquisitionCostSource = "acquisition_cost_source", paybackAge = "payback_age"
    }
}

/// One bracket's retention averaged over cohorts: Σ customers active in it / Σ size over the
/// cohorts whose bracket is complete.
public struct BracketAverageCell: Sendable, Codable, Equatable {
    public var bracket: String
    public var cohorts: Int
    public var size: Int
    public var customers: Int
    public var retention: Double
    public var retentionLower: Double
    public var retentionUpper: Double
    enum CodingKeys: String, CodingKey {
        case bracket, cohorts, size, customers, retention, retentionLower = "retention_lower", retentionUpper = "retention_upper"
    }
}

public struct CohortRow: Sendable, Codable {
    /// Cohort label (`2024-03`, `2024-W09`, `2024-Q1`, …).
    public var cohort: String
    /// First day of the cohort period.
    public var start: String
    /// Customers acquired in the cohort period.
    public var size: Int
    public var cells: [CohortCell]
    /// Acquisition cost per customer of this cohort (nil when unknown).
    public var acquisitionCost: Double?
    enum CodingKeys: String, CodingKey { case cohort, start, size, cells, acquisitionCost = "acquisition_cost" }
}

public struct CohortCell: Sendable, Codable {
    public var age: Int
    /// Calendar period of the cell (calendar windows), else nil.
    public var period: String?
    public var status: CellStatus
    /// Distinct customers active (≥ 1 transaction) at this age.
    public var customers: Int
    /// Orders: distinct `order_id` values, or transaction rows when there is no `order_id` column.
    public var orders: Int
    /// Sum of amounts (refunds included).
    public var revenue: Double
    /// customers / size.
    public var retention: Double
    public var retentionLower: Double
    public var retentionUpper: Double
    /// Customers active at this age or later.
    public var unboundedCustomers: Int
    public var unbounded: Double
    public var unboundedLower: Double
    public var unboundedUpper: Double
    /// customers(age) / customers(age−1); nil at age 0 or when the previous count is 0.
    public var retentionVsPrevious: Double?
    /// unbounded(age) / unbounded(age−1).
    public var unboundedVsPrevious: Double?
    /// revenue(age) / revenue(0); nil when revenue(0) is 0.
    public var revenueRetention: Double?
    /// revenue(age) / revenue(age−1).
    public var revenueVsPrevious: Double?
    /// Σ revenue of ages 0…age / size: cumulative revenue per acquired customer.
    public var cumulativeRevenuePerCustomer: Double
    /// The same × the gross margin (with `CohortOptions.grossMargin`).
    public var cumulativeMarginPerCustomer: Double?
    enum CodingKeys: String, CodingKey {
        case cumulativeRevenuePerCustomer = "cumulative_revenue_per_customer"
        case cumulativeMarginPerCustomer = "cumulative_margin_per_customer"
        case age, period, status, customers, orders, revenue, retention
        case retentionLower = "retention_lower", retentionUpper = "retention_upper"
        case unboundedCustomers = "unbounded_customers", unbounded
        case unboundedLower = "unbounded_lower", unboundedUpper = "unbounded_upper"
        case retentionVsPrevious = "retention_vs_previous", unboundedVsPrevious = "unbounded_vs_previous"
        case revenueRetention = "revenue_retention", revenueVsPrevious = "revenue_vs_previous"
    }
}

public struct AverageCell: Sendable, Codable {
    public var age: Int
    /// Cohorts that have completely reached this age (the ones averaged).
    public var cohorts: Int
    /// Their summed size.
    public var size: Int
    public var customers: Int
    /// Σ customers / Σ size over those cohorts (= the size-weighted mean of their retentions).
    public var retention: Double
    public var retentionLower: Double
    public var retentionUpper: Double
    public var unbounded: Double
    /// Σ revenue(age) / Σ revenue(0) over those cohorts (nil for contractual curves).
    public var revenueRetention: Double?
    /// The LTV curve: Σ cumulative revenue to this age / Σ size over those cohorts (the
    /// size-weighted mean of their cumulative revenue per acquired customer); nil for contractual curves.
    public var cumulativeRevenuePerCustomer: Double?
    /// The same × the gross margin (with `CohortOptions.grossMargin`).
    public var cumulativeMarginPerCustomer: Double?
    enum CodingKeys: String, CodingKey {
        case age, cohorts, size, customers, retention, retentionLower = "retention_lower",
             retentionUpper = "retention_upper", unbounded, revenueRetention = "revenue_retention"
        case cumulativeRevenuePerCustomer = "cumulative_revenue_per_customer"
        case cumulativeMarginPerCustomer = "cumulative_margin_per_customer"
    }
}

public struct BracketRow: Sendable, Codable {
    public var cohort: String
    public var size: Int
    public var cells: [BracketCell]
}

public struct BracketCell: Sendable, Codable {
    /// `4-7`.
    public var bracket: String
    public var status: CellStatus
    /// Distinct customers active at any age in the bracket.
    public var customers: Int
    public var retention: Double
    public var retentionLower: Double
    public var retentionUpper: Double
    enum CodingKeys: String, CodingKey {
        case bracket, status, customers, retention, retentionLower = "retention_lower", retentionUpper = "retention_upper"
    }
}

public struct ContractualRow: Sendable, Codable {
    public var cohort: String
    public var start: String
    public var size: Int
    public var cells: [ContractualCell]
}

public struct ContractualCell: Sendable, Codable {
    public var age: Int
    public var period: String?
    public var status: CellStatus
    /// Customers with a subscription covering at least one day of this age.
    public var customers: Int
    public var retention: Double
    public var retentionLower: Double
    public var retentionUpper: Double
    /// Survivors: customers whose first spell (back-to-back subscriptions from their first start, an
    /// open one covering to the end of observation) still covers this age. A customer who comes back
    /// after a gap counts in `customers` again but not here: sBG losses are first churns.
    public var survivors: Int
    public var survival: Double
    public var retentionVsPrevious: Double?
    enum CodingKeys: String, CodingKey {
        case age, period, status, customers, retention, retentionLower = "retention_lower",
             retentionUpper = "retention_upper", survivors, survival, retentionVsPrevious = "retention_vs_previous"
    }
}

/// sBG forecast of one group's cohorts.
public struct CohortForecast: Sendable, Codable {
    /// Which survivor series was fitted: `contractual` (subscriptions) or `unbounded` (transactions:
    /// a customer survives to age k when active at age k or later).
    public var basis: String
    public var horizon: Int
    /// How the projection intervals were made.
    public var intervalMethod: String
    public var cohorts: [ForecastCohort]
    /// One sBG fit of every cohort of the group together (shared alpha, beta; each cohort's complete
    /// ages, later ages right-censored): the group's retention model, steadier than any one cohort's.
    public var pooled: SBGFit?
    /// Why there is no pooled fit.
    public var pooledFailure: String?
    enum CodingKeys: String, CodingKey {
        case basis, horizon, intervalMethod = "interval_method", cohorts, pooled, pooledFailure = "pooled_failure"
    }
}

public struct ForecastCohort: Sendable, Codable {
    public var cohort: String
    public var size: Int
    /// Ages 0…K used in the fit (complete ages only).
    public var fittedAges: Int
    public var fit: SBGFit?
    /// Why no fit was possible (too few complete ages, no loss observed, …).
    public var failure: String?
    public var cells: [ForecastCell]
    enum CodingKeys: String, CodingKey { case cohort, size, fittedAges = "fitted_ages", fit, failure, cells }
}

public struct ForecastCell: Sendable, Codable {
    public var age: Int
    public var period: String?
    /// Expected survivors, E[N_t | N_K] = N_K · S(t)/S(K).
    public var survivors: Double
    /// survivors / size.
    public var retention: Double
    /// Projection interval of retention (see `interval_method`).
    public var lower: Double
    public var upper: Double
}

/// MRR movements per calendar period (snapshot MRR at each period's last day, or at the end of
/// observation for the last, partial period).
public struct MRRMovements: Sendable, Codable {
    public var periods: [MRRPeriod]
    /// Whole-range totals: gross and net revenue retention over the span.
    public var note: String
}

public struct MRRPeriod: Sendable, Codable {
    public var period: String
    public var snapshot: String
    public var status: CellStatus
    public var opening: Double
    public var new: Double
    public var expansion: Double
    public var contraction: Double
    public var churn: Double
    public var reactivation: Double
    public var closing: Double
    /// Customers with MRR > 0 at the snapshot.
    public var customers: Int
    /// (opening − contraction − churn) / opening; nil when opening is 0.
    public var grossRevenueRetention: Double?
    /// (opening + expansion − contraction − churn) / opening.
    public var netRevenueRetention: Double?
    enum CodingKeys: String, CodingKey {
        case period, snapshot, status, opening, new, expansion, contraction, churn, reactivation, closing, customers,
             grossRevenueRetention = "gross_revenue_retention", netRevenueRetention = "net_revenue_retention"
    }
}
