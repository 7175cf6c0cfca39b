import TenureData

/// Every parameter of the synthetic CRM generator. The defaults describe a mid-size online
/// business (about 2.7 transactions per customer); every number here is written to `truth.json`.
///
/// Time conventions: purchase rates are per **week** (BG/NBD time unit), subscription churn is
/// per **calendar month** (sBG period), ticket rates per year, interaction rates per week.
public struct SynthConfig: Sendable, Codable, Equatable {
    /// Which CSV tables to write / build. `transactions` (and the latent customers behind it) is
    /// always generated; the others are optional so benchmarks can skip them.
    public enum Table: String, Sendable, Codable, CaseIterable, Comparable {
        case transactions, customers, subscriptions, surveys, tickets, interactions, leads
        case marketingSpend = "marketing_spend"
        public var fileName: String { rawValue + ".csv" }
        public static func < (a: Table, b: Table) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    public struct Segment: Sendable, Codable, Equatable {
        public var name: String
        /// Share of customers (shares are normalised to sum to 1).
        public var share: Double
        /// λ of a customer of this segment is `purchaseRateMultiplier × λ₀`, λ₀ ~ Gamma(r, alpha).
        /// Within the segment the BG/NBD is exact with `alpha / purchaseRateMultiplier`.
        public var purchaseRateMultiplier: Double
        /// Amounts are `spendMultiplier × z`, z ~ Gamma(p, ν): within the segment Gamma-Gamma is
        /// exact with `gamma × spendMultiplier`.
        public var spendMultiplier: Double
        /// Acquisition cost = channel CAC × this multiplier × lognormal noise.
        public var acquisitionCostMultiplier: Double
        /// Channel mix of the segment (same order as `SynthConfig.channels`, normalised).
        public var channelMix: [Double]
        /// Probability a customer of this segment takes a subscription (before the channel multiplier).
        public var subscribeProbability: Double
        /// Initial plan probabilities (same order as `SynthConfig.plans`, normalised).
        public var planMix: [Double]
        /// Support tickets per customer-year while alive.
        public var ticketsPerYear: Double
        /// Probability the customer came through a sales lead (a won lead in leads.csv).
        public var leadProbability: Double
        /// Mean and sd of the customer's age (normal, rounded, clamped to 18…85).
        public var ageMean: Double
        public var ageSD: Double

        enum CodingKeys: String, CodingKey {
            case name, share
            case purchaseRateMultiplier = "purchase_rate_multiplier", spendMultiplier = "spend_multiplier"
            case acquisitionCostMultiplier = "acquisition_cost_multiplier", channelMix = "channel_mix"
            case subscribeProbability = "subscribe_probability", planMix = "plan_mix"
            case ticketsPerYear = "tickets_per_year", leadProbability = "lead_probability"
            case ageMean = "age_mean", ageSD = "age_sd"
        }
    }

    public struct Channel: Sendable, Codable, Equatable {
        public var name: String
        /// Mean acquisition cost of a customer (segment multiplier 1) from this channel.
        public var acquisitionCost: Double
        /// Multiplies the segment's subscription probability (capped at 1).
        public var subscribeMultiplier: Double
        enum CodingKeys: String, CodingKey {
            case name, acquisitionCost = "acquisition_cost", subscribeMultiplier = "subscribe_multiplier"
        }
    }

    /// BG/NBD (Fader, Hardie & Lee 2005): λ ~ Gamma(r, rate alpha) per week, p ~ Beta(a, b).
    public struct BGNBD: Sendable, Codable, Equatable {
        public var r: Double, alpha: Double, a: Double, b: Double
    }
    /// Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV"): ν ~ Gamma(q, rate gamma), amount ~ Gamma(p, rate ν).
    public struct GammaGamma: Sendable, Codable, Equatable {
        public var p: Double, q: Double, gamma: Double
    }
    /// Shifted-beta-geometric (Fader & Hardie 2007): θ ~ Beta(alpha, beta), churn each month with prob θ.
    public struct SBG: Sendable, Codable, Equatable {
        public var alpha: Double, beta: Double
    }

