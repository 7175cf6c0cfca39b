import ArgumentParser

struct Tenure: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenure",
        abstract: "Cohort retention, churn survival, CLV forecasts, CRM KPIs and ROI scenarios from CRM exports.",
        discussion: """
        A dataset is a directory of CSV files; only transactions.csv (customer_id, date, amount) is required.
        Start with `tenure demo` to see a full report on synthetic data.

        Examples:
          tenure demo --out out/demo
          tenure validate data/
          tenure cohorts data/ --period month --forecast 6
          tenure survival data/ --churn-after 90d --by segment
          tenure clv data/ --model bgnbd --spend gamma-gamma --by segment
        """,
        version: "0.1.0",
        subcommands: [Demo.self, Generate.self, Validate.self, Cohorts.self, Survival.self, CLV.self,
                      KPIs.self, ROI.self, Report.self]
    )
}

Tenure.main()
