import TenureData

// The clock of the BTYD models is `TimeUnit` (TenureData): transactions are grouped into its
// calendar periods (ISO weeks Monday to Sunday, as pandas' `W`/`W-SUN` periods that lifetimes uses;
// calendar months and years, durations being whole periods between period starts; lifetimes 0.11.3
// cannot summarise by month with pandas 2, its older behaviour divided days by 30.44), and recency,
// T and forecast horizons are counted in it. On the continuous scale (`RFMOptions.continuous`, the
// BTYD papers' and R BTYD's clock) purchases are grouped by day and recency, T and horizons are
// days / the unit's length in days (weeks = days / 7), as lifetimes with `freq="D",
// freq_multiplier=7`.

/// What to summarise: the clock, where calibration ends and where observation ends.
public struct RFMOptions: Sendable, Codable, Equatable {
    public var timeUnit: TimeUnit
    /// Last day (inclusive) of the calibration period; nil = no holdout (calibrate on everything).
    public var calibrationEnd: Day?
    /// Last day (inclusive) observed; nil = the dataset's `asOf`. Later transactions are ignored.
    public var observationEnd: Day?
    /// Continuous time: periods are days, durations days / `timeUnit.days` (not calendar periods).
    public var continuous: Bool
    public init(timeUnit: TimeUnit = .week, calibrationEnd: Day? = nil, observationEnd: Day? = nil, continuous: Bool = false) {
        self.timeUnit = timeUnit; self.calibrationEnd = calibrationEnd; self.observationEnd = observationEnd
        self.continuous = continuous
    }

    /// The periods purchases are grouped by (frequency counts distinct ones): days on the continuous scale.
    public var periodUnit: TimeUnit { continuous ? .day : timeUnit }
    /// Model time units per period: 1, or 1 / the unit's days on the continuous scale.
    public var periodLength: Double { continuous ? 1 / timeUnit.days : 1 }
    /// "calendar" or "continuous".
    public var timeScale: String { continuous ? "continuous" : "calendar" }
}

/// Per-customer recency / frequency / monetary summary with an optional holdout, following the
/// conventions of lifetimes' `summary_data_from_transaction_data` and `calibration_and_holdout_data`:
///
/// - transactions are bucketed into periods of `timeUnit` (days on the continuous scale, durations
///   then × `periodLength`); amounts in the same period are summed;
/// - `frequency` = number of distinct periods with a purchase, minus one (repeat purchase periods);
/// - `recency` = last purchase period − first purchase period (0 when frequency is 0);
/// - `T` = period of the calibration end − first purchase period (the customer's age);
/// - `monetaryValue` = mean of the per-period sums of the repeat periods (the first period is
///   excluded; 0 when frequency is 0);
/// - holdout (transactions after `calibrationEnd`, up to `observationEnd`): `frequencyHoldout` =
///   distinct periods with a purchase, `monetaryValueHoldout` = mean transaction amount (0 when
///   none), `valueHoldout` = total amount, `durationHoldout` = period(observationEnd) −
///   period(calibrationEnd).
///
/// Rows are the customers with at least one transaction up to `calibrationEnd`, in customer-index
/// order; `customer[i]` indexes `Dataset.customers`. Customers first seen in the holdout are
/// counted in `customersFirstSeenInHoldout` and left out (they have no calibration history).
public struct RFMSummary: Sendable {
    public var options: RFMOptions
    public var timeUnit: TimeUnit { options.timeUnit }
    public var calibrationEnd: Day
    public var observationEnd: Day
    public var hasHoldout: Bool
    public var customer: [Int32] = []
    public var frequency: [Int32] = []
    public var recency: [Double] = []
    public var T: [Double] = []
    public var monetaryValue: [Double] = []
    /// Total calibration spend, first purchase included.
    public var totalValue: [Double] = []
    public var firstDay: [Day] = []
    public var frequencyHoldout: [Int32] = []
    public var monetaryValueHoldout: [Double] = []
    public var valueHoldout: [Double] = []
    public var durationHoldout: Double = 0
    public var customersFirstSeenInHoldout = 0
    /// Period index of `calibrationEnd` and of `observationEnd`.
    public var calibrationEndPeriod: Int32 = 0
    public var observationEndPeriod: Int32 = 0
    /// First period with a purchase by any summarised customer.
    public var firstPeriod: Int32 = 0
    /// Repeat purchase periods (a customer's first period excluded) by period, from `firstPeriod`
    /// to `observationEndPeriod`: the "actual" line of the cumulative tracking plot.
    public var repeatPurchasesByPeriod: [Double] = []
    /// Customers making their first purchase in each period from `firstPeriod` (calibration only).
    public var newCustomersByPeriod: [Double] = []

