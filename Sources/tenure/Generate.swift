import ArgumentParser
import Foundation
import TenureReport
import TenureSynth
import TenureData

/// `tenure generate`: a synthetic CRM dataset from known parameters, plus truth.json.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a synthetic CRM dataset (every SPEC table) and truth.json with its true parameters.",
        usage: "tenure generate --customers <n> --out <dir> [<options>]",
        discussion: """
        Customers are acquired uniformly over 2023-01-01…2024-12-31 and observed until 2025-06-30.
        Purchases follow a BG/NBD model (weekly rates), spend a Gamma-Gamma model, subscriptions an
        sBG monthly churn model, each churn with an end_reason (cancelled, payment_failed, migrated)
        drawn from its segment's mix — known cause-specific hazards for --competing; segments (retail, smb, enterprise) scale purchase rate and spend,
        channels set acquisition cost and subscription uptake; a past initiative (winback_2024) has
        treatment and control groups with a known uplift. truth.json holds every parameter, so fits
        can be checked against it. The same --seed always gives the same bytes. See datasets/README.md.

        Files: transactions.csv customers.csv subscriptions.csv surveys.csv tickets.csv
               interactions.csv leads.csv marketing_spend.csv truth.json
        Each file is written to a temporary name and renamed into place. Work is split into fixed
        blocks of customers spread over every core (TENURE_THREADS=N to limit); the bytes do not
        depend on the number of cores. A progress bar is drawn on stderr when it is a terminal.

        --hostile-labels renames the segments to <script>alert(1)</script>,
        O'Brien & "Sons", Ltd | <b> and Über-Großkunden 🚀 </table>, and the
        referral channel to <img src=x onerror=alert(2)>: a dataset for checking
        that reports escape every label.

        Examples:
          tenure generate --customers 2000 --out datasets/sample --seed 42
          tenure generate --customers 3000000 --out /tmp/big --only-transactions
          tenure generate --customers 50000 --out out/data --tables transactions,customers,subscriptions
          tenure generate --customers 5000 --out /tmp/hostile --hostile-labels
          tenure generate --customers 2000 --out /tmp/data --exports /tmp/exports
        """)

    @Option(help: "Number of customers (1 … 50,000,000). About 2.7 transactions per customer.")
    var customers: Int

    @Option(help: "Output directory (created if missing; existing files of the same name are replaced).")
    var out: String

    @Option(help: "Random seed (a non-negative integer): the same seed gives the same bytes.")
    var seed: UInt64 = 42

    @Option(help: ArgumentHelp("Comma-separated tables to write (transactions is always written): \(SynthConfig.Table.allCases.map(\.rawValue).joined(separator: ", ")).",
                               valueName: "list"),
            transform: Generate.parseTables)
    var tables: Set<SynthConfig.Table>?

    @Flag(name: .customLong("only-transactions"), help: "Write only transactions.csv and truth.json (for benchmarks).")
    var onlyTransactions = false

    @Flag(name: .customLong("hostile-labels"), help: "Give segments and a channel names full of HTML / CSV / Markdown specials (escaping tests).")
    var hostileLabels = false

    @Option(help: ArgumentHelp("Also write the data as raw exports (Shopify orders, Stripe subscriptions, Zendesk tickets, HubSpot deals, Delighted NPS, ad costs) with crm.yaml, the mapping that imports them, into this directory.", valueName: "dir"))
    var exports: String?

    @Flag(help: "Print nothing on success (no progress bar either).")
    var quiet = false

    @OptionGroup var timing: TimingOptions

    func validate() throws {
        guard customers >= 1 && customers <= 50_000_000 else {
            throw ValidationError("--customers must be between 1 and 50,000,000, got \(customers).")
        }
        guard !out.isEmpty else { throw ValidationError("--out must name a directory.") }
        if onlyTransactions && tables != nil {
            throw ValidationError("use either --tables or --only-transactions, not both.")
        }
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: out, isDirectory: &isDir), !isDir.boolValue {
            throw ValidationError("--out '\(out)' exists and is not a directory.")
        }
    }

    /// `--tables`: table names (with or without .csv), plus transactions.
    @Sendable static func parseTables(_ text: String) throws -> Set<SynthConfig.Table> {
        var set: Set<SynthConfig.Table> = [.transactions]
        for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            let key = name.hasSuffix(".csv") ? String(name.dropLast(4)) : name
            guard let t = SynthConfig.Table(rawValue: key) else {
                throw ValidationError("--tables: unknown table '\(name)'; choose from \(SynthConfig.Table.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            set.insert(t)
        }
        return set
    }

    func selectedTables() -> Set<SynthConfig.Table> {
        onlyTransactions ? [.transactions] : (tables ?? Set(SynthConfig.Table.allCases))
    }

    func run() throws {
        try reportingErrors {
            var config = SynthConfig(customers: customers, seed: seed)
            config.tables = selectedTables()
            if hostileLabels { config.useHostileLabels() }
            let start = Date()
            let data: SyntheticData
            let files: [(file: String, rows: Int)]
            let bar = ProgressBar(total: Synth.steps(config) + config.tables.count,
                                  mode: quiet ? .silent : ProgressBar.mode(whenNotTerminal: .silent))
            let phases = PhaseTimer(clock: timing.clock())
            let show: ((String) -> Void)? = quiet && !timing.timings ? nil : { bar.step($0); phases.start($0) }
            do {
                data = try Synth.generate(config: config, progress: show.map { f in { f("generating \($0)") } })
                files = try data.write(to: out, progress: show.map { f in { f("writing \($0)") } })
            } catch let e as SynthError {
                bar.finish()
                throw ValidationError(e.message)
            }
            if let exports {
                guard config.tables == Set(SynthConfig.Table.allCases), !hostileLabels else {
                    throw ValidationError("--exports needs every table and plain labels (no --tables, --only-transactions or --hostile-labels).")
                }
                do { try ExportShapes.write(dataset: out, to: exports) } catch let e as DataError {
                    throw OutputError(path: exports, reason: e.description)
                }
            }
            phases.start("")
            guard !quiet else { return }
            bar.finish()
            let width = files.map(\.file.count).max() ?? 0
            var text = "wrote \(out) (seed \(seed), \(customers) customers) in \(String(format: "%.2f", Date().timeIntervalSince(start))) s\n"
            for f in files where f.file != "truth.json" {
                text += "  " + f.file.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(f.rows) rows\n"
            }
            text += "  truth.json  true parameters (BG/NBD r=\(data.truth.bgnbd.r) alpha=\(data.truth.bgnbd.alpha) a=\(data.truth.bgnbd.a) b=\(data.truth.bgnbd.b) per week; observation ends \(data.truth.observationEnd))\n"
            if let exports { text += "  \(exports)/  the same data as raw exports, with crm.yaml (tenure import \(exports) --schema \(exports)/crm.yaml --out DIR)\n" }
            try StandardOutput.write(text)
        }
    }
}

/// Laps a `PhaseClock` at each phase change (hidden `--timings`: wall time per phase on stderr).
private final class PhaseTimer {
    let clock: PhaseClock
    var current = "setup"
    init(clock: PhaseClock) { self.clock = clock }
    func start(_ phase: String) { clock.lap(current); current = phase }
}
