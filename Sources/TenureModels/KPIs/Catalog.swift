/// Which way a KPI improves, for `--targets`.
public enum KPIDirection: String, Sendable, Codable {
    case higher, lower
}

/// The definition of one KPI: a stable id (the JSON key), a name, a unit, the direction in
/// which it improves, the table it needs, and its formula in words.
public struct KPIDefinition: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    public var family: String
    /// `share` (a fraction in [0, 1]), `points`, `score`, `currency`, `count`, `hours`,
    /// `months`, `ratio`, `orders_per_customer`, `interactions_per_customer`, `tickets_per_customer`.
    public var unit: String
    public var direction: KPIDirection
    /// The tables (SPEC §1 file stems) the KPI needs.
    public var requires: [String]
    public var formula: String
}

/// Every KPI `tenure kpis` reports, in output order. Ids are stable (they are the JSON keys and
/// the keys of `--targets`).
public enum KPICatalog {
    public static let all: [KPIDefinition] = [
        // Satisfaction
        .init(id: "csat", name: "CSAT", family: "satisfaction", unit: "share", direction: .higher, requires: ["surveys"],
              formula: "share of csat responses scoring 4 or 5 on the 1-5 scale; 95% Wilson interval"),
        .init(id: "nps", name: "Net Promoter Score", family: "satisfaction", unit: "points", direction: .higher, requires: ["surveys"],
              formula: "100 x (promoters 9-10 - detractors 0-6) / nps responses; 95% interval 100 x (p-d +/- 1.96 sqrt((p+d-(p-d)^2)/n)) (trinomial variance), clipped to [-100, 100]"),
        .init(id: "ces", name: "Customer Effort Score", family: "satisfaction", unit: "score", direction: .higher, requires: ["surveys"],
              formula: "mean ces score; 95% interval mean +/- 1.96 s/sqrt(n) (s = sample standard deviation)"),
        // Retention
        .init(id: "retention_rate", name: "Retention rate (subscriptions)", family: "retention", unit: "share", direction: .higher, requires: ["subscriptions"],
              formula: "(E - N) / S per period: S = customers with an active subscription at the start of the period, E = at its end, N = customers whose first subscription starts in it; overall and per segment = sum(E - N) / sum(S) over the periods"),
        .init(id: "churn_rate", name: "Churn rate (subscriptions)", family: "retention", unit: "share", direction: .lower, requires: ["subscriptions"],
              formula: "L / S per period: L = customers active at the start and not at the end; pooled sum(L) / sum(S) overall; Wilson interval"),
        .init(id: "purchase_retention_rate", name: "Retention rate (purchases)", family: "retention", unit: "share", direction: .higher, requires: ["transactions"],
              formula: "(E - N) / S per period with active = purchased within --churn-after before the time point, N = customers whose first purchase falls in the period; pooled over periods"),
        .init(id: "purchase_churn_rate", name: "Churn rate (purchases)", family: "retention", unit: "share", direction: .lower, requires: ["transactions"],
              formula: "L / S per period with active = purchased within --churn-after; pooled sum(L) / sum(S); Wilson interval"),
        .init(id: "gross_revenue_retention", name: "Gross revenue retention", family: "retention", unit: "share", direction: .higher, requires: ["subscriptions.mrr"],
              formula: "sum over customers with MRR > 0 at the start of the period of min(MRR at end, MRR at start) / their MRR at start; pooled over periods"),
        .init(id: "net_revenue_retention", name: "Net revenue retention", family: "retention", unit: "share", direction: .higher, requires: ["subscriptions.mrr"],
              formula: "sum of end-of-period MRR of the customers with MRR > 0 at the start / their start MRR (expansion counts, new customers do not); pooled over periods"),
        // Value
        .init(id: "revenue", name: "Revenue", family: "value", unit: "currency", direction: .higher, requires: ["transactions"],
              formula: "sum of transaction amounts, refunds (negative amounts) included"),
        .init(id: "orders", name: "Orders", family: "value", unit: "count", direction: .higher, requires: ["transactions"],
              formula: "distinct order_id of each customer over purchase rows (amount >= 0), plus rows without one; every purchase row is an order when there is no order_id"),
        .init(id: "active_customers", name: "Purchasing customers", family: "value", unit: "count", direction: .higher, requires: ["transactions"],
              formula: "distinct customers with a purchase row in the window"),
        .init(id: "new_customers", name: "New customers", family: "value", unit: "count", direction: .higher, requires: ["transactions"],
              formula: "customers acquired in the window: signup_date when customers.csv has it, else the first day the customer appears in any table"),
        .init(id: "aov", name: "Average order value", family: "value", unit: "currency", direction: .higher, requires: ["transactions"],
              formula: "revenue / orders"),
        .init(id: "purchase_frequency", name: "Purchase frequency", family: "value", unit: "orders_per_customer", direction: .higher, requires: ["transactions"],
              formula: "orders / purchasing customers in the window"),
        .init(id: "monthly_revenue_per_customer", name: "Monthly revenue per customer", family: "value", unit: "currency", direction: .higher, requires: ["transactions"],
              formula: "revenue / sum over periods of (purchasing customers in the period x period length in months of 30.4375 days)"),
        .init(id: "clv", name: "Customer lifetime value (model)", family: "value", unit: "currency", direction: .higher, requires: ["transactions"],
              formula: "mean over the group's purchasing customers of the BG/NBD + Gamma-Gamma CLV of `tenure clv` (all purchases to the end of observation, weeks, --horizon, --discount-rate), x gross margin (1 unless --gross-margin)"),
        .init(id: "clv_subscription", name: "Subscription CLV (ARPA / churn)", family: "value", unit: "currency", direction: .higher, requires: ["subscriptions with mrr"],
              formula: "ARPA x gross margin / monthly subscription churn; ARPA = mean MRR per paying subscriber at a period's start, monthly churn = 1 - (1 - churn_rate)^(30.4375 / mean period days)"),
        .init(id: "cac", name: "Customer acquisition cost", family: "value", unit: "currency", direction: .lower, requires: ["marketing_spend or customers.acquisition_cost"],
              formula: "marketing spend / new customers acquired (by channel: spend of the channel / new customers whose acquisition channel it is); without marketing_spend.csv, the mean acquisition_cost of new customers"),
        .init(id: "clv_cac_ratio", name: "CLV:CAC", family: "value", unit: "ratio", direction: .higher, requires: ["transactions", "marketing_spend or customers.acquisition_cost"],
              formula: "clv (model) / cac"),
        .init(id: "cac_payback_months", name: "CAC payback", family: "value", unit: "months", direction: .lower, requires: ["transactions", "marketing_spend or customers.acquisition_cost"],
              formula: "first k months of age at which the cumulative gross margin per acquired customer of the group's cohorts (calendar months since acquisition, cohorts that completed age k-1, months without purchase as zero) reaches CAC"),
        .init(id: "roi", name: "Marketing ROI", family: "value", unit: "ratio", direction: .higher, requires: ["marketing_spend", "--gross-margin"],
              formula: "(revenue x gross margin - marketing spend) / marketing spend over the same window"),
        // Engagement
        .init(id: "interactions_per_active_customer", name: "Interactions per active customer", family: "engagement", unit: "interactions_per_customer", direction: .higher, requires: ["interactions"],
              formula: "interactions / customers with at least one interaction in the window"),
        .init(id: "engaged_share", name: "Share of customers engaged", family: "engagement", unit: "share", direction: .higher, requires: ["interactions"],
              formula: "customers with an interaction in the window / customers acquired by the end of the window"),
        .init(id: "stickiness", name: "Stickiness (DAU/MAU)", family: "engagement", unit: "share", direction: .higher, requires: ["interactions"],
              formula: "sum over the window's days of daily active customers / sum over the same days of the monthly active customers of that day's calendar month"),
        // Service
        .init(id: "first_response_median_hours", name: "First response time, median", family: "service", unit: "hours", direction: .lower, requires: ["tickets.first_response_at"],
              formula: "median of first_response_at - opened_at over tickets opened in the window (numpy linear quantile)"),
        .init(id: "first_response_p90_hours", name: "First response time, p90", family: "service", unit: "hours", direction: .lower, requires: ["tickets.first_response_at"],
              formula: "90th percentile of first_response_at - opened_at"),
        .init(id: "first_response_mean_hours", name: "First response time, mean", family: "service", unit: "hours", direction: .lower, requires: ["tickets.first_response_at"],
              formula: "mean of first_response_at - opened_at"),
        .init(id: "resolution_median_hours", name: "Resolution time, median", family: "service", unit: "hours", direction: .lower, requires: ["tickets.resolved_at"],
              formula: "median of resolved_at - opened_at"),
        .init(id: "resolution_p90_hours", name: "Resolution time, p90", family: "service", unit: "hours", direction: .lower, requires: ["tickets.resolved_at"],
              formula: "90th percentile of resolved_at - opened_at"),
        .init(id: "resolution_mean_hours", name: "Resolution time, mean", family: "service", unit: "hours", direction: .lower, requires: ["tickets.resolved_at"],
              formula: "mean of resolved_at - opened_at"),
        .init(id: "sla_response_attainment", name: "First-response SLA attainment", family: "service", unit: "share", direction: .higher, requires: ["tickets", "--sla-response"],
              formula: "tickets answered within --sla-response / (answered tickets + unanswered tickets open longer than the threshold at the end of as-of); Wilson interval"),
        .init(id: "sla_resolution_attainment", name: "Resolution SLA attainment", family: "service", unit: "share", direction: .higher, requires: ["tickets", "--sla-resolution"],
              formula: "tickets resolved within --sla-resolution / (resolved tickets + unresolved tickets open longer than the threshold); Wilson interval"),
        .init(id: "tickets_per_customer", name: "Tickets per customer", family: "service", unit: "tickets_per_customer", direction: .lower, requires: ["tickets"],
              formula: "tickets opened in the window / customers acquired by the end of the window"),
        // Sales
        .init(id: "lead_conversion_rate", name: "Lead conversion rate", family: "sales", unit: "share", direction: .higher, requires: ["leads"],
              formula: "won leads / leads created in the window (leads attributed to their creation period); Wilson interval"),
        .init(id: "sales_conversion_rate", name: "Sales conversion rate", family: "sales", unit: "share", direction: .higher, requires: ["leads.converted_at"],
              formula: "won opportunities / opportunities, an opportunity being a lead with converted_at; Wilson interval"),
        .init(id: "sales_close_rate", name: "Sales close rate", family: "sales", unit: "share", direction: .higher, requires: ["leads.won"],
              formula: "won / (won + lost) over closed leads (won true or false); Wilson interval"),
        // Growth
        .init(id: "upsell_rate", name: "Upsell rate (plan MRR)", family: "growth", unit: "share", direction: .higher, requires: ["subscriptions.mrr"],
              formula: "customers whose MRR at the end of a period exceeds their MRR > 0 at its start / customers with MRR > 0 at the start; pooled over periods; Wilson interval"),
        .init(id: "upsell_rate_product", name: "Upsell rate (product price tier)", family: "growth", unit: "share", direction: .higher, requires: ["transactions.product"],
              formula: "repeat purchasers who buy a product whose price tier (its mean positive amount) exceeds every tier they bought on earlier days / repeat purchasers (customers buying in the window on a day after their first purchase day); Wilson interval"),
        .init(id: "cross_sell_rate", name: "Cross-sell rate", family: "growth", unit: "share", direction: .higher, requires: ["transactions.category"],
              formula: "repeat purchasers who buy a category they had not bought on any earlier day / repeat purchasers in the window; Wilson interval"),
    ]

    public static let byId: [String: KPIDefinition] = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })
    public static let index: [String: Int] = Dictionary(uniqueKeysWithValues: all.enumerated().map { ($1.id, $0) })

    /// Definitions as text for `tenure help kpis`.
    public static var helpText: String {
        var s = ""
        var family = ""
        for d in all {
            if d.family != family { family = d.family; s += "\n\(family.uppercased())\n" }
            s += "  \(d.id) [\(d.unit), \(d.direction == .higher ? "higher" : "lower") is better]: \(d.formula)\n"
        }
        return s
    }
}
