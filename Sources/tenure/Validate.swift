import ArgumentParser
import Foundation
import TenureData

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a dataset directory and print every problem found.",
        discussion: """
        Reads every table of the dataset (transactions.csv is required; customers.csv, subscriptions.csv,
        surveys.csv, tickets.csv, interactions.csv, leads.csv and marketing_spend.csv are read when present)
        and prints, for each, its rows, customers and date range, then ALL the problems found — not just
        the first — each with its file, line, column, the value and what was expected.
        Exits with status 65 when there is any problem, 0 otherwise.

        Files are UTF-8 (a BOM is fine), comma-separated, LF or CRLF, with RFC 4180 quoting.
        Dates are ISO 8601 (2024-03-01, 2024-03-01T12:30:00Z, offsets allowed); amounts use '.' as the
        decimal point; survey scores are csat 1–5, nps 0–10, ces 1–7.

        Examples:
          tenure validate data/
          tenure validate exports/ --schema columns.yaml
          tenure validate data/ && tenure cohorts data/

        A schema file maps your column names to tenure's, per table:
          transactions: { customer_id: cust, date: order_date, amount: total }
        """
    )

    @Argument(help: "Dataset directory holding transactions.csv and optional tables.")
    var data: String

    @Option(help: "YAML file mapping your column names to tenure's (e.g. `transactions: {date: order_date}`).")
    var schema: String?

    @Option(help: "Worker threads for large files.")
    var threads: Int = 2

    @Flag(help: .hidden)
    var timing = false

    func run() throws {
        try reportingErrors {
            var options = LoadOptions(threads: max(1, threads))
            if let schema { options.schema = try SchemaFile.load(path: schema) }
            let start = Date()
            let report = DatasetValidator.validate(directory: data, options: options)
            let elapsed = Date().timeIntervalSince(start)
            print(Self.render(report), terminator: "")
            if timing { Terminal.note(String(format: "validated in %.3f s", elapsed)) }
            if report.problemCount > 0 { throw ExitCode(65) }
        }
    }

    static func render(_ r: ValidationReport) -> String {
        func grouped(_ n: Int) -> String {
            let s = String(n)
            var out = ""
            for (i, c) in s.reversed().enumerated() {
                if i > 0 && i % 3 == 0 { out.append(",") }
                out.append(c)
            }
            return String(out.reversed())
        }
        func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s : s + String(repeating: " ", count: w - s.count) }
        func lpad(_ s: String, _ w: Int) -> String { s.count >= w ? s : String(repeating: " ", count: w - s.count) + s }
        var out = "dataset \(r.directory)\n"
        for t in r.tables {
            let name = pad(URL(fileURLWithPath: t.file).lastPathComponent, 20)
            guard t.present else { out += "  \(name)  absent\n"; continue }
            var line = "  \(name)  \(lpad(grouped(t.rows), 11)) rows  \(lpad(grouped(t.customers), 9)) customers"
            if let a = t.firstDay, let b = t.lastDay { line += "  \(Civil.iso(a)) … \(Civil.iso(b))" }
            line += t.problems.isEmpty ? "  ok" : "  \(t.problems.count) problem\(t.problems.count == 1 ? "" : "s")"
            out += line + "\n"
        }
        let all = r.datasetProblems + r.tables.flatMap(\.problems)
        if all.isEmpty {
            out += "no problems found\n"
        } else {
            out += "\n\(all.count) problem\(all.count == 1 ? "" : "s") found:\n"
            for e in all { out += "  \(e)\n" }
        }
        return out
    }
}
