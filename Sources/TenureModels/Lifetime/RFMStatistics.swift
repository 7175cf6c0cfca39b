import TenureData

/// The RFM reduction as an engine returns it (warehouse mode, SPEC §6): one row per customer with a
/// purchase on or before the end of observation, in integer periods of the summary's `TimeUnit` and
/// integer cents, plus the per-period activity that the tracking plot needs. `RFMSummary(statistics:)`
/// turns it into the same summary `RFMSummary.build` makes from raw rows.
///
/// Per customer (calibration = rows on or before the calibration end, holdout = the rows after it):
/// - `firstPeriod`, `lastPeriod`: first and last calibration period with a purchase (nil: the
///   customer's first purchase is in the holdout);
/// - `periods`: distinct calibration periods with a purchase;
/// - `totalCents`, `firstPeriodCents`: calibration spend in all and in the first period;
/// - `firstDay`: first calibration purchase day;
/// - `holdoutPeriods`, `holdoutCents`, `holdoutRows`: distinct holdout periods, holdout spend and
///   holdout transactions.
/// Per period (`activityPeriod[k]`): customers with a calibration purchase who bought in that period
/// (holdout included) and those whose first calibration period it is.
public struct RFMStatistics: Sendable, Equatable {
    public var ids: [String] = []
    public var firstPeriod: [Int32?] = []
    public var lastPeriod: [Int32] = []
    public var periods: [Int32] = []
    public var totalCents: [Int64] = []
    public var firstPeriodCents: [Int64] = []
    public var firstDay: [Day] = []
    public var holdoutPeriods: [Int32] = []
    public var holdoutCents: [Int64] = []
    public var holdoutRows: [Int64] = []
    public var activityPeriod: [Int32] = []
    public var activeCustomers: [Int64] = []
    public var newCustomers: [Int64] = []
    public init() {}
    public var count: Int { ids.count }
}

extension RFMSummary {
    /// The summary of an engine's RFM statistics, with the conventions of `build` (lifetimes'):
    /// frequency = periods − 1, recency = last − first period, T = calibration end's period − first
    /// period, monetary value = (total − first-period spend) / frequency. Rows are in the order of
    /// `statistics.ids`; `customer[i]` indexes `statistics.ids`.
    public init(statistics st: RFMStatistics, options: RFMOptions, calibrationEnd calEnd: Day, observationEnd obsEnd: Day,
                source: String) throws {
        guard calEnd <= obsEnd else {
            throw DataError(.other, file: source, column: "--calibration-end", value: Civil.iso(calEnd),
                            expected: "a date on or before the end of observation \(Civil.iso(obsEnd))")
        }
        let unit = options.periodUnit, len = options.periodLength
        self.init(options: options, calibrationEnd: calEnd, observationEnd: obsEnd,
                  hasHoldout: options.calibrationEnd != nil && calEnd < obsEnd)
        let calP = unit.period(calEnd), obsP = unit.period(obsEnd)
        calibrationEndPeriod = calP; observationEndPeriod = obsP
        durationHoldout = hasHoldout ? Double(obsP - calP) * len : 0
        var minFirst = Int32.max
        for i in 0..<st.count {
            guard let fp = st.firstPeriod[i] else { customersFirstSeenInHoldout += 1; continue }
            let x = Int(st.periods[i]) - 1
            customer.append(Int32(i))
            frequency.append(Int32(x))
            recency.append(Double(st.lastPeriod[i] - fp) * len)
            T.append(Double(calP - fp) * len)
            let repeatCents = st.totalCents[i] - st.firstPeriodCents[i]
            monetaryValue.append(x > 0 ? Double(repeatCents) / 100 / Double(x) : 0)
            totalValue.append(Double(st.totalCents[i]) / 100)
            firstDay.append(st.firstDay[i])
            if hasHoldout {
                frequencyHoldout.append(st.holdoutPeriods[i])
                monetaryValueHoldout.append(st.holdoutRows[i] > 0 ? Double(st.holdoutCents[i]) / 100 / Double(st.holdoutRows[i]) : 0)
                valueHoldout.append(Double(st.holdoutCents[i]) / 100)
            }
            minFirst = min(minFirst, fp)
        }
        guard !customer.isEmpty else {
            throw DataError(.other, file: source, column: "date", value: Civil.iso(calEnd),
                            expected: "at least one transaction on or before the calibration end")
        }
        firstPeriod = minFirst
        let span = max(Int(obsP - minFirst) + 1, 1)
        repeatPurchasesByPeriod = [Double](repeating: 0, count: span)
        newCustomersByPeriod = [Double](repeating: 0, count: span)
        for (k, p) in st.activityPeriod.enumerated() {
            let j = Int(p - minFirst)
            guard j >= 0, j < span else { continue }
            repeatPurchasesByPeriod[j] = Double(st.activeCustomers[k] - st.newCustomers[k])
            newCustomersByPeriod[j] = Double(st.newCustomers[k])
        }
    }
}