    public var count: Int { customer.count }

    public init(options: RFMOptions, calibrationEnd: Day, observationEnd: Day, hasHoldout: Bool) {
        self.options = options; self.calibrationEnd = calibrationEnd; self.observationEnd = observationEnd
        self.hasHoldout = hasHoldout
    }

    /// Builds the summary from raw columns (one pass to bucket rows by customer, one over customers).
    /// `customers` is the number of distinct customer indices (ids are `0..<customers`).
    /// Throws `DataError` when `calibrationEnd` is after `observationEnd` or no customer purchased
    /// in the calibration period.
    public static func build(customer cust: [Int32], day: [Day], amount: [Double], customers: Int,
                             options: RFMOptions, asOf: Day, source: String = "transactions.csv") throws -> RFMSummary {
        let obsEnd = options.observationEnd ?? asOf
        let calEnd = options.calibrationEnd ?? obsEnd
        guard calEnd <= obsEnd else {
            throw DataError(.other, file: source, column: "--calibration-end", value: Civil.iso(calEnd),
                            expected: "a date on or before the end of observation \(Civil.iso(obsEnd))")
        }
        let unit = options.periodUnit, len = options.periodLength
        var s = RFMSummary(options: options, calibrationEnd: calEnd, observationEnd: obsEnd,
                           hasHoldout: options.calibrationEnd != nil && calEnd < obsEnd)
        let n = cust.count
        // Counting sort of the rows by customer (rows after obsEnd dropped).
        // Int32 offsets (rows < 2^31) through raw pointers: the scattered increments are the cost
        // here (customers interleave in the file), so keep the table small and unchecked.
        precondition(n < Int(Int32.max), "more than 2^31 transactions")
        var start32 = [Int32](repeating: 0, count: customers + 1)
        cust.withUnsafeBufferPointer { c in
            day.withUnsafeBufferPointer { d in
                start32.withUnsafeMutableBufferPointer { st in
                    for i in 0..<n where d[i] <= obsEnd && d[i] != Day.missing { st[Int(c[i]) + 1] &+= 1 }
                    for i in 0..<customers { st[i + 1] &+= st[i] }
                }
            }
        }
        let m = Int(start32[customers])
        var sDay = [Day](repeating: 0, count: m)
        var sAmt = [Double](repeating: 0, count: m)
        var fill = start32
        cust.withUnsafeBufferPointer { c in
            day.withUnsafeBufferPointer { d in
                amount.withUnsafeBufferPointer { a in
                    sDay.withUnsafeMutableBufferPointer { sd in
                        sAmt.withUnsafeMutableBufferPointer { sa in
                            fill.withUnsafeMutableBufferPointer { fl in
                                for i in 0..<n where d[i] <= obsEnd && d[i] != Day.missing {
                                    let ci = Int(c[i])
                                    let k = Int(fl[ci]); fl[ci] = Int32(k + 1)
                                    sd[k] = d[i]; sa[k] = a[i]
                                }
                            }
                        }
                    }
                }
            }
        }
        let start = start32.map { Int($0) }
        let calP = unit.period(calEnd), obsP = unit.period(obsEnd)
        s.calibrationEndPeriod = calP; s.observationEndPeriod = obsP
        s.durationHoldout = s.hasHoldout ? Double(obsP - calP) * len : 0
        s.customer.reserveCapacity(customers)
        for arr in [\RFMSummary.recency, \.T, \.monetaryValue, \.totalValue] { s[keyPath: arr].reserveCapacity(customers) }
        var minFirstPeriod = Int32.max
        var firstPeriodOf = [Int32](); firstPeriodOf.reserveCapacity(customers)
        sDay.withUnsafeMutableBufferPointer { sd in
            sAmt.withUnsafeMutableBufferPointer { sa in
                for c in 0..<customers {
                    let lo = start[c], hi = start[c + 1]
                    if lo == hi { continue }
                    // sort this customer's rows by day (usually tiny and already sorted)
                    var sorted = true
                    for k in (lo + 1)..<max(hi, lo + 1) where sd[k] < sd[k - 1] { sorted = false; break }
                    if !sorted { sortSlice(sd, sa, lo, hi) }
                    if sd[lo] > calEnd { s.customersFirstSeenInHoldout += 1; continue }
                    let firstP = unit.period(sd[lo])
                    var lastP = firstP, curP = firstP
                    var periods = 1, repeatSum = 0.0, total = 0.0
                    var k = lo
                    var curSum = 0.0
                    var hFreq: Int32 = 0, hSum = 0.0, hCount = 0
                    var hLastP = Int32.min
                    while k < hi {
                        let d = sd[k], a = sa[k]
                        if d <= calEnd {
                            let p = unit.period(d)
                            total += a
                            if p != curP {
                                if curP != firstP { repeatSum += curSum }
                                curSum = 0; curP = p; periods += 1; lastP = p
                            }
                            curSum += a
                        } else {
                            let p = unit.period(d)
                            if p != hLastP { hFreq += 1; hLastP = p }
                            hSum += a; hCount += 1
                        }
                        k += 1
                    }
                    if curP != firstP { repeatSum += curSum }
                    let x = periods - 1
                    s.customer.append(Int32(c))
                    s.frequency.append(Int32(x))
                    s.recency.append(Double(lastP - firstP) * len)
                    s.T.append(Double(calP - firstP) * len)
                    s.monetaryValue.append(x > 0 ? repeatSum / Double(x) : 0)
                    s.totalValue.append(total)
                    s.firstDay.append(sd[lo])
                    if s.hasHoldout {
                        s.frequencyHoldout.append(hFreq)
                        s.monetaryValueHoldout.append(hCount > 0 ? hSum / Double(hCount) : 0)
                        s.valueHoldout.append(hSum)
                    }
                    firstPeriodOf.append(firstP)
                    minFirstPeriod = min(minFirstPeriod, firstP)
                }
            }
        }
        guard !s.customer.isEmpty else {
            throw DataError(.other, file: source, column: "date", value: Civil.iso(calEnd),
                            expected: "at least one transaction on or before the calibration end")
        }
        // Tracking histograms: repeat purchase periods and births, by period.
        s.firstPeriod = minFirstPeriod
        let span = Int(obsP - minFirstPeriod) + 1
        var rep = [Double](repeating: 0, count: max(span, 1))
        var born = [Double](repeating: 0, count: max(span, 1))
        sDay.withUnsafeBufferPointer { sd in
            for (i, c) in s.customer.enumerated() {
                let fp = firstPeriodOf[i]
                born[Int(fp - minFirstPeriod)] += 1
                var last = fp
                for k in start[Int(c)]..<start[Int(c) + 1] {
                    let p = unit.period(sd[k])
                    if p != last { rep[Int(p - minFirstPeriod)] += 1; last = p }
                }
            }
        }
        s.repeatPurchasesByPeriod = rep
        s.newCustomersByPeriod = born
        return s
    }

