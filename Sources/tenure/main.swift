import ArgumentParser
import Foundation
import TenureNumerics
#if canImport(CMalloc)
import CMalloc
#endif

struct Tenure: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenure",
        abstract: "Cohort retention, churn survival, CLV forecasts, CRM KPIs and ROI scenarios from CRM exports.",
        discussion: """
        A dataset is a directory of CSV files; each analysis needs only its own tables
        (transactions.csv for purchases and CLV, subscriptions.csv for contractual churn).
        Start with `tenure demo` to see a full report on synthetic data.

        Examples:
          tenure demo --out out/demo
          tenure validate data/
          tenure cohorts data/ --period month --forecast 6
          tenure survival data/ --churn-after 90d --by segment
          tenure clv data/ --model bgnbd --spend gamma-gamma --by segment
        """,
        version: "0.1.0",
        subcommands: [Demo.self, Generate.self, Validate.self, Import.self, SchemaHelp.self, Cohorts.self, Survival.self, CLV.self,
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

// Runs the command and leaves with `_exit`: every output is written and checked by then (standard
// output with write(2), files renamed into place), and skipping the process's exit handlers avoids
// OpenBLAS's worker threads racing its library destructor (`_fini`), which crashed 1 exit in 100
// after a failed fit with SIGSEGV instead of exit 70.
func runAndExit() -> Never {
    do {
        var command = try Tenure.parseAsRoot()
        try command.run()
        _exit(0)
    } catch {
        let code = Tenure.exitCode(for: error)
        let message = Tenure.fullMessage(for: error)
        if !message.isEmpty {
            let text = message.hasSuffix("\n") ? message : message + "\n"
            _ = text.withCString { p in write(code == .success ? 1 : 2, p, strlen(p)) }
        }
        _exit(code.rawValue)
    }
}
runAndExit()
