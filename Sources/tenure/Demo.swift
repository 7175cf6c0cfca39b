import ArgumentParser
import Foundation
import TenureData
import TenureROI
import TenureReport
import TenureSynth

/// `tenure demo`: a synthetic dataset and the full report on it, no input needed.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Generate a synthetic CRM dataset and write the full report on it (no input needed).",
        discussion: """
        Writes DIR/data (every table of `tenure generate`, plus scenarios.yaml with four CRM
        initiatives) and DIR/report (report.html, report.md, results.json, tables/, charts/,
        report.ipynb), then prints where to open them. Shows progress on stderr when it is a terminal.

        Examples:
          tenure demo
          tenure demo --out out/demo --customers 100000
        """)

    @Option(help: "Directory for the dataset and the report.")
    var out: String = "out/demo"

    @Option(help: "Customers in the synthetic dataset.")
    var customers: Int = 20_000

    @Option(help: "Random seed of the dataset and the simulations.")
    var seed: UInt64 = 42

    func validate() throws {
        guard customers >= 100 && customers <= 5_000_000 else {
            throw ValidationError("--customers must be between 100 and 5,000,000, got \(customers).")
        }
    }

    /// The scenario file the demo compares (the synthetic segments are retail, smb and enterprise).
    static let scenarios = """
    # CRM initiatives the demo compares (tenure roi DATA --scenarios scenarios.yaml)
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

    """

    func run() throws {
        try reportingErrors {
            let progress = ProgressLine(total: 9)
            let dataDir = out + "/data", reportDir = out + "/report"
            progress.step("generating \(Format.count(customers)) customers")
            let synthetic: SyntheticData
            do {
                synthetic = try Synth.generate(config: SynthConfig(customers: customers, seed: seed))
                _ = try synthetic.write(to: dataDir)
            } catch let e as SynthError {
                throw ValidationError(e.message)
            }
            try AtomicFile.write(Demo.scenarios, to: dataDir + "/scenarios.yaml")
            progress.step("loading \(dataDir)")
            let dataset = try DatasetLoader.load(directory: dataDir).dataset
            var o = ReportOptions()
            o.title = "tenure demo: synthetic CRM data"
            o.dataPath = dataDir
            o.seed = seed
            o.scenarios = try ScenarioFile.parse(Demo.scenarios, file: dataDir + "/scenarios.yaml")
            progress.step("analysing")
            let doc = ReportBuilder.build(dataset, options: o, progress: { progress.step("finished \($0)") })
            let written = try ReportWriter.write(doc, to: reportDir, progress: { progress.note("writing \($0)") })
            progress.step("done")
            progress.finish()
            print("demo dataset: \(URL(fileURLWithPath: dataDir).standardizedFileURL.path)")
            Report.printWhere(out: reportDir, written: written)
        }
    }
}

/// A one-line progress bar on stderr, drawn only when stderr is a terminal; safe to call from
/// several threads. Elapsed time is shown so a person can tell it is alive.
final class ProgressLine: @unchecked Sendable {
    private let total: Int
    private var done = 0
    private var message = ""
    private let start = Date()
    private let lock = NSLock()
    private let enabled = Terminal.stderrIsTTY

    init(total: Int) { self.total = max(1, total) }

    /// Completes one step and shows `message`.
    func step(_ message: String) {
        lock.lock(); defer { lock.unlock() }
        done = min(total, done + 1)
        self.message = message
        draw()
    }

    /// Shows `message` without advancing.
    func note(_ message: String) {
        lock.lock(); defer { lock.unlock() }
        self.message = message
        draw()
    }

    /// Clears the line.
    func finish() {
        lock.lock(); defer { lock.unlock() }
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }

    private func draw() {
        guard enabled else { return }
        let width = 24
        let filled = width * done / total
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let secs = Date().timeIntervalSince(start)
        let line = "\r\u{1B}[2K\(bar) \(done)/\(total)  \(String(format: "%5.1f", secs)) s  \(message)"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
