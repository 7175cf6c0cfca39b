import Foundation
import TenureNumerics

/// The CSV reader: RFC 4180, UTF-8 validated, typed columns built straight from the bytes,
/// both cores on large files.
///
/// Contract: the result is identical (values, interning order, rejects) whatever `threads` is.
/// Large inputs are split into one chunk per thread at record boundaries (line feeds outside quoted
/// fields, found from the parity of the quotes counted in the first pass, so multi-line quoted
/// fields stay parallel); every chunk is parsed in parallel into its slice of preallocated columns.
/// Text columns are interned per chunk and the chunks' tables merged in chunk order, which gives
/// first-appearance order. Customer ids are left where they lie in the file, with the top bits of
/// their hash, and interned afterwards by every thread into the one customer table, region by
/// region of the hash, with the same indices (`ByteInterner.internRows`). A chunk that hits
/// anything unusual (any bad value, unpaired quotes) makes the table be re-read in one
/// single-threaded pass, which is the one that reports problems with exact line numbers.
///
/// The stages, one file each (the layout of DuckDB's CSV reader):
/// - `TableReader+Header.swift`: the header line → the column layout (`Context`), extra columns sniffed;
/// - `TableReader+Split.swift`: lines and quotes counted (as the file was read) → chunks cut at record boundaries;
/// - `TableReader+Parse.swift`: each chunk's records → typed values in preallocated storage (`parseChunk`);
/// - `TableReader+Merge.swift`: customer ids interned (`ByteInterner+Rows.swift`), chunk-local
///   interners merged in chunk order, codes remapped, rows compacted into arrays, duplicate keys removed;
/// - `TableReader+Errors.swift`: the `DataError`s with line, column, value and a hint.
public enum TableReader {
    /// Largest magnitude of a number (1e15: sums of a billion of them stay finite and exact to the
    /// cent up to 1e13); beyond, a value is a bad value, never an `inf` in a total.
    public static let maxMagnitude = 1e15

    /// Inputs at least this large are parsed in parallel.
    public static var parallelThreshold = 1 << 20

    enum Mode { case parallel, fail, skip }

    public static func read(_ spec: TableSpec, path: String, display: String, schema: Schema,
                            customers: inout ByteInterner, onInvalid: LoadOptions.OnInvalid, threads: Int,
                            dates: ClosedRange<Day> = PlausibleDates.range()) throws -> TableColumns {
        let bytes = try CSVBytes(path: path, displayName: display)
        return try read(spec, bytes: bytes, display: display, schema: schema, customers: &customers,
                        onInvalid: onInvalid, threads: threads, dates: dates)
    }

    /// `textFields`: header positions of extra columns read as text even when they look numeric
    /// (set on the re-read after a value of a column sniffed as numeric turned out not to be).
    public static func read(_ spec: TableSpec, bytes: CSVBytes, display: String, schema: Schema,
                            customers: inout ByteInterner, onInvalid: LoadOptions.OnInvalid, threads: Int,
                            dates: ClosedRange<Day> = PlausibleDates.range(), textFields: Set<Int> = []) throws -> TableColumns {
        let ctx = try readHeader(spec, bytes: bytes, display: display, schema: schema, dates: dates, textFields: textFields)
        let split = Split(ctx, threads: spec.uniqueColumn == nil ? threads : 1)
        // Storage: preallocated to the line count (an upper bound on records).
        let store = Storage(ncol: ctx.ncol, kinds: ctx.kinds, present: (0 ..< ctx.ncol).map { ctx.fieldOf[$0] >= 0 },
                            capacity: split.totalLines + 2 * split.chunks)
        if split.chunks > 1 {
            store.internCustomersAfterwards(ctx.kinds, bits: max(customers.regionBits, ByteInterner.rowRegionBits(rows: split.totalLines)))
        }
        if spec.uniqueColumn != nil { store.lines = .allocate(capacity: split.totalLines + 2) }
        defer { store.free() }

        let parsed = parse(ctx, store: store, split: split, onInvalid: onInvalid)
        if !parsed.notNumeric.isEmpty {
            store.free()
            return try read(spec, bytes: bytes, display: display, schema: schema, customers: &customers, onInvalid: onInvalid,
                            threads: threads, dates: dates, textFields: textFields.union(parsed.notNumeric.map { ctx.fieldOf[$0] }))
        }
        if let e = parsed.error { throw e }
        var result = merge(ctx, store: store, outputs: parsed.outputs, rowBases: parsed.rowBases, customers: &customers)
        if let u = spec.uniqueColumn, result.has(u), let lines = store.lines {
            try removeDuplicates(&result, column: u, name: ctx.names[u], lines: UnsafeBufferPointer(start: lines, count: result.rows),
                                 onInvalid: onInvalid, spec: spec, customers: customers)
        }
        return result
    }

    /// The chunks parsed, or why they were not: a column sniffed as numeric that is not (read the
    /// table again with it as text) or the first problem of a failing single-threaded pass.
    struct Parsed {
        var outputs: [ChunkOutput] = []
        var rowBases: [Int] = []
        var notNumeric: [Int] = []
        var error: DataError?
    }

    /// The chunks in parallel when the input was split; should any of them meet anything unusual,
    /// the whole input in one single-threaded pass (exact line numbers, every problem reported).
    static func parse(_ ctx: Context, store: Storage, split: Split, onInvalid: LoadOptions.OnInvalid) -> Parsed {
        if split.chunks > 1 {
            let all = Parallel.map(split.chunks) { k in
                parseChunk(ctx, store: store, range: split.ranges[k], line: 0, rowBase: split.rowBases[k],
                           capacity: split.lines[k] + 2, mode: .parallel, validateUTF8: split.anyNonASCII)
            }
            let notNumeric = Set(all.flatMap(\.notNumeric))
            if !notNumeric.isEmpty { return Parsed(notNumeric: Array(notNumeric)) }
            if all.allSatisfy({ $0.ok }) && zip(all, split.ranges).allSatisfy({ $0.endPos == $1.upperBound }) {
                return Parsed(outputs: all, rowBases: split.rowBases)
            }
        }
        let out = parseChunk(ctx, store: store, range: ctx.dataStart ..< ctx.bytes.count, line: ctx.dataLine, rowBase: 0,
                             capacity: split.totalLines + 1, mode: onInvalid == .skip ? .skip : .fail,
                             validateUTF8: split.anyNonASCII)
        return Parsed(outputs: [out], rowBases: [0], notNumeric: out.notNumeric, error: out.error)
    }
}
