import Dispatch
import TenureNumerics

/// Stage 4: the chunks' outputs → one table. Order-id codes are assigned off the reading thread
/// while the customer ids are interned on every thread (`ByteInterner.internRows`) and the
/// chunk-local interners of the other text columns merge in chunk order (= first-appearance
/// order); codes are remapped and the chunks' rows closed up; the columns become arrays.
extension TableReader {
    /// `KeyCodes.assign` for every key column of `store`, run off the reading thread.
    struct KeyJob: @unchecked Sendable {
        let columns: [Int], store: Storage, rows: Int, base: UnsafePointer<UInt8>, counts: UnsafeMutablePointer<Int>
        func run() {
            for c in columns {
                counts[c] = KeyCodes.assign(hash: store.keyHash[c]!, ref: store.keyRef[c]!, rows: rows, bytes: base, codes: store.i32[c]!)
            }
        }
    }

    static func merge(_ ctx: Context, store: Storage, outputs: [ChunkOutput], rowBases: [Int],
                      customers: inout ByteInterner) -> TableColumns {
        let ncol = ctx.ncol
        // Order-id codes depend on no interner: close their gaps now and compute them on another
        // thread while the interners merge.
        let keyCounts = UnsafeMutablePointer<Int>.allocate(capacity: max(ncol, 1))
        keyCounts.initialize(repeating: 0, count: max(ncol, 1))
        defer { keyCounts.deallocate() }
        let keysDone = startKeyCodes(ctx, store: store, outputs: outputs, rowBases: rowBases, counts: keyCounts)
        var result = TableColumns(file: ctx.display)
        result.header = ctx.header
        result.present = (0 ..< ctx.spec.columns.count).map { ctx.fieldOf[$0] >= 0 }
        result.extraNames = ctx.extraNames
        result.chunks = outputs.count
        // A parallel read left the customer ids in the file: each chunk's go to their regions'
        // runs, then they are interned on every thread, straight into `customers`.
        let customerRows = outputs.count > 1 ? store.customerColumn : nil
        if let c = customerRows {
            let bits = store.regionBits, refs = store.customerRef!, parts = store.customerPart!
            // With no order ids (read from the file by `KeyJob`, meanwhile), only the ids read it now.
            let noKeys = store.keyHash.allSatisfy { $0 == nil }
            let runs = Parallel.map(outputs.count) { k in
                ByteInterner.RegionRuns(bits: bits, refs: refs + rowBases[k], parts: parts + rowBases[k], rows: outputs[k].rows,
                                        bytes: ctx.base, byteCount: ctx.bytes.count, releaseFile: noKeys)
            }
            store.freeCustomerRefs()
            // Nothing reads the file after this point unless some key must be compared there (a
            // customer id longer than 15 bytes, an order id): give its memory back.
            if !runs.contains(where: \.hasLong) && noKeys { ctx.bytes.discard() }
            customers.internRows(runs: runs, parts: parts, rowBases: rowBases, rows: outputs.map(\.rows), bytes: ctx.base, codes: store.i32[c]!)
        }
        store.freeCustomerParts()
        // Interning freed a lot in every thread's malloc arena (the runs, the regions' outgrown
        // tables and local arrays): give it back rather than keep it mapped for the analysis
        // (10M ids: 250 MB).
        #if os(Linux)
        if customerRows != nil { _ = mallocTrim(0) }
        #endif
        let (globalCats, maps) = mergeInterners(outputs, categoryCount: ctx.categoryCount, customers: &customers,
                                                mergeCustomers: customerRows == nil)
        let internedSinks = ctx.sinks.filter { $0.kind.isInterned && $0.column != customerRows }
        Parallel.forEach(outputs.count) { k in
            for s in internedSinks {
                guard let map = maps[k][s.kind == .customer ? 0 : s.interner + 1] else { continue }
                let p = store.i32[s.column]! + rowBases[k]
                map.withUnsafeBufferPointer { mp in
                    for r in 0 ..< outputs[k].rows {
                        let v = p[r]
                        if v >= 0 { p[r] = mp[Int(v)] }
                    }
                }
            }
        }
        var dest = 0
        for (k, out) in outputs.enumerated() {
            if rowBases[k] != dest {
                for c in 0 ..< ncol where store.keyHash[c] == nil {   // already in place
                    if let p = store.i32[c] { (p + dest).update(from: p + rowBases[k], count: out.rows) }
                    if let p = store.f64[c] { (p + dest).update(from: p + rowBases[k], count: out.rows) }
                }
            }
            dest += out.rows
            result.rejects += out.rejects
        }
        result.rows = dest
        keysDone.wait()
        result.keyCounts = (0 ..< ncol).map { keyCounts[$0] }
        store.freeKeys()
        (result.ints, result.doubles) = takeColumns(store, ncol: ncol, rows: dest)
        for c in 0 ..< ncol {
            if ctx.kinds[c] == .category, let s = ctx.sinks.first(where: { $0.column == c }) {
                result.levels.append(globalCats[s.interner].strings)
            } else {
                result.levels.append([])
            }
        }
        return result
    }

