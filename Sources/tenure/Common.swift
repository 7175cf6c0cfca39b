import ArgumentParser
import Foundation
import TenureWarehouse
import TenureData
import TenureNumerics
import TenureReport

/// Where the data is and how to read it: every command that reads a dataset (`validate` too).
struct DataOptions: ParsableArguments {
    @Argument(help: "Dataset directory: transactions.csv and/or subscriptions.csv plus optional tables (see `tenure help validate`); or a live engine, where the reductions run: postgres://USER@HOST:PORT/DB?schema=S (PostgreSQL wire) or sc://HOST:15002/;schema=S (Spark Connect).")
    var data: String

    @Option(help: "YAML file mapping your column names to tenure's (e.g. `transactions: {date: order_date}`).")
    var schema: String?

    @Option(name: .customLong("as-of"), help: ArgumentHelp("End of observation, an ISO date (default: the latest date in the data).", valueName: "date"),
            transform: DataOptions.parseAsOf)
    var asOf: Day?

    @Option(help: ArgumentHelp("Business time zone (IANA name, e.g. Europe/Berlin): the day a datetime falls on, for exports a mapping file describes (over its `timezone:`) and in warehouse mode (default UTC).",
                               valueName: "zone"))
    var timezone: String?

    @Option(name: .customLong("on-invalid"),
            help: "A bad row: fail stops (validate: reports every problem and fails); skip writes it with its reason to a rejects file and goes on.")
    var onInvalid: LoadOptions.OnInvalid = .fail

    func loadOptions() throws -> LoadOptions {
        var o = LoadOptions(onInvalid: onInvalid)
        if let schema { o.schema = try SchemaFile.load(path: schema) }
        if let timezone {
            guard timezone == "as-written" || TimeZone(identifier: timezone) != nil else {
                throw ValidationError("--timezone '\(timezone)' is not a time zone: give an IANA name such as Europe/Berlin or America/New_York (or UTC).")
            }
            o.schema.sources?.timeZone = timezone
        }
        o.asOf = asOf
        return o
    }

    /// `--timezone` on a CSV dataset needs a mapping that describes its exports.
    func checkTimeZone(_ options: LoadOptions) throws {
        if timezone != nil && options.schema.sources == nil {
            throw ValidationError("--timezone applies to exports a mapping file describes (--schema with `columns:` or a preset) and to warehouse mode; "
                                  + "a dataset's ISO dates are read as written (a datetime with an offset by its UTC day). See `tenure help schema`.")
        }
    }

    /// `--as-of`: an ISO date from 1900-01-01 to a year after today (`PlausibleDates`); a usage error otherwise.
    @Sendable static func parseAsOf(_ s: String) throws -> Day {
        let d = try isoDate(s, option: "--as-of")
        let r = PlausibleDates.range()
        guard r.contains(d) else {
            throw ValidationError("--as-of '\(s)' is out of range: expected a date from \(Civil.iso(r.lowerBound)) to \(Civil.iso(r.upperBound)) (a year after today).")
        }
        return d
    }

    /// Loads the dataset, writing `rejects.csv` beside the output when rows were skipped.
    func load(rejectsNextTo output: String? = nil) throws -> Dataset {
        let options = try loadOptions()
        try checkTimeZone(options)
        let loaded = try DatasetLoader.load(directory: data, options: options)
        // --as-of before every transaction: the same error for every command (as `validate` gives).
        if let given = options.asOf, let first = loaded.dataset.transactions.day.min(), first > given {
            throw DataError(.other, file: (data as NSString).appendingPathComponent("transactions.csv"), value: Civil.iso(given),
                            expected: "an end of observation (--as-of) on or after the first transaction (\(Civil.iso(first)))",
                            hint: "every transaction is after \(Civil.iso(given)); no analysis would see any")
        }
        // What the mapping kept of the exports: the analyst sees every filter's removals.
        for line in ImportedTables.describe(loaded.imported) { Terminal.note(line) }
        if !loaded.rejects.isEmpty {
            let dir = output.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path } ?? FileManager.default.currentDirectoryPath
            let path = dir + "/rejects.csv"
            try AtomicFile.write(RejectsFile.render(loaded.rejects), to: path)
            Terminal.note("skipped \(loaded.rejects.count) invalid row(s); see \(path)")
        }
        return loaded.dataset
    }
}