    /// Builds the summary of a dataset's transactions (see `build(customer:day:amount:...)`).
    public init(dataset: Dataset, options: RFMOptions) throws {
        try dataset.require(.transactions, for: "clv (CLV models are fitted to purchases)")
        let t = dataset.transactions
        self = try RFMSummary.build(customer: t.customer, day: t.day, amount: t.amount,
                                    customers: dataset.customers.count, options: options, asOf: dataset.asOf,
                                    source: dataset.source + "/transactions.csv")
    }

    /// Unique (frequency, recency, T) patterns of the calibration summary, with counts.
    public var patterns: RFMPatterns { RFMPatterns(x: frequency, tx: recency, T: T) }
}

/// Sorts rows lo..<hi of the two parallel buffers by day (stable enough: equal days keep no order).
private func sortSlice(_ d: UnsafeMutableBufferPointer<Day>, _ a: UnsafeMutableBufferPointer<Double>, _ lo: Int, _ hi: Int) {
    if hi - lo <= 24 {
        for i in (lo + 1)..<hi {
            let kd = d[i], ka = a[i]
            var j = i - 1
            while j >= lo && d[j] > kd { d[j + 1] = d[j]; a[j + 1] = a[j]; j -= 1 }
            d[j + 1] = kd; a[j + 1] = ka
        }
        return
    }
    var pairs = (lo..<hi).map { (d[$0], a[$0]) }
    pairs.sort { $0.0 < $1.0 }
    for (k, p) in pairs.enumerated() { d[lo + k] = p.0; a[lo + k] = p.1 }
}

/// Sufficient statistics of the BTYD likelihoods: the unique (x, t_x, T) patterns with the number
/// of customers sharing each (`weight`), and for each customer the index of its pattern. Every
/// model's likelihood, P(alive) and expected purchases depend on a customer only through its
/// pattern, so fits and predictions cost O(patterns), not O(customers).
public struct RFMPatterns: Sendable {
    public var x: [Int32] = []
    public var tx: [Double] = []
    public var T: [Double] = []
    public var weight: [Double] = []
    /// `pattern[i]` = index of customer i's pattern.
    public var pattern: [Int32] = []

    public var count: Int { x.count }
    /// Total weight (number of customers).
    public var totalWeight: Double { weight.reduce(0, +) }

