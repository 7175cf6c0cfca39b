import ArgumentParser
import Foundation
import TenureData
import TenureReport
import TenureWarehouse

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a dataset directory and print every problem found.",
        usage: "tenure validate <data> [<options>]",
        discussion: """
        Reads every table of the dataset that is present (transactions.csv, customers.csv,
        subscriptions.csv, surveys.csv, tickets.csv, interactions.csv, leads.csv, marketing_spend.csv;
        each analysis needs only its own: survival and contractual cohorts run on subscriptions.csv
        alone, CLV and purchase cohorts need transactions.csv) and prints, for each, its rows,
        customers and date range, which analyses can run on the dataset and which cannot (and
        why), then ALL the problems found — not just the first — each with its file, line, column,
        the value and what was expected.

        Exit status: 0 when there is no problem; 65 when there is one. With --on-invalid skip, every
        row-level problem (bad date, bad number, stray quote, …) is written with its reason to a
        rejects file (default rejects.csv in the current directory) and the status is 0 if the
        analyses can run by skipping those rows, 65 if a problem stops them (a missing column, an
        empty file, neither transactions.csv nor subscriptions.csv).

        --as-of DATE sets the end of observation, as for every analysis command (default: the latest
        date in the data); validate prints it and how many rows of each table fall after it (the
        analyses leave them out), and fails when every transaction is after it.

        Files are UTF-8 (a BOM is fine), comma-separated, LF or CRLF, with RFC 4180 quoting.
        Dates are ISO 8601 (2024-03-01, 2024-03-01T12:30:00Z, offsets allowed); amounts use '.' as the
        decimal point; survey scores are csat 1–5, nps 0–10, ces 1–7.

        Examples:
          tenure validate data/
          tenure validate exports/ --schema columns.yaml
          tenure validate data/ --as-of 2024-06-30
          tenure validate data/ --on-invalid skip --rejects out/rejects.csv
          tenure validate data/ && tenure cohorts data/
          tenure validate "postgres://analyst@db/crm?schema=crm"   (tables, columns, types, values in the engine)
          tenure validate "sc://spark-host:15002/;schema=crm"       (the same on Spark Connect)

        A schema file maps your column names to tenure's, per table:
          transactions: { customer_id: cust, date: order_date, amount: total }
        """
    )

    @OptionGroup var data: DataOptions

    @Option(help: "Where --on-invalid skip writes the rejected rows.")
    var rejects: String = "rejects.csv"

    @Option(help: "Worker threads for large files.")
    var threads: Int = 2

    @OptionGroup var timing: TimingOptions

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1.") }
    }

    func run() throws {
        try reportingErrors {
            if WarehouseOptions.isLive(data.data) { try validateWarehouse(); return }
            var options = try data.loadOptions()
            try data.checkTimeZone(options)
            options.threads = threads
            let clock = timing.clock()
            let report = DatasetValidator.validate(directory: data.data, options: options)
            clock.lap("validate")
            try StandardOutput.write(Self.render(report))
            if data.onInvalid == .skip {
                let rows = report.rejects
                if !rows.isEmpty {
                    try AtomicFile.write(RejectsFile.render(rows), to: rejects)
                    Terminal.note("\(rows.count) rejected row(s) with their reasons written to \(rejects)")
                }
                if !report.usableSkippingRows { throw ExitCode(65) }
            } else if report.problemCount > 0 {
                throw ExitCode(65)
            }
        }
    }

    /// `tenure validate postgres://…` or `sc://…`: tables, columns, types and unparsable text values, counted in the engine.
    func validateWarehouse() throws {
        let tables = try WarehouseOptions.parse([]).tables(data: data.data, schema: try data.loadOptions().schema)
        try tables.check(dialect: WarehouseOptions.dialect(of: data.data))
        let executor = try WarehouseOptions.connect(data.data, timeZone: data.timezone)
        defer { executor.close() }
        let checks = try SourceCheck.run(executor, tables: tables)
        var out = "dataset \(executor.sourceDescription)\n"
        for t in checks {
            let name = t.table.padding(toLength: max(t.table.count, 16), withPad: " ", startingAt: 0)
            out += t.exists ? "  \(name)  \(t.source): \(t.rows) rows  \(t.problems.isEmpty ? "ok" : "\(t.problems.count) problem(s)")\n"
                            : "  \(name)  absent (no table \(t.source); mapping key \(t.table).table)\n"
        }
        var problems = checks.flatMap { t in t.problems.map { "\(t.source): \($0)" } }
        if !checks.contains(where: { $0.exists && ($0.table == "transactions" || $0.table == "subscriptions") }) {
            problems.insert("neither transactions nor subscriptions found under \(tables.defaultSchema.map { "schema \($0)" } ?? "the default schema")", at: 0)
        }
        out += problems.isEmpty ? "no problems found\n" : "\n\(problems.count) problem\(problems.count == 1 ? "" : "s") found:\n" + problems.map { "  \($0)\n" }.joined()
        try StandardOutput.write(out)
        if !problems.isEmpty { throw ExitCode(65) }
    }

    static func render(_ r: ValidationReport) -> String {
        let grouped: (Int) -> String = Thousands.group
        func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s : s + String(repeating: " ", count: w - s.count) }
        func lpad(_ s: String, _ w: Int) -> String { s.count >= w ? s : String(repeating: " ", count: w - s.count) + s }
        var out = "dataset \(r.directory)\n"
        out += ImportedTables.describe(r.imported, indent: "  ").map { $0 + "\n" }.joined()
        if let asOf = r.asOf {
            out += "end of observation \(Civil.iso(asOf)) (\(r.asOfGiven ? "--as-of" : "latest date in the data"))\n"
        }
        for t in r.tables {
            let name = pad(t.file.hasSuffix(")") ? t.table : URL(fileURLWithPath: t.file).lastPathComponent, 20)
            guard t.present else { out += "  \(name)  absent\n"; continue }
            var line = "  \(name)  \(lpad(grouped(t.rows), 11)) rows  \(lpad(grouped(t.customers), 9)) customers"
            if let a = t.firstDay, let b = t.lastDay { line += "  \(Civil.iso(a)) … \(Civil.iso(b))" }
            line += t.problems.isEmpty ? "  ok" : "  \(t.problems.count) problem\(t.problems.count == 1 ? "" : "s")"
            if t.rowsAfterAsOf > 0 { line += "  (\(grouped(t.rowsAfterAsOf)) after the end of observation: left out)" }
            out += line + "\n"
        }
        if r.tables.contains(where: \.present) {
            out += "\nanalyses on this dataset:\n"
            for c in r.capabilities {
                out += "  \(c.available ? "yes" : "no ")  \(c.analysis)" + (c.reason.map { " — \($0)" } ?? "") + "\n"
            }
        }
        let all = r.datasetProblems + r.tables.flatMap(\.problems)
        if all.isEmpty {
            out += "no problems found\n"
        } else {
            out += "\n\(grouped(all.count)) problem\(all.count == 1 ? "" : "s") found:\n"
            out += ProblemGroups.render(all)
        }
        return out
    }
}
