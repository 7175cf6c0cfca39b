import ArgumentParser
import TenureData
import TenureReport
import TenureROI
import TenureWarehouse

struct ROI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roi",
        abstract: "Compare CRM initiative scenarios: incremental revenue, NPV, ROI, payback, with Monte Carlo intervals.",
        usage: "tenure roi <data> --scenarios <file.yaml> [<options>]",
        discussion: """
        The baseline is fitted on the data: BG/NBD + Gamma-Gamma per targeted segment for purchases, \
        sBG for subscriptions. Effects act on those models: churn_reduction scales every dropout \
        probability / churn hazard by (1 − c), frequency_lift scales purchase rates by (1 + f), \
        order_value_lift scales spend per order, conversion_lift scales monthly acquisition, \
        new_customers arrive evenly over the horizon at new_customer_cac each.

        Costs are paid at the start of each month and margins earned at its end (change with \
        `timing: {costs: end, margins: start}`); ROI = NPV / present value of costs.
        Every input may be a number, a range [low, high] (uniform), or {dist: triangular|normal, ...}.

        Scenario file (YAML; this is datasets/scenarios.yaml, the file `tenure demo` and `tenure report` \
        use when none is given). past_initiatives are initiatives recorded in customers.csv (columns \
        initiative and group, treatment or control) whose realised ROI is reported:

        \(ScenarioFile.example.trimmingCharacters(in: .newlines))

        Over postgres://… the RFM summary per segment, the subscription books and the past \
        initiatives' counts are reduced in the engine; the baselines and simulations run here.

        Examples:
          tenure roi data/ --scenarios scenarios.yaml
          tenure roi "postgres://analyst@db/crm?schema=crm" --scenarios scenarios.yaml   (reduced in the engine)
          tenure roi data/ --scenarios scenarios.yaml --simulations 100000 --seed 7 --format json -o roi.json
        """)

    @OptionGroup var data: DataOptions
    @Option(help: "The scenario file (YAML, see above).") var scenarios: String
    @Option(help: "Monte Carlo simulations per scenario (0 = expected values only).") var simulations = 10_000
    @Option(help: "Random seed: the same seed gives the same bytes.") var seed: UInt64 = 1
    @Option(name: .customLong("retention-window"), help: "Past initiatives: days without a purchase after which a customer is not retained.")
    var retentionWindow = 90
    @OptionGroup var timing: TimingOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup(title: "Warehouse mode") var warehouse: WarehouseOptions

    func validate() throws {
        guard simulations >= 0 && simulations <= MonteCarlo.maxSimulations else {
            throw ValidationError("--simulations must be from 0 to \(MonteCarlo.maxSimulations), got \(simulations).")
        }
        guard retentionWindow > 0 else { throw ValidationError("--retention-window must be a positive number of days.") }
    }

    func run() throws {
        try reportingErrors {
            let clock = timing.clock()
            let file = try ScenarioFile.load(path: scenarios)
            let inputs: ROIInputs
            if warehouse.applies(to: data.data) {
                guard let reduced = try warehouseInputs(file) else { return }   // --emit-sql wrote the queries
                inputs = reduced
                clock.lap("reductions (in the engine)")
            } else {
                let dataset = try data.load(rejectsNextTo: output.output)
                clock.lap("load")
                inputs = try ROIInputs(dataset: dataset, windowDays: retentionWindow)
            }
            let builder = BaselineBuilder(inputs: inputs)
            var fitted: [String: (Baseline, ROIResult.BaselineSummary)] = [:]
            for s in file.scenarios where fitted[s.segment ?? ""] == nil {
                fitted[s.segment ?? ""] = try builder.build(segment: s.segment, months: ROIAnalysis.reachNeeded(file, segment: s.segment))
            }
            clock.lap("baselines")
            let result = try ROIAnalysis.run(file, inputs: builder.inputs, options: .init(simulations: simulations, seed: seed),
                                             baselineFor: { segment, _ in fitted[segment ?? ""]! })
            clock.lap("scenarios (\(simulations) simulations × \(file.scenarios.count))")
            try output.emit(result)
        }
    }
}

extension String {
    /// Each line of the text with `n` spaces in front (for examples inside help text).
    fileprivate func indented(by n: Int) -> String {
        let pad = String(repeating: " ", count: n)
        return split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : pad + $0 }.joined(separator: "\n")
    }
}
