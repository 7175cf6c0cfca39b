import ArgumentParser
import TenureNumerics
#if canImport(CMalloc)
import CMalloc
#endif

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

#if canImport(CMalloc)
// The analyses allocate and free column-sized arrays (megabytes to gigabytes) one after another.
// glibc serves blocks above its mmap threshold with fresh mappings and unmaps them on free, so
// every such array faults its pages in anew (a tenth of the CPU time of `tenure clv` went to the
// kernel). Keeping freed memory in the heap for reuse removes that; peak memory is unchanged on
// the 8M-row ingest and a few percent higher on smaller runs.
_ = mallopt(M_MMAP_THRESHOLD, 1 << 30)
_ = mallopt(M_TRIM_THRESHOLD, Int32.max)
#endif
BLASThreads.limit(to: 1)
BLASThreads.stopIdlePool()
Tenure.main()