/// `--format` and `--output`, shared by every analysis command, and the one way a result is written.
struct OutputOptions: ParsableArguments {
    @Option(help: "Output format (default: table on a terminal; with -o, from the file's extension: .csv, .md, .json, else table; otherwise json).")
    var format: OutputFormat?

    @Option(name: .shortAndLong, help: "Write to this file (atomically) instead of standard output.")
    var output: String?

    var resolved: OutputFormat {
        if let format { return format }
        return output == nil && Terminal.stdoutIsTTY ? .table : (output.map(Self.guess) ?? .json)
    }

    static func guess(_ path: String) -> OutputFormat {
        if path.hasSuffix(".csv") { return .csv }
        if path.hasSuffix(".md") { return .md }
        if path.hasSuffix(".json") { return .json }
        return .table
    }

    /// Colours only on a terminal, and not with `NO_COLOR` or `TERM=dumb` (the same for every command).
    var color: TerminalHeatmap.ColorMode { TerminalHeatmap.ColorMode.detect(isTTY: output == nil && Terminal.stdoutIsTTY) }

    /// Renders the result (`Render.render`, every command's one path) and writes it. `only`: the
    /// tables shown in table and Markdown output; `lead`: the table shown first (and written as CSV).
    func emit(_ result: any Reportable, only: Set<String>? = nil, lead: String? = nil) throws {
        let presentation = Presentation(color: color, only: only, lead: lead)
        if resolved == .csv {   // streamed: a million-row table is never one string
            let table = Render.csvTable(result, presentation)
            if let output { try AtomicFile.stream(to: output) { try CSVWriter.write(table, to: &$0) } }
            else { try StandardOutput.stream { try CSVWriter.write(table, to: &$0) } }
            return
        }
        let text = try Render.render(result, as: resolved, presentation: presentation)
        if let output { try AtomicFile.write(text, to: output) } else { try StandardOutput.write(text) }
    }
}

/// Runs a command body, turning typed errors into one clear message and a non-zero exit.
func reportingErrors(_ body: () throws -> Void) throws {
    do { try body() } catch let e as DataError {
        Terminal.error("invalid data: \(e)")
        throw ExitCode(65)
    } catch let e as FitError {
        Terminal.error("model fit failed: \(e)")
        throw ExitCode(70)
    } catch let e as OutputError {
        Terminal.error(e.description)
        throw ExitCode(74)
    } catch let e as SizeLimitError {
        Terminal.error("too large: \(e)")
        throw ExitCode(64)
    } catch let e as WarehouseError {
        switch e {
        case .unavailable: Terminal.error("unavailable: \(e)"); throw ExitCode(69)
        case .data: Terminal.error("invalid data: \(e)"); throw ExitCode(65)
        }
    }
}

enum Terminal {
    static var stdoutIsTTY: Bool { isatty(1) != 0 }
    static var stderrIsTTY: Bool { isatty(2) != 0 }
    static func error(_ s: String) { FileHandle.standardError.write(Data("error: \(s)\n".utf8)) }
    static func note(_ s: String) { FileHandle.standardError.write(Data("note: \(s)\n".utf8)) }
}

/// Hidden `--timings`: the wall time of each phase on stderr (benchmarks read it). Measured here,
/// around the calls; results never carry timings.
struct TimingOptions: ParsableArguments {
    @Flag(help: .hidden) var timings = false

    func clock() -> PhaseClock { PhaseClock(enabled: timings) }
}

/// Prints the wall time of each phase to stderr when enabled (`TimingOptions`).
final class PhaseClock {
    let enabled: Bool
    var last = DispatchTime.now().uptimeNanoseconds
    init(enabled: Bool) { self.enabled = enabled }
    func lap(_ phase: String) {
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        FileHandle.standardError.write(Data("timing: \(phase) \(Double(now - last) / 1e9) s\n".utf8))
        last = now
    }
}
