import ArgumentParser
import Foundation
import TenureData
import TenureReport

/// `tenure import`: raw exports → a clean tenure dataset, once.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn raw CRM exports into a clean tenure dataset with a mapping file or presets.",
        usage: "tenure import <src> --schema <mapping.yaml | preset:NAME[,NAME…]> --out <dir> [<options>]",
        discussion: """
        Reads the exports in SRC as the mapping describes them (files or globs, filters, date and
        number formats, expressions, currencies, refunds; see `tenure help schema`), checks the
        result as every analysis would, and writes the canonical tables (transactions.csv, …) into
        --out. Tables the mapping does not describe are copied from SRC when their canonical file is
        there. It prints, per export file, the rows read, the rows each `where:` condition removed,
        and the rows written. --out is replaced as a whole, and only once everything is written;
        on any error nothing changes there.

        Every analysis also takes the mapping directly (`tenure report SRC --schema crm.yaml`);
        importing once saves the transformation on every later run.

        Examples:
          tenure import exports/ --schema preset:shopify-orders,stripe-subscriptions --out data/
          tenure import exports/ --schema crm.yaml --out data/ --on-invalid skip
          tenure validate exports/ --schema crm.yaml
        """
    )

    @OptionGroup var data: DataOptions

    @Option(help: "The dataset directory to write (replaced as a whole).")
    var out: String

    func run() throws {
        try reportingErrors {
            let options = try data.loadOptions()
            guard let mapping = options.schema.sources else {
                throw ValidationError("--schema describes no export (no `columns:`, `file:` or `preset:`): there is nothing to import; "
                                      + "analyses read the renames directly. See `tenure help schema`.")
            }
            let imported = try SourceImporter.run(directory: data.data, mapping: mapping, onInvalid: options.onInvalid)
            // Read back as every analysis would: all of SPEC §1's checks, errors at the export's lines.
            let loaded = try DatasetLoader.load(directory: data.data, imported: imported, options: options)
            var files: [(String, [UInt8])] = []
            for spec in Tables.all {
                if let t = imported.tables[spec.table] {
                    files.append((spec.file, t.csv))
                } else if options.schema.tables[spec.table] == nil,
                          let bytes = FileManager.default.contents(atPath: DatasetLoader.path(data.data, spec.file)) {
                    files.append((spec.file, [UInt8](bytes)))
                }
            }
            if !loaded.rejects.isEmpty { files.append(("rejects.csv", Array(RejectsFile.render(loaded.rejects).utf8))) }
            try Self.replaceDirectory(out, with: files)
            try StandardOutput.write(Self.summary(imported, loaded: loaded, out: out))
        }
    }

    static func summary(_ imported: ImportedTables, loaded: DatasetLoader.Loaded, out: String) -> String {
        let n: (Int) -> String = Thousands.group
        var s = ImportedTables.describe(imported.files).map { $0 + "\n" }.joined()
        s += "wrote \(out): \(n(loaded.dataset.customers.count)) customers"
        if loaded.dataset.hasTransactions { s += ", \(n(loaded.dataset.transactions.count)) transactions" }
        s += "\n"
        if !loaded.rejects.isEmpty {
            s += "\(n(loaded.rejects.count)) rejected row(s) in \(out)/rejects.csv:\n"
            s += ProblemGroups.render(loaded.rejects.map(\.error))
        }
        return s
    }

    /// Writes `files` into a new directory beside `target` and swaps it into place.
    static func replaceDirectory(_ target: String, with files: [(String, [UInt8])]) throws {
        var target = target
        while target.count > 1 && target.hasSuffix("/") { target.removeLast() }
        let parent = (target as NSString).deletingLastPathComponent.isEmpty ? "." : (target as NSString).deletingLastPathComponent
        let name = (target as NSString).lastPathComponent
        try AtomicFile.makeDirectories(parent)
        var isDir: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: target, isDirectory: &isDir)
        if exists && !isDir.boolValue { throw OutputError(path: target, reason: "it exists and is not a directory") }
        ReportWriter.removeAbandoned(parent: parent, name: name)
        let staging = try ReportWriter.makeStaging(parent: parent, name: name)
        defer { try? FileManager.default.removeItem(atPath: staging) }
        for (rel, bytes) in files { try AtomicFile.write(Data(bytes), to: staging + "/" + rel) }
        if exists { try ReportWriter.exchange(staging, target) } else {
            guard rename(staging, target) == 0 else { throw OutputError(path: target, code: errno) }
        }
    }
}
