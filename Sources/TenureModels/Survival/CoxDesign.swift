import Dispatch
import TenureData
import TenureNumerics

/// The Cox design matrix built from named columns (`customers.csv` attributes, segment, channel…).
///
/// Contract: numeric columns enter as they are; a text column with L levels becomes L − 1 dummy
/// (0/1) columns named `column=level`, one per level other than the **reference level**, which is
/// the most frequent level among the rows used (ties: the first in byte order). Dummies follow the
/// remaining levels in byte order — R's `relevel(factor(x), ref)` coding. Rows with a missing value
/// in any covariate are left out (R's `na.omit`) and counted in `droppedRows`.
public struct CoxDesign: Sendable {
    public var x: Matrix
    public var names: [String]
    /// Reference level of each text covariate, keyed by column name.
    public var referenceLevels: [String: String]
    /// Subject indices (rows of the input) kept, ascending.
    public var rows: [Int]
    public var droppedRows: Int

    /// One design column: a numeric column as it is, or the dummy of one level of a text column.
    private enum Output { case numeric(Int), dummy(Int, code: Int32) }

    /// `events` (per subject) lets the builder refuse a level with no events with a clear message
    /// (its coefficient would be −∞). With `subjects`, subject i's value in a column is the column's
    /// entry `subjects[i]` (columns indexed by customer, say), read straight into the design;
    /// without it, entry i. Columns are filled on every core.
    public static func build(_ columns: [(name: String, column: AttributeColumn)], count n: Int,
                             events: [Bool]? = nil, subjects: [Int32]? = nil) throws -> CoxDesign {
        let model = "Cox model"
        guard !columns.isEmpty else { throw FitError(model: model, reason: "no covariates given") }
        if let subjects {
            guard subjects.count == n else { throw FitError(model: model, reason: "\(subjects.count) subject indices for \(n) subjects") }
            guard (subjects.min() ?? 0) >= 0 else { throw FitError(model: model, reason: "a subject index is negative") }
        }
        let need = subjects.map { Int($0.max() ?? -1) + 1 } ?? n
        for (name, col) in columns {
            let count = col.count
            guard subjects == nil ? count == n : count >= need else {
                throw FitError(model: model, reason: "column '\(name)' has \(count) values for \(subjects == nil ? n : need) subjects")
            }
        }
        // subjects 0, 1, 2, … read each column's first n entries as they are
        let subjects = subjects.flatMap { s in s.withUnsafeBufferPointer { sp in (0..<n).allSatisfy { sp[$0] == Int32($0) } } ? nil : s }
        // rows with a value in every column (a mask only when some value is missing)
        var missing = [Bool](repeating: false, count: columns.count)
        missing.withUnsafeMutableBufferPointer { mp in
            let mp = mp
            Parallel.forEach(columns.count) { j in
                mp[j] = columns[j].column.hasMissing(at: subjects, count: n)
            }
        }
        var rows: [Int]
        if missing.contains(true) {
            var keep = [Bool](repeating: true, count: n)
            for (j, (_, col)) in columns.enumerated() where missing[j] { col.clearMissing(&keep, at: subjects) }
            rows = (0..<n).filter { keep[$0] }
        } else {
            rows = Array(0..<n)
        }
        let m = rows.count
        guard m > 0 else { throw FitError(model: model, reason: "no subject has a value in every covariate (\(columns.map { $0.name }.joined(separator: ", ")))") }
        // the design's columns: numeric columns as they are, text columns as dummies
        var outputs: [Output] = []
        var names: [String] = []
        var refs: [String: String] = [:]
        for (k, (name, col)) in columns.enumerated() {
            switch col {
            case .numeric:
                names.append(name); outputs.append(.numeric(k))
            case .categorical(let c):
                var counts = [Int](repeating: 0, count: c.levels.count)
                var evs = [Int](repeating: 0, count: c.levels.count)
                for i in rows {
                    let code = Int(c.codes[subjects.map { Int($0[i]) } ?? i])
                    counts[code] += 1
                    if events?[i] == true { evs[code] += 1 }
                }
                let (ref, dummies) = try dummyLevels(name, levels: c.levels, counts: counts, events: events == nil ? nil : evs)
                refs[name] = c.levels[ref]
                for l in dummies { names.append("\(name)=\(c.levels[l])"); outputs.append(.dummy(k, code: Int32(l))) }
            }
        }
        let p = outputs.count
        let data = [Double](unsafeUninitializedCapacity: m * p) { buffer, count in
            let out = buffer.baseAddress!
            rows.withUnsafeBufferPointer { rp in
                let rp = rp
                Parallel.forEach(p) { j in
                    let dst = out + j * m
                    switch outputs[j] {
                    case .numeric(let k):
                        guard case .numeric(let v) = columns[k].column else { return }
                        v.withUnsafeBufferPointer { vp in
                            if let subjects {
                                subjects.withUnsafeBufferPointer { sp in for r in 0..<m { dst[r] = vp[Int(sp[rp[r]])] } }
                            } else if m == n {
                                dst.update(from: vp.baseAddress!, count: m)
                            } else {
                                for r in 0..<m { dst[r] = vp[rp[r]] }
                            }
                        }
                    case .dummy(let k, let code):
                        guard case .categorical(let c) = columns[k].column else { return }
                        c.codes.withUnsafeBufferPointer { cp in
                            if let subjects {
                                subjects.withUnsafeBufferPointer { sp in for r in 0..<m { dst[r] = cp[Int(sp[rp[r]])] == code ? 1 : 0 } }
                            } else {
                                for r in 0..<m { dst[r] = cp[rp[r]] == code ? 1 : 0 }
                            }
                        }
                    }
                }
            }
            count = m * p
        }
        return CoxDesign(x: Matrix(rows: m, cols: p, data: data), names: names,
                         referenceLevels: refs, rows: rows, droppedRows: n - m)
    }
}

