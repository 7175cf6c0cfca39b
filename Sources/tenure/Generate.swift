import ArgumentParser
import Foundation
import TenureSynth

/// `tenure generate`: a synthetic CRM dataset from known parameters, plus truth.json.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a synthetic CRM dataset (every SPEC table) and truth.json with its true parameters.",
        discussion: """
        Customers are acquired uniformly over 2023-01-01…2024-12-31 and observed until 2025-06-30.
        Purchases follow a BG/NBD model (weekly rates), spend a Gamma-Gamma model, subscriptions an
        sBG monthly churn model; segments (retail, smb, enterprise) scale purchase rate and spend,
        channels set acquisition cost and subscription uptake; a past initiative (winback_2024) has
        treatment and control groups with a known uplift. truth.json holds every parameter, so fits
        can be checked against it. The same --seed always gives the same bytes. See datasets/README.md.

        Files: transactions.csv customers.csv subscriptions.csv surveys.csv tickets.csv
               interactions.csv leads.csv marketing_spend.csv truth.json
        Each file is written to a temporary name and renamed into place.

        Examples:
          tenure generate --customers 2000 --out datasets/sample --seed 42
          tenure generate --customers 3000000 --out /tmp/big --only-transactions
          tenure generate --customers 50000 --out out/data --tables transactions,customers,subscriptions
        """)

    @Option(help: "Number of customers (1 … 50,000,000). About 2.7 transactions per customer.")
    var customers: Int

    @Option(help: "Output directory (created if missing; existing files of the same name are replaced).")
    var out: String

    @Option(help: "Random seed (a non-negative integer): the same seed gives the same bytes.")
    var seed: UInt64 = 42

    @Option(help: "Comma-separated tables to write (transactions is always written): \(SynthConfig.Table.allCases.map(\.rawValue).joined(separator: ", ")).")
    var tables: String?

    @Flag(name: .customLong("only-transactions"), help: "Write only transactions.csv and truth.json (for benchmarks).")
    var onlyTransactions = false

    @Flag(help: "Print nothing on success.")
    var quiet = false

    func validate() throws {
        guard customers >= 1 && customers <= 50_000_000 else {
            throw ValidationError("--customers must be between 1 and 50,000,000, got \(customers).")
        }
        guard !out.isEmpty else { throw ValidationError("--out must name a directory.") }
        if onlyTransactions && tables != nil {
            throw ValidationError("use either --tables or --only-transactions, not both.")
        }
        _ = try selectedTables()
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: out, isDirectory: &isDir), !isDir.boolValue {
            throw ValidationError("--out '\(out)' exists and is not a directory.")
        }
    }

    func selectedTables() throws -> Set<SynthConfig.Table> {
        if onlyTransactions { return [.transactions] }
        guard let tables else { return Set(SynthConfig.Table.allCases) }
        var set: Set<SynthConfig.Table> = [.transactions]
        for name in tables.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            let key = name.hasSuffix(".csv") ? String(name.dropLast(4)) : name
            guard let t = SynthConfig.Table(rawValue: key) else {
                throw ValidationError("--tables: unknown table '\(name)'; choose from \(SynthConfig.Table.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            set.insert(t)
        }
        return set
    }

    func run() throws {
        try reportingErrors {
            var config = SynthConfig(customers: customers, seed: seed)
            config.tables = try selectedTables()
            let start = Date()
            let data: SyntheticData
            let files: [(file: String, rows: Int)]
            do {
                data = try Synth.generate(config: config)
                files = try data.write(to: out)
            } catch let e as SynthError {
                throw ValidationError(e.message)
            }
            guard !quiet else { return }
            let width = files.map(\.file.count).max() ?? 0
            var text = "wrote \(out) (seed \(seed), \(customers) customers) in \(String(format: "%.2f", Date().timeIntervalSince(start))) s\n"
            for f in files where f.file != "truth.json" {
                text += "  " + f.file.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(f.rows) rows\n"
            }
            text += "  truth.json  true parameters (BG/NBD r=\(data.truth.bgnbd.r) alpha=\(data.truth.bgnbd.alpha) a=\(data.truth.bgnbd.a) b=\(data.truth.bgnbd.b) per week; observation ends \(data.truth.observationEnd))\n"
            print(text, terminator: "")
        }
    }
}
