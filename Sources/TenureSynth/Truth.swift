import Foundation
import TenureData

/// The true parameters behind a generated dataset, written to `truth.json` (keys in snake_case,
/// model parameters under their conventional names). Fits on the data should recover them
/// within sampling error.
public struct Truth: Codable, Sendable, Equatable {
    public struct SegmentTruth: Codable, Sendable, Equatable {
        public var name: String
        public var share: Double
        public var purchaseRateMultiplier: Double
        public var spendMultiplier: Double
        /// Exact BG/NBD within the segment: (r, alpha / multiplier, a, b).
        public var bgnbd: SynthConfig.BGNBD
        /// Exact Gamma-Gamma within the segment: (p, q, gamma × spend multiplier).
        public var gammaGamma: SynthConfig.GammaGamma
        /// E[amount] = p · gamma_s / (q − 1).
        public var expectedAmount: Double
        public var subscribeProbability: Double
        public var acquisitionCostMultiplier: Double
        public var channelMix: [Double]
        public var planMix: [Double]
        public var ticketsPerYear: Double
        public var leadProbability: Double
        public var ageMean: Double
        public var ageSD: Double
        enum CodingKeys: String, CodingKey {
            case name, share, purchaseRateMultiplier = "purchase_rate_multiplier", spendMultiplier = "spend_multiplier"
            case bgnbd, gammaGamma = "gamma_gamma", expectedAmount = "expected_amount"
            case subscribeProbability = "subscribe_probability", acquisitionCostMultiplier = "acquisition_cost_multiplier"
            case channelMix = "channel_mix", planMix = "plan_mix", ticketsPerYear = "tickets_per_year"
            case leadProbability = "lead_probability", ageMean = "age_mean", ageSD = "age_sd"
        }
    }

    public struct SBGTruth: Codable, Sendable, Equatable {
        public var alpha: Double, beta: Double
        public var period: String
        /// S(t) = B(alpha, beta + t) / B(alpha, beta) for t = 0…12 months.
        public var survival: [Double]
    }

    public struct SurveyTruth: Codable, Sendable, Equatable {
        public var model: SynthConfig.Surveys
        /// Expected CSAT (share of 4–5), NPS (% promoters − % detractors, in points), mean CES.
        public var csat: Double
        public var nps: Double
        public var ces: Double
    }

    /// Lead funnel rates, each over all leads (before censoring at the end of observation).
    public struct LeadTruth: Codable, Sendable, Equatable {
        /// P(lead becomes an opportunity, i.e. has converted_at).
        public var conversionRate: Double
        /// P(opportunity is won).
        public var closeRate: Double
        /// won / leads created = conversion_rate × close_rate (the KPI `lead_conversion_rate`).
        public var leadConversionRate: Double
        /// won / opportunities = close_rate (the KPI `sales_conversion_rate`).
        public var salesConversionRate: Double
        public var sources: [String]
        enum CodingKeys: String, CodingKey {
            case conversionRate = "conversion_rate", closeRate = "close_rate", leadConversionRate = "lead_conversion_rate"
            case salesConversionRate = "sales_conversion_rate", sources
        }
    }

    public struct InitiativeTruth: Codable, Sendable, Equatable {
        public var name: String
        public var start: String
        /// Last day of the window (inclusive).
        public var end: String
        public var enrolledShare: Double
        public var treatmentShare: Double
        /// True relative lift of the purchase rate of treated customers during the window.
        public var rateLift: Double
        public var outcome: String
        public var treatmentCustomers: Int
        public var controlCustomers: Int
        /// Realised mean transactions / revenue per enrolled customer in the window, by group.
        public var treatmentMeanPurchases: Double
        public var controlMeanPurchases: Double
        public var treatmentMeanRevenue: Double
        public var controlMeanRevenue: Double
        enum CodingKeys: String, CodingKey {
            case name, start, end, enrolledShare = "enrolled_share", treatmentShare = "treatment_share"
            case rateLift = "rate_lift", outcome, treatmentCustomers = "treatment_customers"
            case controlCustomers = "control_customers", treatmentMeanPurchases = "treatment_mean_purchases"
            case controlMeanPurchases = "control_mean_purchases", treatmentMeanRevenue = "treatment_mean_revenue"
            case controlMeanRevenue = "control_mean_revenue"
        }
    }

    /// Why subscriptions end (`end_reason`): the competing risks of contractual churn.
    public struct EndReasonTruth: Codable, Sendable, Equatable {
        public struct Segment: Codable, Sendable, Equatable {
            public var name: String
            /// P(reason k | churn), for the reasons in order.
            public var mix: [Double]
            /// Cause-specific discrete hazard of each reason at the t-th monthly renewal of a first
            /// spell, t = 1…12: mix[k] · alpha / (alpha + beta + t − 1) (the sBG hazard split by reason).
            public var hazard: [[Double]]
            /// Cumulative incidence of each reason after t months of a first spell, t = 0…12:
            /// mix[k] · (1 − S(t)), S the sBG survival.
            public var cumulativeIncidence: [[Double]]
            enum CodingKeys: String, CodingKey {
                case name, mix, hazard, cumulativeIncidence = "cumulative_incidence"
            }
        }
        /// The churn reasons, in order.
        public var reasons: [String]
        /// end_reason of a row closed by a plan change (the customer stays).
        public var planChanges: [String]
        public var segments: [Segment]
        enum CodingKeys: String, CodingKey {
            case reasons, planChanges = "plan_changes", segments
        }
    }