    public struct Plan: Sendable, Codable, Equatable {
        public var name: String
        public var mrr: Double
    }

    public struct Subscriptions: Sendable, Codable, Equatable {
        /// Probability the subscription starts on the signup day; otherwise it starts 1…`maxStartDelayDays` later.
        public var startSameDay: Double
        public var maxStartDelayDays: Int
        /// At each monthly renewal of an active subscription (that does not churn): probability of moving one plan up / down.
        public var upgradePerMonth: Double
        public var downgradePerMonth: Double
        /// After a churn: probability the customer comes back 1…6 months later (a new spell, same θ).
        public var reactivation: Double
        enum CodingKeys: String, CodingKey {
            case startSameDay = "start_same_day", maxStartDelayDays = "max_start_delay_days"
            case upgradePerMonth = "upgrade_per_month", downgradePerMonth = "downgrade_per_month", reactivation
        }
    }

    /// Why subscriptions end (subscriptions.csv `end_reason`). A churn's reason is drawn from the
    /// churning customer's segment mix, independently of when it churns, so the cause-specific hazard
    /// of reason k is `mix[k]` × the all-cause (sBG) hazard and its cumulative incidence is
    /// `mix[k]` × (1 − S(t)). Rows closed by a plan change carry `upgrade` or `downgrade` (the
    /// customer stays: not a churn).
    public struct EndReasons: Sendable, Codable, Equatable {
        public var churn: [String]
        /// Per segment (same order as `SynthConfig.segments`), the probabilities of `churn` (normalised).
        public var mixBySegment: [[Double]]
        public var upgrade: String
        public var downgrade: String
        enum CodingKeys: String, CodingKey {
            case churn, mixBySegment = "mix_by_segment", upgrade, downgrade
        }
    }

    public struct Products: Sendable, Codable, Equatable {
        public var categories: [String]
        /// Probability a customer's favourite category is each one (normalised).
        public var categoryWeights: [Double]
        public var productsPerCategory: Int
        /// Probability a repeat purchase is in the favourite category (else uniform over the others).
        public var affinity: Double
        enum CodingKeys: String, CodingKey {
            case categories, categoryWeights = "category_weights", productsPerCategory = "products_per_category", affinity
        }
    }

    public struct Surveys: Sendable, Codable, Equatable {
        /// Probability a transaction is followed by an answered survey (0…6 days later).
        public var responseRate: Double
        /// Probabilities of csat, nps, ces (normalised).
        public var kindMix: [Double]
        /// P(score = 1…5), P(score = 0…10), P(score = 1…7).
        public var csat: [Double]
        public var nps: [Double]
        public var ces: [Double]
        enum CodingKeys: String, CodingKey {
            case responseRate = "response_rate", kindMix = "kind_mix", csat, nps, ces
        }
    }

    public struct Tickets: Sendable, Codable, Equatable {
        public var channels: [String]
        public var channelMix: [Double]
        /// Log-normal first-response time in hours per channel: median and log-sd.
        public var responseMedianHours: [Double]
        public var responseLogSD: Double
        /// Log-normal time from first response to resolution in hours.
        public var resolutionMedianHours: Double
        public var resolutionLogSD: Double
        enum CodingKeys: String, CodingKey {
            case channels, channelMix = "channel_mix", responseMedianHours = "response_median_hours"
            case responseLogSD = "response_log_sd", resolutionMedianHours = "resolution_median_hours"
            case resolutionLogSD = "resolution_log_sd"
        }
    }

