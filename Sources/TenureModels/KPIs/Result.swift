import TenureData

/// Options of one KPI run (`tenure kpis`).
public struct KPIOptions: Sendable, Codable, Equatable {
    /// Calendar period of the per-period breakdown.
    public var period: CalendarPeriod = .month
    /// Non-contractual activity window in days: a customer is active at a time point when they
    /// purchased within this many days up to and including it.
    public var churnAfterDays: Int = 90
    /// Gross margin in (0, 1]; nil = not given (CLV in revenue terms, ROI unavailable).
    public var grossMargin: Double?
    /// First-response SLA threshold in hours; nil = SLA attainment unavailable.
    public var slaResponseHours: Double?
    /// Resolution SLA threshold in hours.
    public var slaResolutionHours: Double?
    /// Samples smaller than this get a warning (survey responses, rate denominators).
    public var minSample: Int = 30
    /// Two-sided confidence level of every interval.
    public var confidence: Double = 0.95
    /// First day of the KPI window; nil = the first purchase (else the first date in any table).
    public var from: Day?
    /// Horizon of the model CLV (`clv`), days; `tenure clv --horizon`.
    public var clvHorizonDays: Double = Civil.daysPerYear
    /// Annual discount rate of the model CLV; `tenure clv --discount-rate`.
    public var annualDiscountRate: Double = 0.10

    public init(period: CalendarPeriod = .month, churnAfterDays: Int = 90, grossMargin: Double? = nil,
                slaResponseHours: Double? = nil, slaResolutionHours: Double? = nil, minSample: Int = 30,
                confidence: Double = 0.95) {
        self.period = period; self.churnAfterDays = churnAfterDays; self.grossMargin = grossMargin
        self.slaResponseHours = slaResponseHours; self.slaResolutionHours = slaResolutionHours
        self.minSample = minSample; self.confidence = confidence
    }

    /// An SLA threshold as typed (`--sla-response 4h`) in hours: a number of hours (`4`), or a
    /// `TimeSpan` in minutes, hours or days (`30min`, `4h`, `2d`); nil when it is none of these
    /// or not positive.
    public static func slaHours(_ text: String) -> Double? {
        guard case .success(let t) = TimeSpan.parse(text, units: [.minute, .hour, .day], bare: .hour) else { return nil }
        return t.hours
    }

    enum CodingKeys: String, CodingKey {
        case period, churnAfterDays = "churn_after_days", grossMargin = "gross_margin",
             slaResponseHours = "sla_response_hours", slaResolutionHours = "sla_resolution_hours",
             minSample = "min_sample", confidence
    }
}

/// One KPI's value in one group (overall, a period, a segment or a channel).
///
/// `value == nil` always comes with `unavailable` (why): a KPI is never reported as zero
/// for lack of data.
public struct KPIValue: Sendable, Codable, Equatable {
    public var id: String
    public var unit: String
    public var value: Double?
    /// The sample size behind the value (responses, tickets, leads, customers at risk …).
    public var n: Int?
    public var lower: Double?
    public var upper: Double?
    /// Set when the sample is too small to read (n below `min_sample`).
    public var warning: String?
    public var unavailable: String?

    public init(id: String, value: Double?, n: Int? = nil, lower: Double? = nil, upper: Double? = nil,
                warning: String? = nil, unavailable: String? = nil) {
        self.id = id
        self.unit = KPICatalog.byId[id]?.unit ?? ""
        self.value = value; self.n = n; self.lower = lower; self.upper = upper
        self.warning = warning; self.unavailable = unavailable
        if value == nil, unavailable == nil { self.unavailable = "no data" }
    }

    public static func missing(_ id: String, _ why: String) -> KPIValue { KPIValue(id: id, value: nil, unavailable: why) }
}

/// The KPIs of one group.
public struct KPIGroup: Sendable, Codable, Equatable {
    /// Period label (`2024-03`), segment or channel name.
    public var key: String
    /// For periods: first and last observed day; `partial` when cut by as-of.
    public var start: String?
    public var end: String?
    public var partial: Bool?
    public var kpis: [KPIValue]

    public subscript(id: String) -> KPIValue? { kpis.first { $0.id == id } }
}

/// A KPI compared with the user's target or benchmark (`--targets`).
public struct KPITargetCheck: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable { case met, missed, unavailable }
    public var id: String
    public var unit: String
    public var value: Double?
    public var target: Double
    /// "target" or "benchmark".
    public var kind: String
    public var direction: KPIDirection
    public var status: Status
    /// value − target (nil when unavailable).
    public var gap: Double?
    public var source: String?
    public var note: String?
}

/// The result of `tenure kpis`.
public struct KPIResult: Sendable, Codable {
    public var asOf: String
    public var windowStart: String
    public var options: KPIOptions
    public var definitions: [KPIDefinition]
    public var overall: [KPIValue]
    public var byPeriod: [KPIGroup]
    public var bySegment: [KPIGroup]
    public var byChannel: [KPIGroup]
    /// Where the segment and channel of a row come from, in words.
    public var notes: [String]
    public var targets: [KPITargetCheck]?

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of", windowStart = "window_start", options, definitions, overall,
             byPeriod = "by_period", bySegment = "by_segment", byChannel = "by_channel", notes, targets
    }

    /// The overall value of KPI `id`.
    public subscript(id: String) -> KPIValue? { overall.first { $0.id == id } }
}