    struct Key: Hashable { var x: Int32; var tx: UInt64; var T: UInt64 }

    /// Groups per-customer (x, t_x, T) into unique patterns, in ascending (x, t_x, T) order.
    public init(x xs: [Int32], tx txs: [Double], T Ts: [Double]) {
        let n = xs.count
        pattern = [Int32](repeating: 0, count: n)
        // Fast path: integral recency/T below 2^21 pack into one UInt64 key.
        var integral = true
        for i in 0..<n where !(txs[i] >= 0 && Ts[i] >= 0 && txs[i] < 2_097_152 && Ts[i] < 2_097_152
                                && txs[i] == txs[i].rounded() && Ts[i] == Ts[i].rounded()
                                && xs[i] >= 0 && xs[i] < 2_097_152) { integral = false; break }
        if integral {
            // Open addressing on the packed key (key + 1, so 0 marks an empty slot), grown at half full.
            var size = 1 << 12
            while size < n { size <<= 1 }   // patterns ≤ customers: rarely a rebuild
            var keys = [UInt64](repeating: 0, count: size), codes = [Int32](repeating: 0, count: size)
            @inline(__always) func slot(_ key: UInt64, _ mask: Int) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 20) & mask }
            for i in 0..<n {
                let key = (UInt64(xs[i]) << 42 | UInt64(txs[i]) << 21 | UInt64(Ts[i])) &+ 1
                var s = slot(key, size - 1)
                var found: Int32 = -1
                while keys[s] != 0 {
                    if keys[s] == key { found = codes[s]; break }
                    s = (s + 1) & (size - 1)
                }
                if found >= 0 { pattern[i] = found; weight[Int(found)] += 1; continue }
                let k = Int32(x.count)
                keys[s] = key; codes[s] = k; pattern[i] = k
                x.append(xs[i]); tx.append(txs[i]); T.append(Ts[i]); weight.append(1)
                if 2 * x.count > size {
                    size *= 2
                    keys = [UInt64](repeating: 0, count: size); codes = [Int32](repeating: 0, count: size)
                    for c in 0..<x.count {
                        let key = (UInt64(x[c]) << 42 | UInt64(tx[c]) << 21 | UInt64(T[c])) &+ 1
                        var s = slot(key, size - 1)
                        while keys[s] != 0 { s = (s + 1) & (size - 1) }
                        keys[s] = key; codes[s] = Int32(c)
                    }
                }
            }
        } else {
            var map = [Key: Int32](minimumCapacity: max(1024, n / 4))
            for i in 0..<n {
                let key = Key(x: xs[i], tx: txs[i].bitPattern, T: Ts[i].bitPattern)
                if let k = map[key] { pattern[i] = k; weight[Int(k)] += 1; continue }
                let k = Int32(x.count)
                map[key] = k; pattern[i] = k
                x.append(xs[i]); tx.append(txs[i]); T.append(Ts[i]); weight.append(1)
            }
        }
        sortPatterns()
    }

    /// Puts the patterns in ascending (x, t_x, T) order, so everything computed over them (the
    /// likelihood sums, hence the fits to the last digit) is independent of the order of the
    /// customers — the CSV path (file order) and an engine's result (any order) agree exactly.
    mutating func sortPatterns() {
        let order = x.indices.sorted { (x[$0], tx[$0], T[$0]) < (x[$1], tx[$1], T[$1]) }
        var rank = [Int32](repeating: 0, count: order.count)
        for (r, k) in order.enumerated() { rank[k] = Int32(r) }
        x = order.map { x[$0] }; tx = order.map { tx[$0] }; T = order.map { T[$0] }; weight = order.map { weight[$0] }
        for i in pattern.indices { pattern[i] = rank[Int(pattern[i])] }
    }

    /// Patterns given directly, with weights (e.g. Fader & Hardie's donation table); `pattern` is the identity.
    public init(x: [Int32], tx: [Double], T: [Double], weight: [Double]) {
        self.x = x; self.tx = tx; self.T = T; self.weight = weight
        self.pattern = (0..<x.count).map(Int32.init)
    }

    /// Every k-th pattern (from the first) with its weight; `pattern` is the identity.
    public func sample(every k: Int) -> RFMPatterns {
        let keep = Array(stride(from: 0, to: count, by: max(k, 1)))
        return RFMPatterns(x: keep.map { x[$0] }, tx: keep.map { tx[$0] }, T: keep.map { T[$0] }, weight: keep.map { weight[$0] })
    }

    /// Spreads per-pattern values back to customers.
    public func perCustomer(_ values: [Double]) -> [Double] {
        pattern.map { values[Int($0)] }
    }
}
