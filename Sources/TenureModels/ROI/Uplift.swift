import TenureData
import TenureNumerics

/// Realised uplift of a past initiative recorded in customers.csv as `initiative` and `group`
/// (treatment / control) columns.
///
/// Outcomes per customer over the observed data (transactions up to the end of observation): *retained* = at least one purchase in the
/// `window` days up to the end of observation; *revenue* = total transaction amount.
/// Retention uplift = p_T − p_C with Newcombe's hybrid score interval (from Wilson intervals);
/// revenue uplift = mean_T − mean_C with a Welch t interval (normal quantile, n large);
/// realised ROI = (revenue uplift × treated customers × gross margin − cost) / cost, its interval
/// from the revenue-uplift interval.
public struct InitiativeUplift: Sendable, Codable, Equatable {
    public var initiative: String
    public var treated: Int
    public var control: Int
    public var retentionTreated: Double
    public var retentionControl: Double
    public var retentionUplift: Double
    public var retentionUpliftLow: Double
    public var retentionUpliftHigh: Double
    public var revenueTreated: Double
    public var revenueControl: Double
    public var revenueUplift: Double
    public var revenueUpliftLow: Double
    public var revenueUpliftHigh: Double
    /// nil when the scenario file gives no cost for this initiative.
    public var cost: Double?
    public var realisedROI: Double?
    public var realisedROILow: Double?
    public var realisedROIHigh: Double?

    enum CodingKeys: String, CodingKey {
        case initiative, treated, control, retentionTreated = "retention_treated", retentionControl = "retention_control",
             retentionUplift = "retention_uplift", retentionUpliftLow = "retention_uplift_low",
             retentionUpliftHigh = "retention_uplift_high", revenueTreated = "revenue_per_customer_treated",
             revenueControl = "revenue_per_customer_control", revenueUplift = "revenue_uplift",
             revenueUpliftLow = "revenue_uplift_low", revenueUpliftHigh = "revenue_uplift_high", cost,
             realisedROI = "realised_roi", realisedROILow = "realised_roi_low", realisedROIHigh = "realised_roi_high"
    }

    static let treatmentLabels: Set<String> = ["treatment", "treated", "test", "variant", "t"]
    static let controlLabels: Set<String> = ["control", "holdout", "c"]

    /// The initiatives the customers table records (its `initiative` column), whether or not they can be measured.
    public static func recorded(_ counts: [UpliftCounts]) -> [String] {
        var seen = Set<String>()
        return counts.map(\.initiative).filter { seen.insert($0).inserted }
    }

    /// Every initiative of `counts` (`UpliftCounts`, in initiative order) with at least 2 treatment
    /// and 2 control customers; group labels are matched case-insensitively (`treatmentLabels`,
    /// `controlLabels`), others ignored.
    public static func measure(_ counts: [UpliftCounts], grossMargin: Double, costs: [String: Double],
                               confidence: Double = 0.95) -> [InitiativeUplift] {
        let z = Normal.quantile(0.5 + confidence / 2)
        var out: [InitiativeUplift] = []
        for name in recorded(counts) {
            var nT = 0, nC = 0, rT = 0, rC = 0
            var sumT = 0.0, sumC = 0.0, sqT = 0.0, sqC = 0.0
            for u in counts where u.initiative == name {
                guard let label = u.group?.lowercased() else { continue }
                if treatmentLabels.contains(label) {
                    nT += u.customers; rT += u.retained; sumT += u.revenue; sqT += u.revenueSquares
                } else if controlLabels.contains(label) {
                    nC += u.customers; rC += u.retained; sumC += u.revenue; sqC += u.revenueSquares
                }
            }
            guard nT > 1 && nC > 1 else { continue }
            let pT = Double(rT) / Double(nT), pC = Double(rC) / Double(nC)
            let wT = Stats.wilson(successes: Double(rT), trials: Double(nT), confidence: confidence)
            let wC = Stats.wilson(successes: Double(rC), trials: Double(nC), confidence: confidence)
            let d = pT - pC
            let lo = d - ((pT - wT.lower) * (pT - wT.lower) + (wC.upper - pC) * (wC.upper - pC)).squareRoot()
            let hi = d + ((wT.upper - pT) * (wT.upper - pT) + (pC - wC.lower) * (pC - wC.lower)).squareRoot()
            let mT = sumT / Double(nT), mC = sumC / Double(nC)
            let vT = (sqT - Double(nT) * mT * mT) / Double(nT - 1), vC = (sqC - Double(nC) * mC * mC) / Double(nC - 1)
            let se = (vT / Double(nT) + vC / Double(nC)).squareRoot()
            let du = mT - mC
            var u = InitiativeUplift(initiative: name, treated: nT, control: nC, retentionTreated: pT, retentionControl: pC,
                                     retentionUplift: d, retentionUpliftLow: lo, retentionUpliftHigh: hi,
                                     revenueTreated: mT, revenueControl: mC, revenueUplift: du,
                                     revenueUpliftLow: du - z * se, revenueUpliftHigh: du + z * se)
            if let cost = costs[name], cost > 0 {
                let roi = { (x: Double) in (x * Double(nT) * grossMargin - cost) / cost }
                u.cost = cost; u.realisedROI = roi(du); u.realisedROILow = roi(du - z * se); u.realisedROIHigh = roi(du + z * se)
            }
            out.append(u)
        }
        return out
    }
}
