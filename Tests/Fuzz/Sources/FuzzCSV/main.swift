import Foundation
import FuzzSupport
import TenureData

/// One libFuzzer input: one CSV file, read as the table of SPEC §1 with the most required
/// columns that its first line names all of (transactions when none fits), so seeds are plain CSV
/// files and a mutated header moves an input to another table. Each input goes through:
/// - `DatasetValidator.validate(table:)` — the reading with bad rows set aside (`--on-invalid skip`)
///   and the checks of `tenure validate`;
/// - `TableReader.read` under `.fail` (the first bad row throws) — for transactions,
///   `DatasetLoader.loadTransactions`, which also assembles the `Dataset`;
/// - for one input in four, the parallel reader (chunks on 2–4 threads; customer ids interned in
///   the chunks or afterwards on every thread, by one bit of the input) whose result must be
///   identical to the single-threaded one (TableReader's contract).
/// A refusal must be a `DataError`; anything else, a trap or a hang is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(input(data, size))
    let spec = table(for: bytes)
    _ = DatasetValidator.validate(table: spec, csv: bytes, name: spec.file, options: LoadOptions(threads: 1))

    let options = LoadOptions(onInvalid: .fail, threads: 1)
    do {
        if spec.table == "transactions" {
            _ = try DatasetLoader.loadTransactions(csv: bytes, options: options)
        } else {
            var interner = ByteInterner(capacity: 64)
            _ = try TableReader.read(spec, bytes: CSVBytes(bytes: bytes), display: spec.file, schema: options.schema,
                                     customers: &interner, onInvalid: .fail, threads: 1)
        }
    } catch is DataError {} catch {
        fatalError("the reader threw \(type(of: error)) instead of a DataError: \(error)")
    }

    if size > 0 && bytes[size - 1] & 3 == 0 {
        let threads = 2 + Int(bytes[size - 1] >> 2) % 3
        let serial = read(spec, bytes, threads: 1, threshold: 1 << 20)
        let parallel = read(spec, bytes, threads: threads, threshold: 1)
        if serial != parallel {
            fatalError("\(threads) threads read this input differently from one:\n\(serial)\n---\n\(parallel)")
        }
    }
    return 0
}

/// The table with the most required columns, all named by the first line (else transactions).
func table(for bytes: [UInt8]) -> TableSpec {
    let end = bytes.firstIndex(of: 10) ?? bytes.count
    let header = Set(String(decoding: bytes[..<end], as: UTF8.self).split(separator: ",")
        .map { $0.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() })
    var best = Tables.transactions, most = 0
    for spec in Tables.all {
        let required = spec.columns.filter(\.required)
        if required.count > most,
           required.allSatisfy({ c in ([c.name] + c.aliases).contains { header.contains($0) } }) {
            best = spec; most = required.count
        }
    }
    return best
}

/// Everything a read produces, as one comparable value (NaN-safe: doubles by their bits).
struct Outcome: Equatable, CustomStringConvertible {
    var error: String?
    var rows = 0, header: [String] = [], ints: [[Int32]] = [], doubles: [[UInt64]] = []
    var levels: [[String]] = [], keyCounts: [Int] = [], extraNames: [String] = [], rejects: [String] = []
    var customers: [String] = []
    var description: String {
        error ?? "rows \(rows) header \(header) ints \(ints) doubles \(doubles) levels \(levels) keys \(keyCounts) "
            + "extras \(extraNames) rejects \(rejects) customers \(customers)"
    }
}

func read(_ spec: TableSpec, _ bytes: [UInt8], threads: Int, threshold: Int) -> Outcome {
    let saved = TableReader.parallelThreshold
    TableReader.parallelThreshold = threshold
    defer { TableReader.parallelThreshold = saved }
    var interner = ByteInterner(capacity: 64)
    do {
        let t = try TableReader.read(spec, bytes: CSVBytes(bytes: bytes), display: spec.file, schema: Schema(),
                                     customers: &interner, onInvalid: .skip, threads: threads)
        return Outcome(rows: t.rows, header: t.header, ints: t.ints, doubles: t.doubles.map { $0.map(\.bitPattern) },
                       levels: t.levels, keyCounts: t.keyCounts, extraNames: t.extraNames,
                       rejects: t.rejects.map { "\($0.error) \($0.record)" },
                       customers: (0 ..< interner.count).map { interner.string($0) })
    } catch {
        return Outcome(error: "\(error)")
    }
}

runFuzzer { data, size in fuzzCSV(data, size) }