    public struct Interactions: Sendable, Codable, Equatable {
        public var channels: [String]
        public var channelMix: [Double]
        /// Interactions per alive week at engagement z = 0; the rate is `perWeek × exp(engagementEffect × z)`.
        public var perWeek: Double
        public var engagementEffect: Double
        enum CodingKeys: String, CodingKey {
            case channels, channelMix = "channel_mix", perWeek = "per_week", engagementEffect = "engagement_effect"
        }
    }

    public struct Leads: Sendable, Codable, Equatable {
        /// P(lead converts to an opportunity), P(opportunity is won).
        public var conversionRate: Double
        public var closeRate: Double
        /// Extra source besides the acquisition channels.
        public var extraSources: [String]
        enum CodingKeys: String, CodingKey {
            case conversionRate = "conversion_rate", closeRate = "close_rate", extraSources = "extra_sources"
        }
    }

    /// A past CRM initiative: enrolled customers split at random into treatment and control; the
    /// treatment multiplies the purchase rate by `1 + rateLift` during the window.
    public struct Initiative: Sendable, Codable, Equatable {
        public var name: String
        public var start: Day
        public var weeks: Int
        /// Share of customers acquired before `start` who are enrolled.
        public var enrolledShare: Double
        public var treatmentShare: Double
        public var rateLift: Double
        enum CodingKeys: String, CodingKey {
            case name, start, weeks, enrolledShare = "enrolled_share", treatmentShare = "treatment_share"
            case rateLift = "rate_lift"
        }
    }

    public var customers: Int
    public var seed: UInt64
    /// First acquisition day and number of acquisition days (customers uniform over them).
    public var acquisitionStart: Day
    public var acquisitionDays: Int
    /// End of observation (inclusive).
    public var observationEnd: Day
    public var segments: [Segment]
    public var channels: [Channel]
    /// Log-sd of the lognormal noise on acquisition cost (mean preserved).
    public var acquisitionCostLogSD: Double
    public var bgnbd: BGNBD
    public var gammaGamma: GammaGamma
    public var sbg: SBG
    public var plans: [Plan]
    public var subscriptions: Subscriptions
    public var endReasons: EndReasons
    public var products: Products
    public var surveys: Surveys
    public var tickets: Tickets
    public var interactions: Interactions
    public var leads: Leads
    public var initiative: Initiative?
    public var tables: Set<Table>

    enum CodingKeys: String, CodingKey {
        case customers, seed, acquisitionStart = "acquisition_start", acquisitionDays = "acquisition_days"
        case observationEnd = "observation_end", segments, channels, acquisitionCostLogSD = "acquisition_cost_log_sd"
        case bgnbd, gammaGamma = "gamma_gamma", sbg, plans, subscriptions, endReasons = "end_reasons", products, surveys, tickets
        case interactions, leads, initiative, tables
    }

