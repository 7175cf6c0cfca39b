import FuzzSupport
import TenureArrow

/// One libFuzzer input: the bytes of one Arrow IPC stream (seeds: the pyarrow-written fixtures,
/// Tests/Fuzz/corpus/arrow), read as Spark Connect's `arrow_batch.data` would be:
/// - `ArrowStream.read` — a refusal must be an `ArrowError` with a description; a table must have a
///   column per field, each of the table's row count and of the kind its field's type reads into;
/// - the same with `requireEndMarker: true`, which must give the same table or a `.truncated` error;
/// - `ArrowStream.read(streams:)` of the input twice (appending, the schema check), which must give
///   twice the rows and batches (when twice the rows fits an Int);
/// - every decimal through `description`/`string(scale:)`, checked against `Int128`'s own formatting.
/// Anything else, a trap or a hang is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArrow(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(input(data, size))
    let table: ArrowTable
    do {
        table = try ArrowStream.read(bytes)
    } catch {
        let e = refusal(error)
        // a stream refused leniently is refused strictly too
        do { _ = try ArrowStream.read(bytes, requireEndMarker: true); fatalError("read strictly, refused leniently: \(e)") }
        catch { _ = refusal(error) }
        return 0
    }
    check(table)

    do {
        let strict = try ArrowStream.read(bytes, requireEndMarker: true)
        if strict.fields != table.fields || strict.rowCount != table.rowCount || strict.batchCount != table.batchCount {
            fatalError("requireEndMarker read another table")
        }
    } catch {
        let e = refusal(error)
        if e.kind != .truncated { fatalError("requireEndMarker refused with \(e.kind): \(e)") }
    }

    // (a batch without columns may claim any length: twice that may not fit an Int, and is refused)
    if table.rowCount <= Int.max / 2 {
        let twice: ArrowTable
        do { twice = try ArrowStream.read(streams: [Array(bytes), Array(bytes)]) }
        catch { fatalError("two copies of a readable stream refused: \(refusal(error))") }
        check(twice)
        if twice.rowCount != 2 * table.rowCount || twice.batchCount != 2 * table.batchCount || twice.fields != table.fields {
            fatalError("two copies of a stream read as \(twice.rowCount) rows, one as \(table.rowCount)")
        }
    }
    return 0
}

/// The error as an ArrowError (anything else is a finding), its description built.
func refusal(_ error: Error) -> ArrowError {
    guard let e = error as? ArrowError else { fatalError("threw \(type(of: error)), not an ArrowError: \(error)") }
    if e.description.isEmpty || e.message.isEmpty { fatalError("an error without a message") }
    return e
}

func check(_ table: ArrowTable) {
    guard table.columns.count == table.fields.count else { fatalError("\(table.fields.count) fields, \(table.columns.count) columns") }
    for (field, column) in zip(table.fields, table.columns) {
        guard column.count == table.rowCount else { fatalError("column \(field.name): \(column.count) of \(table.rowCount) rows") }
        guard column.nullCount <= column.count else { fatalError("column \(field.name): more nulls than rows") }
        switch (field.type, column) {
        case (.int, .int64), (.float32, .double), (.float64, .double), (.utf8, .text), (.largeUtf8, .text), (.bool, .bool),
             (.date32, .date32), (.date64, .date32):
            break
        case let (.timestamp(u1, z1), .timestamp(_, u2, z2)) where u1 == u2 && z1 == z2:
            break
        case let (.decimal128(p1, s1), .decimal128(values, p2, s2)) where p1 == p2 && s1 == s2:
            for case let v? in values {
                let text = v.description, scaled = v.string(scale: s2)
                if scaled.isEmpty || text.isEmpty { fatalError("empty decimal text") }
                if #available(macOS 15.0, *) {
                    if text != String(v.int128) { fatalError("decimal \(v.high) \(v.low): \(text), Int128 says \(v.int128)") }
                }
            }
        default:
            fatalError("column \(field.name) of type \(field.type) read as \(column)")
        }
    }
}

runFuzzer { data, size in fuzzArrow(data, size) }
