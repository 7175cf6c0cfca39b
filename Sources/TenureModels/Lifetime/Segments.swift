import Foundation
import TenureData
import TenureNumerics

/// A per-customer grouping for `--by COLUMN`.
public struct CustomerSegments: Sendable {
    public var column: String
    /// `codes[customer index]` into `levels`; −1 = missing.
    public var codes: [Int32]
    public var levels: [String]

    /// Resolves `column` for every customer with `CustomerAttribute` (its lookup order, level order,
    /// numeric rule and errors); a customer without a value has code −1 and is reported in `(missing)`.
    public init(dataset: Dataset, column: String) throws {
        let a = try CustomerAttribute(dataset, column: column)
        self.column = column; self.codes = a.codes; self.levels = a.levels
    }

    public init(column: String, codes: [Int32], levels: [String]) {
        self.column = column; self.codes = codes; self.levels = levels
    }
}

/// CLV and activity of one segment (or of all customers).
///
/// The `mean_clv_*`, `median_clv_*` and `total_clv_*` intervals are 95 % and describe
/// customer-to-customer sampling variation given the fitted models (not parameter uncertainty):
/// mean ± 1.96·sd/√n (normal interval for the mean; the total's is n times it); the median's is the
/// distribution-free order-statistic interval (ranks n/2 ∓ 1.96·√n/2, rounded outward).
/// `parameterInterval` carries the estimation uncertainty of the parameters instead
/// (`CLVParameterDraws`).
public struct SegmentSummary: Sendable, Codable, Equatable {
    public var segment: String
    public var customers: Int
    public var meanPAlive: Double
    public var expectedPurchases: Double
    public var meanExpectedPurchases: Double
    public var meanCLV: Double
    public var meanCLVLower: Double
    public var meanCLVUpper: Double
    public var medianCLV: Double
    public var medianCLVLower: Double
    public var medianCLVUpper: Double
    public var totalCLV: Double
    public var totalCLVLower: Double
    public var totalCLVUpper: Double
    /// Mean and total CLV over draws of the models' parameters (nil: not computed).
    public var parameterInterval: CLVParameterInterval?

    enum CodingKeys: String, CodingKey {
        case segment, customers
        case meanPAlive = "mean_p_alive", expectedPurchases = "expected_purchases"
        case meanExpectedPurchases = "mean_expected_purchases"
        case meanCLV = "mean_clv", meanCLVLower = "mean_clv_lower", meanCLVUpper = "mean_clv_upper"
        case medianCLV = "median_clv", medianCLVLower = "median_clv_lower", medianCLVUpper = "median_clv_upper"
        case totalCLV = "total_clv", totalCLVLower = "total_clv_lower", totalCLVUpper = "total_clv_upper"
        case parameterInterval = "parameter_uncertainty"
    }

    /// Summarises one group of customers (`clv` may be empty when no spend model was fitted: CLV fields NaN).
    public static func summarise(_ name: String, pAlive: [Double], expected: [Double], clv: [Double]) -> SegmentSummary {
        let n = pAlive.count
        let nd = Double(max(n, 1))
        var s = SegmentSummary(segment: name, customers: n, meanPAlive: pAlive.reduce(0, +) / nd,
                               expectedPurchases: expected.reduce(0, +), meanExpectedPurchases: expected.reduce(0, +) / nd,
                               meanCLV: .nan, meanCLVLower: .nan, meanCLVUpper: .nan, medianCLV: .nan,
                               medianCLVLower: .nan, medianCLVUpper: .nan, totalCLV: .nan, totalCLVLower: .nan, totalCLVUpper: .nan)
        guard !clv.isEmpty, n > 0 else { return s }
        let mean = clv.reduce(0, +) / nd
        var ss = 0.0
        for v in clv { ss += (v - mean) * (v - mean) }
        let sd = n > 1 ? (ss / Double(n - 1)).squareRoot() : .nan
        let half = 1.959963984540054 * sd / nd.squareRoot()
        s.meanCLV = mean; s.meanCLVLower = mean - half; s.meanCLVUpper = mean + half
        s.totalCLV = mean * nd; s.totalCLVLower = (mean - half) * nd; s.totalCLVUpper = (mean + half) * nd
        let z = 1.959963984540054 * nd.squareRoot() / 2
        let lo = Int((nd / 2 - z).rounded(.down)), hi = Int((nd / 2 + z).rounded(.up))
        let rLo = max(0, min(n - 1, lo - 1)), rHi = max(0, min(n - 1, hi - 1))
        // order statistics by selection (O(n)), the same values as sorting
        var work = clv
        let st = orderStatistics(&work, ranks: [rLo, n % 2 == 1 ? n / 2 : n / 2 - 1, n / 2, rHi])
        s.medianCLV = n % 2 == 1 ? st[1] : 0.5 * (st[1] + st[2])
        s.medianCLVLower = st[0]
        s.medianCLVUpper = st[3]
        return s
    }
}

/// The values of rank `ranks[i]` (0-based) of `x` as if sorted ascending, by repeated quickselect
/// (median-of-three pivots); `x` is reordered. Values must not be NaN.
func orderStatistics(_ x: inout [Double], ranks: [Int]) -> [Double] {
    let order = ranks.indices.sorted { ranks[$0] < ranks[$1] }
    var out = [Double](repeating: .nan, count: ranks.count)
    var from = 0
    x.withUnsafeMutableBufferPointer { a in
        for i in order {
            let k = ranks[i]
            var l = from, r = a.count - 1
            while r > l {
                let m = l + (r - l) / 2
                if a[m] < a[l] { a.swapAt(m, l) }
                if a[r] < a[l] { a.swapAt(r, l) }
                if a[r] < a[m] { a.swapAt(r, m) }
                let pivot = a[m]
                var lo = l, hi = r
                while lo <= hi {
                    while a[lo] < pivot { lo += 1 }
                    while a[hi] > pivot { hi -= 1 }
                    if lo <= hi { a.swapAt(lo, hi); lo += 1; hi -= 1 }
                }
                if k <= hi { r = hi } else if k >= lo { l = lo } else { break }
            }
            out[i] = a[k]
            from = k
        }
    }
    return out
}