    /// The default model (documented in datasets/README.md).
    public init(customers: Int, seed: UInt64 = 42) {
        self.customers = customers
        self.seed = seed
        acquisitionStart = Civil.day(year: 2023, month: 1, day: 1)
        acquisitionDays = 731                                      // 2023-01-01 … 2024-12-31
        observationEnd = Civil.day(year: 2025, month: 6, day: 30)
        channels = [
            Channel(name: "organic", acquisitionCost: 8, subscribeMultiplier: 1.0),
            Channel(name: "paid_search", acquisitionCost: 60, subscribeMultiplier: 0.9),
            Channel(name: "social", acquisitionCost: 35, subscribeMultiplier: 0.8),
            Channel(name: "referral", acquisitionCost: 25, subscribeMultiplier: 1.2),
            Channel(name: "email", acquisitionCost: 12, subscribeMultiplier: 1.1),
        ]
        segments = [
            Segment(name: "retail", share: 0.70, purchaseRateMultiplier: 1.0, spendMultiplier: 1.0,
                    acquisitionCostMultiplier: 1.0, channelMix: [0.35, 0.25, 0.25, 0.05, 0.10],
                    subscribeProbability: 0.20, planMix: [0.85, 0.15, 0.0], ticketsPerYear: 0.4,
                    leadProbability: 0.05, ageMean: 36, ageSD: 12),
            Segment(name: "smb", share: 0.22, purchaseRateMultiplier: 1.4, spendMultiplier: 2.0,
                    acquisitionCostMultiplier: 2.5, channelMix: [0.25, 0.35, 0.10, 0.20, 0.10],
                    subscribeProbability: 0.50, planMix: [0.30, 0.60, 0.10], ticketsPerYear: 1.0,
                    leadProbability: 0.60, ageMean: 42, ageSD: 10),
            Segment(name: "enterprise", share: 0.08, purchaseRateMultiplier: 2.0, spendMultiplier: 5.0,
                    acquisitionCostMultiplier: 6.0, channelMix: [0.15, 0.30, 0.05, 0.40, 0.10],
                    subscribeProbability: 0.70, planMix: [0.0, 0.30, 0.70], ticketsPerYear: 2.0,
                    leadProbability: 1.0, ageMean: 45, ageSD: 9),
        ]
        acquisitionCostLogSD = 0.3
        bgnbd = BGNBD(r: 0.75, alpha: 25.0, a: 0.8, b: 2.5)
        gammaGamma = GammaGamma(p: 6.0, q: 3.8, gamma: 15.0)
        sbg = SBG(alpha: 0.7, beta: 3.5)
        plans = [Plan(name: "basic", mrr: 29), Plan(name: "pro", mrr: 99), Plan(name: "business", mrr: 299)]
        subscriptions = Subscriptions(startSameDay: 0.5, maxStartDelayDays: 90, upgradePerMonth: 0.02,
                                      downgradePerMonth: 0.005, reactivation: 0.05)
        endReasons = EndReasons(churn: ["cancelled", "payment_failed", "migrated"],
                                mixBySegment: [[0.55, 0.40, 0.05], [0.50, 0.30, 0.20], [0.40, 0.10, 0.50]],
                                upgrade: "upgrade", downgrade: "downgrade")
        products = Products(categories: ["apparel", "electronics", "home", "beauty", "grocery", "sports"],
                            categoryWeights: [0.25, 0.15, 0.20, 0.15, 0.15, 0.10],
                            productsPerCategory: 8, affinity: 0.65)
        surveys = Surveys(responseRate: 0.12, kindMix: [0.5, 0.3, 0.2],
                          csat: [0.05, 0.07, 0.13, 0.35, 0.40],
                          nps: [0.02, 0.02, 0.02, 0.03, 0.03, 0.05, 0.08, 0.12, 0.18, 0.25, 0.20],
                          ces: [0.10, 0.20, 0.25, 0.20, 0.12, 0.08, 0.05])
        tickets = Tickets(channels: ["email", "chat", "phone", "web"], channelMix: [0.4, 0.3, 0.2, 0.1],
                          responseMedianHours: [6.0, 0.25, 0.1, 12.0], responseLogSD: 1.0,
                          resolutionMedianHours: 20.0, resolutionLogSD: 1.2)
        interactions = Interactions(channels: ["email", "web", "app", "phone"], channelMix: [0.35, 0.35, 0.2, 0.1],
                                    perWeek: 0.04, engagementEffect: 0.5)
        leads = Leads(conversionRate: 0.4, closeRate: 0.5, extraSources: ["outbound", "event"])
        initiative = Initiative(name: "winback_2024", start: Civil.day(year: 2024, month: 7, day: 1), weeks: 13,
                                enrolledShare: 0.3, treatmentShare: 0.5, rateLift: 0.25)
        tables = Set(Table.allCases)
    }

    /// Labels that break naive HTML, Markdown and CSV writers, for escaping tests
    /// (`tenure generate --hostile-labels`). Segments retail, smb, enterprise and the referral
    /// channel are renamed; the model is unchanged. The CSV files quote them per RFC 4180.
    public static let hostileSegmentNames = ["<script>alert(1)</script>", "O'Brien & \"Sons\", Ltd | <b>",
                                             "Über-Großkunden 🚀 </table>"]
    public static let hostileChannelName = "<img src=x onerror=alert(2)>"

