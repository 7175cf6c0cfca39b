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
        initiatives and targets.yaml with example KPI targets) and DIR/report (report.html, report.md, results.json, tables/, charts/,
        report.ipynb), then prints where to open them. Shows progress on stderr when it is a terminal.

        Examples:
          tenure demo
          tenure demo --out out/demo --customers 100000
        """)

    @Option(help: "Directory for the dataset and the report.")
    var out: String = "out/demo"

    @Option(help: "Customers in the synthetic dataset.")
    var customers: Int = 10_000

    @Option(help: "Random seed of the dataset and the simulations.")
    var seed: UInt64 = 42

    func validate() throws {
        guard customers >= 100 && customers <= 5_000_000 else {
            throw ValidationError("--customers must be between 100 and 5,000,000, got \(customers).")
        }
    }

    func run() throws {
        try reportingErrors {
            // a person runs the demo: show progress on a terminal, plain step lines in a log
            let progress = ProgressBar(total: 8, mode: ProgressBar.mode(whenNotTerminal: .lines))
            let dataDir = out + "/data", reportDir = out + "/report"
            let synthetic: SyntheticData
            do {
                synthetic = try Synth.generate(config: SynthConfig(customers: customers, seed: seed))
                _ = try synthetic.write(to: dataDir)
            } catch let e as SynthError {
                throw ValidationError(e.message)
            }
            try AtomicFile.write(ScenarioFile.example, to: dataDir + "/scenarios.yaml")
            try AtomicFile.write(ExampleTargets.yaml, to: dataDir + "/targets.yaml")
            progress.step("generated \(Format.count(customers)) customers into \(dataDir)")
            let dataset = try DatasetLoader.load(directory: dataDir).dataset
            progress.expect(total: 3 + ReportBuilder.analysisCount(dataset, options: ReportOptions()))
            progress.step("loaded \(Format.count(dataset.transactions.count)) transactions")
            // exactly what `tenure report DIR/data` does (it reads DIR/data/scenarios.yaml and targets.yaml)
            var o = try ReportOptions.standard(dataPath: dataDir)
            o.title = "tenure demo: synthetic CRM data"
            o.seed = seed
            // the demo business's gross margin (that of its scenario file), so CLV and CAC payback are in margin terms
            o.grossMargin = o.scenarios?.scenarios.first?.grossMargin
            progress.note("analysing")
            let doc = ReportBuilder.build(dataset, options: o, progress: { progress.step("finished \($0)") })
            let written = try ReportWriter.write(doc, to: reportDir, progress: { progress.note("writing \($0)") })
            progress.step("wrote the report")
            progress.finish()
            try StandardOutput.write("demo dataset: \(URL(fileURLWithPath: dataDir).standardizedFileURL.path)\n")
            try Report.printWhere(out: reportDir, written: written)
        }
    }
}