    /// Moves the key columns' rows of every chunk together and starts `KeyJob` on another thread;
    /// wait on the group before reading `counts` or the key columns.
    static func startKeyCodes(_ ctx: Context, store: Storage, outputs: [ChunkOutput], rowBases: [Int],
                              counts: UnsafeMutablePointer<Int>) -> DispatchGroup {
        let keysDone = DispatchGroup()
        let keyColumns = (0 ..< ctx.ncol).filter { store.keyHash[$0] != nil }
        guard !keyColumns.isEmpty else { return keysDone }
        for c in keyColumns {
            compact(store.keyHash[c]!, outputs: outputs, rowBases: rowBases)
            compact(store.keyRef[c]!, outputs: outputs, rowBases: rowBases)
        }
        let job = KeyJob(columns: keyColumns, store: store, rows: outputs.reduce(0) { $0 + $1.rows }, base: ctx.base, counts: counts)
        DispatchQueue.global().async(group: keysDone) { job.run() }
        return keysDone
    }

    /// Moves every chunk's rows of a column to follow the previous chunk's.
    static func compact<T>(_ p: UnsafeMutablePointer<T>, outputs: [ChunkOutput], rowBases: [Int]) {
        var at = 0
        for (k, out) in outputs.enumerated() {
            if rowBases[k] != at { (p + at).update(from: p + rowBases[k], count: out.rows) }
            at += out.rows
        }
    }

    /// The chunks' interners merged in chunk order into `customers` (unless `mergeCustomers` is
    /// false: the ids were interned by `internRows`) and one global interner per
    /// category column; per chunk and interner (0 = customers, 1 + k = category k) the map from
    /// the chunk's codes to the global ones, nil for identity (the chunk's own table became the
    /// global one because nothing was interned before it).
    static func mergeInterners(_ outputs: [ChunkOutput], categoryCount: Int,
                               customers: inout ByteInterner, mergeCustomers: Bool) -> (categories: [ByteInterner], maps: [[[Int32]?]]) {
        let internerCount = 1 + categoryCount
        var globals = [customers] + [ByteInterner](repeating: ByteInterner(), count: categoryCount)
        customers = ByteInterner()
        var mapSlots = [[Int32]?](repeating: nil, count: outputs.count * internerCount)
        // One interner after the other: run concurrently, the rehash transients of the big tables
        // (order ids, customers) overlapped and raised peak memory by ~25 % for no measurable gain
        // on 2 cores.
        for j in (mergeCustomers ? 0 : 1) ..< internerCount {
            for (k, out) in outputs.enumerated() {
                let src = j == 0 ? out.customers : out.categories[j - 1]
                // Drop the chunk's reference first: a table taken over as the global one must be
                // uniquely referenced, or the next merge into it copies it whole.
                if j == 0 { out.customers = ByteInterner() } else { out.categories[j - 1] = ByteInterner() }
                if globals[j].count == 0 { globals[j] = src } else { mapSlots[k * internerCount + j] = globals[j].merge(src) }
            }
        }
        for out in outputs { out.customers = ByteInterner(); out.categories = [] }
        customers = globals[0]
        globals[0] = ByteInterner()   // `customers` must stay uniquely referenced (the caller goes on interning)
        let maps = (0 ..< outputs.count).map { k in Array(mapSlots[(k * internerCount) ..< ((k + 1) * internerCount)]) }
        return (Array(globals.dropFirst()), maps)
    }

