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

    /// `events` (per input row) lets the builder refuse a level with no events with a clear message
    /// (its coefficient would be −∞).
    public static func build(_ columns: [(name: String, column: AttributeColumn)], count n: Int,
                             events: [Bool]? = nil) throws -> CoxDesign {
        let model = "Cox model"
        guard !columns.isEmpty else { throw FitError(model: model, reason: "no covariates given") }
        for (name, col) in columns {
            let count: Int
            switch col { case .numeric(let v): count = v.count; case .categorical(let c): count = c.codes.count }
            guard count == n else { throw FitError(model: model, reason: "column '\(name)' has \(count) values for \(n) subjects") }
        }
        var keep = [Bool](repeating: true, count: n)
        var dropped = 0
        keep.withUnsafeMutableBufferPointer { kp in
            for (_, col) in columns {
                switch col {
                case .numeric(let v):
                    v.withUnsafeBufferPointer { vp in for i in 0..<n where !vp[i].isFinite && kp[i] { kp[i] = false; dropped += 1 } }
                case .categorical(let c):
                    c.codes.withUnsafeBufferPointer { cp in for i in 0..<n where cp[i] < 0 && kp[i] { kp[i] = false; dropped += 1 } }
                }
            }
        }
        let rows = dropped == 0 ? Array(0..<n) : (0..<n).filter { keep[$0] }
        let m = rows.count
        guard m > 0 else { throw FitError(model: model, reason: "no subject has a value in every covariate (\(columns.map { $0.name }.joined(separator: ", ")))") }
        var data: [Double] = []
        data.reserveCapacity(m * columns.reduce(0) { total, col in
            if case .categorical(let c) = col.column { return total + max(c.levels.count - 1, 0) } else { return total + 1 }
        })
        var names: [String] = []
        var refs: [String: String] = [:]
        for (name, col) in columns {
            switch col {
            case .numeric(let v):
                names.append(name)
                if m == n { data.append(contentsOf: v) } else { for i in rows { data.append(v[i]) } }
            case .categorical(let c):
                var counts = [Int](repeating: 0, count: c.levels.count)
                var evs = [Int](repeating: 0, count: c.levels.count)
                for i in rows { counts[Int(c.codes[i])] += 1; if events?[i] == true { evs[Int(c.codes[i])] += 1 } }
                let present = (0..<c.levels.count).filter { counts[$0] > 0 }.sorted { c.levels[$0] < c.levels[$1] }
                guard present.count >= 2 else {
                    throw FitError(model: model, reason: "covariate '\(name)' is constant (only level '\(present.first.map { c.levels[$0] } ?? "")' occurs); drop it")
                }
                var ref = present[0]
                for l in present where counts[l] > counts[ref] { ref = l }
                refs[name] = c.levels[ref]
                for l in present where l != ref {
                    if let events, evs[l] == 0 {
                        _ = events
                        throw FitError(model: model, reason: "level '\(c.levels[l])' of '\(name)' has no churn events, so its hazard ratio is 0 and cannot be estimated; merge it with another level or leave those customers out")
                    }
                    names.append("\(name)=\(c.levels[l])")
                    let code = Int32(l)
                    data.append(contentsOf: rows.lazy.map { c.codes[$0] == code ? 1.0 : 0.0 })
                }
            }
        }
        return CoxDesign(x: Matrix(rows: m, cols: names.count, data: data), names: names,
                         referenceLevels: refs, rows: rows, droppedRows: n - m)
    }
}
