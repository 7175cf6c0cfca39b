import TenureKPIs

/// The KPI targets `tenure report` compares the tiles with when neither `--targets` nor
/// `DATA/targets.yaml` gives any. They are common rules of thumb, not facts about any business; the
/// report says where its targets came from, and the user replaces them with their own file.
public enum ExampleTargets {
    public static let yaml = """
    # Example KPI targets (tenure report uses them when there is no --targets and no DATA/targets.yaml).
    # Rules of thumb for a subscription / repeat-purchase business; replace them with your own.
    csat: 0.80
    nps: { benchmark: 30, source: "rule of thumb: above 30 is good" }
    churn_rate: { target: 0.05, source: "monthly subscription churn" }
    net_revenue_retention: { benchmark: 1.0, source: "rule of thumb: expansion covers churn" }
    clv_cac_ratio: { benchmark: 3, source: "rule of thumb: CLV at least 3× CAC" }
    cac_payback_months: { benchmark: 12, source: "rule of thumb: payback within a year" }
    first_response_median_hours: 4
    lead_conversion_rate: 0.20
    sales_close_rate: 0.25

    """

    public static func parsed() throws -> [KPITarget] { try KPITargets.parse(yaml, file: "example targets") }
}