    /// The storage's first `rows` rows of every column as arrays, two columns at a time; the
    /// buffers are freed as they are copied.
    static func takeColumns(_ store: Storage, ncol: Int, rows: Int) -> (ints: [[Int32]], doubles: [[Double]]) {
        var ints = [[Int32]](repeating: [], count: ncol), doubles = [[Double]](repeating: [], count: ncol)
        ints.withUnsafeMutableBufferPointer { ip in
            doubles.withUnsafeMutableBufferPointer { dp in
                let ip = ip, dp = dp
                Parallel.forEach(ncol) { c in
                    if let p = store.i32[c] { ip[c] = Array(UnsafeBufferPointer(start: p, count: rows)); p.deallocate() }
                    if let p = store.f64[c] { dp[c] = Array(UnsafeBufferPointer(start: p, count: rows)); p.deallocate() }
                }
            }
        }
        store.i32 = store.i32.map { _ in nil }; store.f64 = store.f64.map { _ in nil }
        return (ints, doubles)
    }

    /// Keeps the first row of every value of `column`; later ones are errors (or rejects).
    static func removeDuplicates(_ t: inout TableColumns, column u: Int, name: String, lines: UnsafeBufferPointer<Int32>,
                                 onInvalid: LoadOptions.OnInvalid, spec: TableSpec, customers: ByteInterner) throws {
        let codes = t.ints[u]
        let keyCount = (codes.max() ?? -1) + 1
        guard keyCount > 0 else { return }
        var firstRow = [Int32](repeating: -1, count: Int(keyCount))
        var drop: [Int] = []
        let isCustomer = spec.columns[u].kind == .customer
        let levels = t.levels[u]
        func keyName(_ code: Int32) -> String { isCustomer ? customers.string(Int(code)) : levels[Int(code)] }
        for (r, c) in codes.enumerated() where c >= 0 {
            if firstRow[Int(c)] < 0 { firstRow[Int(c)] = Int32(r); continue }
            let e = DataError(.duplicateKey, file: t.file, line: Int(lines[r]), column: name, value: keyName(c),
                              expected: "each \(name) once (first seen on line \(lines[Int(firstRow[Int(c)])]))",
                              hint: "remove or merge the repeated row")
            if onInvalid == .fail { throw e }
            t.rejects.append(RejectedRow(error: e, record: ""))
            drop.append(r)
        }
        guard !drop.isEmpty else { return }
        var keep = [Bool](repeating: true, count: t.rows)
        for r in drop { keep[r] = false }
        for c in 0 ..< t.ints.count where !t.ints[c].isEmpty {
            t.ints[c] = t.ints[c].indices.compactMap { keep[$0] ? t.ints[c][$0] : nil }
        }
        for c in 0 ..< t.doubles.count where !t.doubles[c].isEmpty {
            t.doubles[c] = t.doubles[c].indices.compactMap { keep[$0] ? t.doubles[c][$0] : nil }
        }
        t.rows -= drop.count
        t.rejects.sort { $0.error.line < $1.error.line }
    }
}

#if os(Linux)
/// glibc's `malloc_trim`: returns the free memory of every malloc arena to the system.
@_silgen_name("malloc_trim") func mallocTrim(_ pad: Int) -> Int32
#endif