    /// Renames segments and the referral channel to `hostileSegmentNames` / `hostileChannelName`.
    public mutating func useHostileLabels() {
        for (i, name) in Self.hostileSegmentNames.enumerated() where i < segments.count { segments[i].name = name }
        if let k = channels.firstIndex(where: { $0.name == "referral" }) { channels[k].name = Self.hostileChannelName }
    }

    /// Checks the parameters make sense; the message names the offending field.
    public func validate() throws {
        func fail(_ what: String) -> SynthError { SynthError(message: what) }
        guard customers >= 1 else { throw fail("customers must be at least 1") }
        guard customers <= 50_000_000 else { throw fail("customers must be at most 50,000,000") }
        guard acquisitionDays >= 1 else { throw fail("acquisition_days must be at least 1") }
        guard Int(observationEnd) >= Int(acquisitionStart) + acquisitionDays - 1 else {
            throw fail("observation_end must not be before the end of the acquisition window")
        }
        guard !segments.isEmpty, segments.count < 128, !channels.isEmpty, channels.count < 128, !plans.isEmpty else {
            throw fail("need 1…127 segments and channels and at least one plan")
        }
        for s in segments where s.channelMix.count != channels.count || s.planMix.count != plans.count {
            throw fail("segment '\(s.name)': channel_mix needs \(channels.count) and plan_mix \(plans.count) entries")
        }
        guard !endReasons.churn.isEmpty, endReasons.mixBySegment.count == segments.count,
              endReasons.mixBySegment.allSatisfy({ $0.count == endReasons.churn.count && $0.allSatisfy { $0 >= 0 } && $0.reduce(0, +) > 0 }) else {
            throw fail("end_reasons: mix_by_segment needs one row per segment (\(segments.count)) of \(endReasons.churn.count) non-negative probabilities")
        }
        for (name, v) in [("bgnbd.r", bgnbd.r), ("bgnbd.alpha", bgnbd.alpha), ("bgnbd.a", bgnbd.a), ("bgnbd.b", bgnbd.b),
                          ("gamma_gamma.p", gammaGamma.p), ("gamma_gamma.q", gammaGamma.q),
                          ("gamma_gamma.gamma", gammaGamma.gamma), ("sbg.alpha", sbg.alpha), ("sbg.beta", sbg.beta)] {
            guard v > 0, v.isFinite else { throw fail("\(name) must be positive, got \(v)") }
        }
        guard products.categories.count == products.categoryWeights.count, !products.categories.isEmpty,
              products.productsPerCategory >= 1, products.productsPerCategory < 100 else {
            throw fail("products: categories and category_weights must match; 1…99 products per category")
        }
        guard surveys.csat.count == 5, surveys.nps.count == 11, surveys.ces.count == 7, surveys.kindMix.count == 3 else {
            throw fail("surveys: csat needs 5, nps 11, ces 7 and kind_mix 3 probabilities")
        }
        guard tickets.channels.count == tickets.channelMix.count,
              tickets.channels.count == tickets.responseMedianHours.count else {
            throw fail("tickets: channels, channel_mix and response_median_hours must have the same length")
        }
        guard interactions.channels.count == interactions.channelMix.count else {
            throw fail("interactions: channels and channel_mix must have the same length")
        }
        guard leads.conversionRate > 0, leads.conversionRate <= 1, leads.closeRate > 0, leads.closeRate <= 1 else {
            throw fail("leads: conversion_rate and close_rate must be in (0, 1]")
        }
    }

    /// Last acquisition day.
    public var acquisitionEnd: Day { acquisitionStart + Day(acquisitionDays - 1) }
}

/// A generator configuration that cannot be used.
public struct SynthError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
