extension ScenarioFile {
    /// The scenario file `tenure demo` and the report use when none is given; the same text is
    /// committed as `datasets/scenarios.yaml` (a test keeps the two equal). Segments match `tenure generate`.
    public static let example = """
    # CRM initiatives to compare (tenure roi DATA --scenarios THIS_FILE)
    horizon: 24 months
    discount_rate: 0.10        # annual
    gross_margin: 0.35
    scenarios:
      - name: Loyalty program
        segment: retail
        cost: { fixed: 50000, per_customer: 2.5 }
        effects: { churn_reduction: [0.05, 0.15] }
      - name: Win-back email
        segment: all
        cost: { per_customer: 0.4 }
        effects: { frequency_lift: 0.03, order_value_lift: [0.0, 0.02] }
      - name: Key-account managers
        segment: enterprise
        cost: { per_period: 6000 }
        effects:
          churn_reduction: { dist: triangular, low: 0.05, mode: 0.15, high: 0.30 }
          order_value_lift: [0.02, 0.06]
      - name: Referral drive
        segment: smb
        cost: { fixed: 5000 }
        effects:
          new_customers: [200, 600]
          new_customer_cac: { dist: normal, mean: 30, sd: 5 }
    past_initiatives:
      - { name: winback_2024, cost: 15000 }

    """
}

extension ScenarioFile {
    /// The short scenario file shown in `tenure roi --help` (a test parses it, so the help never
    /// shows a file the parser refuses).
    public static let helpExample = """
    horizon: 24 months
    discount_rate: 0.10        # annual
    gross_margin: 0.35
    scenarios:
      - name: Loyalty program
        segment: retail
        cost: { fixed: 50000, per_customer: 2.5 }
        effects: { churn_reduction: [0.05, 0.15] }
      - name: Win-back email
        segment: all
        cost: { per_customer: 0.4 }
        effects: { frequency_lift: 0.03, order_value_lift: [0.0, 0.02] }
    past_initiatives:          # realised ROI of initiatives recorded in customers.csv (initiative, group)
      - { name: spring_pilot, cost: 12000 }
    """
}