extension CoxDesign {
    /// A text covariate's coding from its levels' subject counts (and event counts): the reference
    /// level is the most frequent (ties: the first in byte order), the dummies are the other levels
    /// that occur, in byte order. Refuses a covariate with one level, and (with `events`) a dummy
    /// level without events (its coefficient would be −∞).
    public static func dummyLevels(_ name: String, levels: [String], counts: [Int], events: [Int]?) throws -> (reference: Int, dummies: [Int]) {
        let model = "Cox model"
        let present = (0..<levels.count).filter { counts[$0] > 0 }.sorted { levels[$0] < levels[$1] }
        guard present.count >= 2 else {
            throw FitError(model: model, reason: "covariate '\(name)' is constant (only level '\(present.first.map { levels[$0] } ?? "")' occurs); drop it")
        }
        var ref = present[0]
        for l in present where counts[l] > counts[ref] { ref = l }
        let dummies = present.filter { $0 != ref }
        if let events, let l = dummies.first(where: { events[$0] == 0 }) {
            throw FitError(model: model, reason: "level '\(levels[l])' of '\(name)' has no churn events, so its hazard ratio is 0 and cannot be estimated; merge it with another level or leave those customers out")
        }
        return (ref, dummies)
    }
}

extension AttributeColumn {
    /// Number of entries.
    var count: Int {
        switch self { case .numeric(let v): return v.count; case .categorical(let c): return c.codes.count }
    }

    /// Whether entry `subjects[i]` (or i) is missing (non-finite number, no level) for some i < n.
    func hasMissing(at subjects: [Int32]?, count n: Int) -> Bool {
        switch self {
        case .numeric(let v):
            return v.withUnsafeBufferPointer { vp in
                if let subjects { return subjects.contains { !vp[Int($0)].isFinite } }
                return vp.prefix(n).contains { !$0.isFinite }
            }
        case .categorical(let c):
            return c.codes.withUnsafeBufferPointer { cp in
                if let subjects { return subjects.contains { cp[Int($0)] < 0 } }
                return cp.prefix(n).contains { $0 < 0 }
            }
        }
    }

    /// Sets `keep[i] = false` where entry `subjects[i]` (or i) is missing.
    func clearMissing(_ keep: inout [Bool], at subjects: [Int32]?) {
        for i in keep.indices {
            let e = subjects.map { Int($0[i]) } ?? i
            switch self {
            case .numeric(let v): if !v[e].isFinite { keep[i] = false }
            case .categorical(let c): if c.codes[e] < 0 { keep[i] = false }
            }
        }
    }
}