    public struct Realised: Codable, Sendable, Equatable {
        public var rows: [String: Int]
        public var transactionsPerCustomer: Double
        /// Share of customers still alive (not dropped out) at the end of observation.
        public var aliveShare: Double
        public var subscribers: Int
        enum CodingKeys: String, CodingKey {
            case rows, transactionsPerCustomer = "transactions_per_customer", aliveShare = "alive_share", subscribers
        }
    }

    public var schemaVersion: Int = 1
    public var generator: String = "tenure generate"
    public var seed: UInt64
    public var customers: Int
    public var acquisitionStart: String
    public var acquisitionEnd: String
    public var observationEnd: String
    /// BG/NBD time unit.
    public var timeUnit: String
    /// Pooled parameters; λ of a segment is scaled (see `segments`), so the pooled data is a mixture
    /// unless every multiplier is 1.
    public var bgnbd: SynthConfig.BGNBD
    public var gammaGamma: SynthConfig.GammaGamma
    public var sbg: SBGTruth
    public var segments: [SegmentTruth]
    public var channels: [SynthConfig.Channel]
    public var acquisitionCostLogSD: Double
    public var plans: [SynthConfig.Plan]
    public var subscriptions: SynthConfig.Subscriptions
    public var products: SynthConfig.Products
    public var surveys: SurveyTruth
    public var tickets: SynthConfig.Tickets
    public var interactions: SynthConfig.Interactions
    public var leads: LeadTruth
    public var initiative: InitiativeTruth?
    public var endReasons: EndReasonTruth?
    public var notes: [String]
    public var realised: Realised

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", generator, seed, customers
        case acquisitionStart = "acquisition_start", acquisitionEnd = "acquisition_end", observationEnd = "observation_end"
        case timeUnit = "time_unit", bgnbd, gammaGamma = "gamma_gamma", sbg, segments, channels
        case acquisitionCostLogSD = "acquisition_cost_log_sd", plans, subscriptions, products, surveys, tickets
        case interactions, leads, initiative, endReasons = "end_reasons", notes, realised
    }

    /// Pretty, key-sorted JSON (deterministic bytes), ending with a newline.
    public func jsonData() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        var d = try e.encode(self)
        d.append(0x0A)
        return d
    }

    static let modelNotes = [
        "Customers are acquired uniformly over the acquisition window; customer C<i> is the i-th acquired; the first purchase is on the signup day.",
        "Purchases: BG/NBD in weeks. lambda = purchase_rate_multiplier(segment) * lambda0, lambda0 ~ Gamma(r, rate alpha); p ~ Beta(a, b); purchases form a Poisson process at rate lambda from the signup; after each repeat purchase the customer drops out with probability p. Within a segment the model is exactly BG/NBD with alpha / multiplier.",
        "A purchase at t weeks after the signup is dated signup + floor(7 t) days; T = (observation_end + 1 day - signup) / 7 weeks. Purchases falling on the same day stay separate orders.",
        "Spend: Gamma-Gamma. nu ~ Gamma(q, rate gamma) per customer; each amount = spend_multiplier(segment) * Gamma(p, rate nu), rounded to cents (minimum 0.01). Within a segment: Gamma-Gamma with gamma * multiplier.",
        "Subscriptions: sBG per calendar month. theta ~ Beta(alpha, beta) per customer; at each monthly anniversary of the start the subscription churns with probability theta (end_date = that anniversary). A plan change (upgrade / downgrade at a renewal) closes the row on that date and opens a new row the same day: a customer's spell is the run of back-to-back rows. A reactivation starts a new spell 1-6 months after a churn with the same theta. end_date is empty while active at observation_end.",
        "End reasons: a churned row's end_reason is drawn from its segment's mix (end_reasons.segments[].mix), independently of the churn time, so the cause-specific hazard of reason k is mix[k] times the all-cause sBG hazard and its cumulative incidence mix[k] (1 - S(t)); a row closed by a plan change has end_reason upgrade or downgrade; an active row has none.",
        "Initiative: enrolled customers (acquired before its start) are split at random; the treatment multiplies lambda by 1 + rate_lift during the window (a time change of the Poisson process; dropout unchanged).",
        "engagement_score = clamp(50 + 10 z_lambda + 6 z_theta + 8 N(0,1), 0, 100) where z are the standardised log lambda0 and -log theta: higher engagement means more purchases and less subscription churn. age has no effect.",
        "Tickets and interactions happen only while the customer is alive (before the BG/NBD dropout). Surveys follow a transaction by 0-6 days.",
        "Marketing spend of a channel in a month is the sum of acquisition_cost of the customers it acquired that month, so spend / new customers = the channel's CAC.",
    ]
}
