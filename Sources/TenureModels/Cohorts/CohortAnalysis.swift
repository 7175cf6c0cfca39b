import Dispatch
import TenureData
import TenureNumerics

/// Cohort retention matrices (SPEC §3 "Cohorts").
///
/// Contract:
/// - Cohort of a customer = the period (`CohortOptions.period`) of their acquisition day
///   (first purchase, `signup_date` or first subscription `start_date`, see `CohortOptions.CohortBy`).
/// - Age of an activity = calendar period of the activity − cohort period (`--window calendar`), or whole
///   rolling windows since the acquisition day (`--window rolling`, see `CohortWindow`).
/// - Transactions after the end of observation (`Dataset.asOf`) are ignored; activity before a customer's
///   acquisition (possible with `signup_date` cohorts) is left out and counted in `notes`.
/// - Counts are exact integers. Revenue is summed exactly in integer cents when every amount has at most
///   two decimals (then every cell equals Σ round(100·amount) / 100), otherwise in `Double` (error below
///   1e-12 relative for typical data).
///
/// Cost: two passes over the transaction columns (first/last day per customer — in two row halves on two
/// cores from 1M rows, merged in row order — then the cells), plus a
/// counting sort of row indices by day only when some customer's rows are not in date order. Memory:
/// a few `Int32` per customer plus the cohort × age matrices; no per-row allocation.
public enum CohortAnalysis {
    /// Largest cohort matrix (groups × cohorts × ages cells) built; larger ones throw `SizeLimitError`
    /// before allocating (16M cells ≈ 450 MB of matrices: ten years of day cohorts).
    public static let maxCells = 16_000_000

    public static func run(_ ds: Dataset, options o: CohortOptions = CohortOptions()) throws -> CohortResult {
        try Engine(ds, o).run()
    }

    /// The reduction alone: the purchase statistics of `ds`'s transactions (what a warehouse's SQL
    /// returns for the same data), for the options that shape them (period, window, cohort basis,
    /// `--by`, brackets).
    public static func statistics(_ ds: Dataset, options o: CohortOptions = CohortOptions()) throws -> CohortStatistics {
        try Engine(ds, o).reduce().0
    }

    /// The subscription reductions of `ds` (what a warehouse's SQL returns for the same data): the
    /// contractual statistics and the MRR statistics, each nil when the data has none.
    public static func subscriptionStatistics(_ ds: Dataset, options o: CohortOptions = CohortOptions()) throws -> (ContractualStatistics?, MRRStatistics?) {
        guard let s = ds.subscriptions, s.count > 0 else { return (nil, nil) }
        let e = Engine(ds, o)
        e.group = try Grouping.resolve(by: o.by, dataset: ds)
        return (try e.contractualStatistics(s), e.mrrStatistics(s))
    }

    /// The fit alone: the result from statistics reduced elsewhere, with the end of observation they
    /// were reduced for. Equal to `run` on the dataset they came from. Without purchase statistics
    /// the cohorts are by first subscription start (the contractual statistics are then required).
    public static func run(statistics: CohortStatistics?, contractual: ContractualStatistics? = nil, mrr: MRRStatistics? = nil,
                           options o: CohortOptions, asOf: Day, basis: String = "first_purchase", source: String) throws -> CohortResult {
        let empty = Dataset(source: source, customers: CustomerIndex(), transactions: Transactions(), asOf: asOf)
        let e = Engine(empty, o)
        guard let statistics else { return try e.runContractualOnly(contractual, mrr: mrr) }
        return try e.assemble(statistics, basis: basis, contractual: contractual, mrr: mrr)
    }
}

/// Everything the hot loop reads or writes per customer, packed in 16 bytes so a row costs one cache miss.
struct CustomerState {
    /// group * C + cohort slot, or -1 (not acquired).
    var key: Int32
    /// Acquisition day.
    var acq: Int32
    /// Period index of the acquisition day (calendar windows).
    var base: Int32
    /// Last age counted as active (distinct customers per cell), -1 before the first.
    var mark: Int32
}

/// Age of an activity day for one customer; specialised per window kind for the hot loop.
protocol AgeRule {
    /// Age of day `d` for a customer, or a negative number when `d` precedes acquisition.
    func age(_ s: CustomerState, _ d: Day) -> Int
}

struct CalendarAge: AgeRule {
    let table: UnsafePointer<Int32>   // period index by (day − lo)
    let lo: Day
    @inline(__always) func age(_ s: CustomerState, _ d: Day) -> Int {
        d < s.acq ? -1 : Int(table[Int(d &- lo)] &- s.base)
    }
}

struct RollingDaysAge: AgeRule {
    let width: Int32
    @inline(__always) func age(_ s: CustomerState, _ d: Day) -> Int {
        let x = d &- s.acq
        return x < 0 ? -1 : Int(x / width)
    }
}

struct RollingMonthsAge: AgeRule {
    let month: UnsafePointer<Int32>   // by (day − lo)
    let dom: UnsafePointer<UInt8>
    let lo: Day
    let months: Int32
    @inline(__always) func age(_ s: CustomerState, _ d: Day) -> Int {
        let a = s.acq
        if d < a { return -1 }
        let i = Int(d &- lo), j = Int(a &- lo)
        var m = month[i] &- month[j]
        if dom[i] < dom[j] { m -= 1 }
        return Int(m / months)
    }
}

final class Engine {
    let ds: Dataset
    let o: CohortOptions
    let cal: CalendarPeriod
    let asOf: Day
    var notes: [String] = []
    /// Rows from which pass 1 runs in two halves (tests lower it to check both paths on small data).
    var halvesFrom = 1 << 20
    /// Acquisition days and `--by` groups given rather than read from the data (the event pass of
    /// `--activity` uses the purchase pass's).
    var acquired: [Int32]?
    var grouping: Grouping?

    init(_ ds: Dataset, _ o: CohortOptions) {
        self.ds = ds; self.o = o; self.cal = o.period; self.asOf = ds.asOf
    }

    // Per-customer state.
    var acq: [Int32] = []        // acquisition day or Day.missing
    var key: [Int32] = []        // group * C + cohort slot, or -1
    var group: Grouping = Grouping(levels: [], code: [])
    var pMin: Int32 = 0          // period of the earliest cohort
    var slots = 0                // C: cohort slots per group
    var ages = 0                 // A: ages per cohort row
    var lo: Day = 0              // first day of the day table
    var table: DayTable!

    func run() throws -> CohortResult {
        if !ds.hasTransactions {
            if o.activity.contains(.interactions) {
                try ds.require(.transactions, for: "cohorts --activity (cohorts are formed by the first purchase or signup of customers with purchases)")
            }
            try ds.require(.subscriptions, for: "cohorts",
                           hint: "cohorts need transactions.csv (purchases) or subscriptions.csv (contractual retention)")
            group = try Grouping.resolve(by: o.by, dataset: ds)
            let s = ds.subscriptions!
            return try runContractualOnly(try contractualStatistics(s), mrr: mrrStatistics(s))
        }
        var (st, basis) = try reduce()
        if Set(o.activity) != [.transactions] && !o.activity.isEmpty { st = try withActivity(st) }
        let subs = ds.subscriptions.flatMap { $0.count > 0 ? $0 : nil }
        var r = try assemble(st, basis: basis, contractual: try subs.flatMap { try contractualStatistics($0) }, mrr: subs.flatMap { mrrStatistics($0) })
        addAcquisitionCost(&r)
        return r
    }

    /// The purchase statistics of the dataset's transactions and the acquisition basis.
    func reduce() throws -> (CohortStatistics, String) {
        let tx = ds.transactions
        let n = ds.customers.count
        guard tx.count > 0 else {
            throw DataError(.emptyFile, file: "transactions.csv", expected: "at least one transaction")
        }

        // Pass 1: first/last day per customer; is every customer's sequence in date order?
        // (first day, last day) per customer, packed: one cache line per row. Large tables
        // are scanned in two halves on two cores, each into its own table; the halves are merged in
        // row order, so the result is the serial pass's.
        let parts = tx.count >= halvesFrom ? 2 : 1
        var spans = (0..<parts).map { _ in [SIMD2<Int32>](repeating: SIMD2(.max, .min), count: n) }
        struct Half { var inOrder = true, cents = true, minDay = Int32.max, ignored = 0 }
        var halves = [Half](repeating: Half(), count: parts)
        let asOf = self.asOf
        tx.customer.withUnsafeBufferPointer { cu in
        tx.day.withUnsafeBufferPointer { dy in
        tx.amount.withUnsafeBufferPointer { am in
        spans.withUnsafeMutableBufferPointer { sps in
        halves.withUnsafeMutableBufferPointer { hv in
            let (cu, dy, am, sps, hv) = (cu, dy, am, sps, hv)
            Parallel.forEach(parts) { part in
                let lo = cu.count * part / parts, hi = cu.count * (part + 1) / parts
                sps[part].withUnsafeMutableBufferPointer { sp in
                    var inOrder = true, minDay = Int32.max, ignored = 0
                    // Block-wise cache warming, as in `accumulate`: independent loads first, so misses overlap.
                    var touched: Int32 = 0
                    var blockEnd = lo
                    for r in lo..<hi {
                        if r == blockEnd {
                            blockEnd = min(hi, r + 256)
                            for j in r..<blockEnd { touched ^= sp[Int(cu[j])][0] }
                        }
                        let d = dy[r]
                        if d == Day.missing || d > asOf { ignored += 1; continue }
                        let c = Int(cu[r])
                        var v = sp[c]
                        if d < v[0] { v[0] = d }
                        if d < v[1] { inOrder = false } else { v[1] = d }
                        sp[c] = v
                        if d < minDay { minDay = d }
                    }
                    // Cents check: every amount a whole number of cents (vectorisable, separate loop).
                    var ok = true
                    var r = lo
                    while ok && r < hi {
                        let end = min(hi, r + 4096)
                        for i in r..<end {
                            let x = am[i] * 100
                            ok = ok && abs(x - x.rounded(.toNearestOrEven)) <= 1e-6 * max(1, abs(x))
                        }
                        r = end
                    }
                    keepAlive(touched)
                    hv[part] = Half(inOrder: inOrder, cents: ok, minDay: minDay, ignored: ignored)
                }
            }
        }}}}}
        var inOrder = halves.allSatisfy(\.inOrder)
        let cents = halves.allSatisfy(\.cents)
        let minDay = halves.map(\.minDay).min()!, ignored = halves.reduce(0) { $0 + $1.ignored }
        var first = [Int32](repeating: .max, count: n)
        var last = [Int32](repeating: .min, count: n)
        first.withUnsafeMutableBufferPointer { fp in
        last.withUnsafeMutableBufferPointer { lp in
        spans[0].withUnsafeBufferPointer { s0 in
        spans[parts - 1].withUnsafeBufferPointer { s1 in
            for c in 0..<n {
                var v = s0[c]
                if parts == 2 {
                    let w = s1[c]
                    v[0] = min(v[0], w[0])
                    if w[1] != .min {
                        if v[1] != .min && w[0] < v[1] { inOrder = false }   // the second half goes back in time
                        v[1] = max(v[1], w[1])
                    }
                }
                fp[c] = v[0]; lp[c] = v[1]
            }
        }}}}
        spans = []
        guard minDay != .max else {
            throw DataError(.other, file: "transactions.csv", expected: "transactions on or before the end of observation \(Civil.iso(asOf))")
        }

        // Acquisition day per customer.
        let basis = try acquisition(first: first)
        group = try grouping ?? Grouping.resolve(by: o.by, dataset: ds)

        let minAcq = acq.lazy.filter { $0 != Day.missing }.min() ?? .max
        guard minAcq != .max else {
            throw DataError(.other, file: ds.source, expected: "at least one customer acquired on or before \(Civil.iso(asOf))",
                            hint: CohortStatistics.noAcquisitionHint(basis: basis, asOf: asOf))
        }
        lo = min(minDay, minAcq)
        table = DayTable(period: cal, from: lo, through: asOf, rollingMonths: o.window == .rolling && cal.months > 0)

        // Cohort keys and sizes.
        let layout = try CohortStatistics.layout(groups: group.levels.count, earliestAcquisition: minAcq, asOf: asOf, options: o)
        var st = CohortStatistics(groups: group.levels, firstCohort: layout.firstCohort, cohorts: layout.cohorts,
                                  ages: layout.ages, brackets: o.brackets?.count ?? 0)
        pMin = st.firstCohort; slots = st.cohorts; ages = st.ages
        // Per customer: the cohort key, and the state pass 2 reads and writes (one 16-byte load per row).
        var keys = [Int32](repeating: -1, count: n)
        var state = [CustomerState](repeating: CustomerState(key: -1, acq: Day.missing, base: 0, mark: -1), count: n)
        let (slots, pMin, lo) = (self.slots, self.pMin, self.lo)
        acq.withUnsafeBufferPointer { ac in
        group.code.withUnsafeBufferPointer { gc in
        table.periodOf.withUnsafeBufferPointer { tp in
        keys.withUnsafeMutableBufferPointer { kp in
        state.withUnsafeMutableBufferPointer { sp in
            for c in 0..<n where ac[c] != Day.missing {
                let a = ac[c], p = tp[Int(a - lo)]
                let k = Int(gc[c]) * slots + Int(p - pMin)
                kp[c] = Int32(k)
                sp[c] = CustomerState(key: Int32(k), acq: a, base: p, mark: -1)
                st.size[k] += 1
                st.firstAcquired[k] = min(st.firstAcquired[k], a); st.lastAcquired[k] = max(st.lastAcquired[k], a)
            }
        }}}}}
        key = keys

        // Pass 2: the cells.
        let perm: [Int32]? = inOrder ? nil : rowsInDayOrder(minDay: minDay)
        let bracketOfAge: [Int32]? = o.brackets.map { bs in
            (0..<ages).map { a in Int32(bs.firstIndex { $0.lower <= a && a <= $0.upper } ?? -1) }
        }
        table.periodOf.withUnsafeBufferPointer { tp in
            table.monthOf.withUnsafeBufferPointer { mp in
                table.domOf.withUnsafeBufferPointer { dp in
                    switch (o.window, cal.months) {
                    case (.calendar, _):
                        accumulate(CalendarAge(table: tp.baseAddress!, lo: lo), &state, &st, perm, bracketOfAge, cents, last: last)
                    case (.rolling, 0):
                        accumulate(RollingDaysAge(width: Int32(cal.fixedDays)), &state, &st, perm, bracketOfAge, cents, last: last)
                    case (.rolling, _):
                        accumulate(RollingMonthsAge(month: mp.baseAddress!, dom: dp.baseAddress!, lo: lo,
                                                    months: Int32(cal.months)), &state, &st, perm, bracketOfAge, cents, last: last)
                    }
                }
            }
        }
        st.rowsAfterEnd = ignored
        st.notes = notes
        notes = []
        return (st, basis)
    }

    /// The result from the statistics (either path): matrices, averages, brackets, then the
    /// contractual part when there are subscriptions, the forecasts and the MRR movements.
    func assemble(_ st: CohortStatistics, basis: String, contractual: ContractualStatistics?, mrr: MRRStatistics?) throws -> CohortResult {
        pMin = st.firstCohort; slots = st.cohorts; ages = st.ages
        if st.rowsAfterEnd > 0 { notes.append("\(st.rowsAfterEnd) transaction(s) after the end of observation (\(Civil.iso(asOf))) were left out.") }
        notes += st.notes
        if st.rowsBeforeAcquisition > 0 { notes.append("\(st.rowsBeforeAcquisition) transaction(s) dated before their customer's acquisition (\(basis)) were left out.") }
        var groups = buildGroups(st)
        if let contractual { addContractual(&groups, levels: st.groups, contractual) }
        dropEmpty(&groups)
        if o.forecast > 0 { try addForecasts(&groups) }
        return CohortResult(settings: settings(cohortBy: o.cohortBy), asOf: Civil.iso(asOf), cohortBasis: basis, groups: groups,
                            mrr: mrr.map(mrrMovements), notes: notes)
    }

    /// `--by` groups without an acquired customer (a value only customers outside the cohorts have)
    /// are left out of the result, so the groups are those of the customers the cohorts count —
    /// what a warehouse's reduction sees.
    func dropEmpty(_ groups: inout [CohortGroup]) {
        guard o.by != nil else { return }
        groups.removeAll { $0.cohorts.isEmpty && ($0.contractual ?? []).isEmpty }
    }

    /// Without transactions: cohorts by first subscription start, contractual retention and the
    /// sBG forecast on it; the purchase matrices (`CohortGroup.cohorts`, `average`) are empty, and a
    /// note says so.
    func runContractualOnly(_ contractual: ContractualStatistics?, mrr: MRRStatistics?) throws -> CohortResult {
        guard o.cohortBy == .auto || o.cohortBy == .subscription else {
            throw DataError(.missingFile, file: DatasetLoader.path(ds.source, "transactions.csv"),
                            expected: "transactions.csv for cohorts --cohort-by \(o.cohortBy.rawValue)",
                            hint: "without purchases, cohorts are formed by the first subscription start: --cohort-by subscription")
        }
        var groups: [CohortGroup] = []
        if let contractual { addContractual(&groups, levels: [], contractual) }
        dropEmpty(&groups)
        guard groups.contains(where: { !($0.contractual ?? []).isEmpty }) else {
            throw DataError(.other, file: DatasetLoader.path(ds.source, "subscriptions.csv"),
                            expected: "a subscription starting on or before the end of observation \(Civil.iso(asOf))")
        }
        if o.forecast > 0 { try addForecasts(&groups) }
        notes.append("No transactions.csv: retention is contractual (a subscription covers the period); purchase, order and revenue cohorts need transactions.")
        return CohortResult(settings: settings(cohortBy: .subscription), asOf: Civil.iso(asOf), cohortBasis: "subscription_start",
                            groups: groups, mrr: mrr.map(mrrMovements), notes: notes)
    }

    func settings(cohortBy: CohortOptions.CohortBy) -> CohortSettings {
        CohortSettings(period: o.period.rawValue, window: o.window.rawValue, contractualWindow: o.contractualWindow.rawValue,
                       cohortBy: cohortBy.rawValue,
                       metric: o.metric.rawValue, retention: o.retention.rawValue,
                       relativeTo: o.relativeTo.rawValue, by: o.by,
                       brackets: o.brackets?.map(\.description), forecast: o.forecast, confidence: o.confidence,
                       activity: o.activity.map(\.rawValue), grossMargin: o.grossMargin)
    }

    // MARK: acquisition

    func acquisition(first: [Int32]) throws -> String {
        if let acquired { acq = acquired; return "given" }
        let n = ds.customers.count
        var by = o.cohortBy
        if by == .auto { by = ds.customerTable?.signupDay != nil ? .signup : .firstPurchase }
        switch by {
        case .auto, .firstPurchase:
            acq = first.map { $0 == .max ? Day.missing : $0 }
            return "first_purchase"
        case .signup:
            guard let t = ds.customerTable, let sd = t.signupDay else {
                throw DataError(.missingColumn, file: "customers.csv", column: "signup_date",
                                expected: "a signup_date column for --cohort-by signup")
            }
            acq = [Int32](repeating: Day.missing, count: n)
            var missing = 0, late = 0
            for r in 0..<t.count {
                let d = sd[r]
                if d == Day.missing { missing += 1; continue }
                if d > asOf { late += 1; continue }
                acq[Int(t.customer[r])] = d
            }
            if missing > 0 { notes.append("\(missing) customer(s) without a signup_date were left out.") }
            if late > 0 { notes.append("\(late) customer(s) signed up after the end of observation were left out.") }
            return "signup_date"
        case .subscription:
            guard let s = ds.subscriptions, s.count > 0 else {
                throw DataError(.missingFile, file: "subscriptions.csv", expected: "subscriptions for --cohort-by subscription")
            }
            acq = firstSubscriptionStart(s)
            return "subscription_start"
        }
    }

    func firstSubscriptionStart(_ s: Subscriptions) -> [Int32] {
        var a = [Int32](repeating: Day.missing, count: ds.customers.count)
        for r in 0..<s.count {
            let d = s.startDay[r]
            guard d != Day.missing, d <= asOf else { continue }
            let c = Int(s.customer[r])
            if a[c] == Day.missing || d < a[c] { a[c] = d }
        }
        return a
    }

    /// Age (not hot-path) of `day` for a customer acquired on `acquired`; negative before acquisition.
    func ageOf(acquired a: Day, day d: Day, window: CohortWindow? = nil) -> Int {
        CohortAge.of(acquired: a, day: d, period: cal, window: window ?? o.window)
    }

    /// Row indices ordered by day (counting sort; stable), for data whose rows are not in date order.
    func rowsInDayOrder(minDay: Day) -> [Int32] {
        let tx = ds.transactions
        let span = Int(asOf - minDay) + 2
        var start = [Int32](repeating: 0, count: span + 1)
        for d in tx.day where d != Day.missing && d <= asOf { start[Int(d - minDay) + 1] += 1 }
        for i in 1...span { start[i] += start[i - 1] }
        var perm = [Int32](repeating: 0, count: Int(start[span]))
        for (r, d) in tx.day.enumerated() where d != Day.missing && d <= asOf {
            let b = Int(d - minDay)
            perm[Int(start[b])] = Int32(truncatingIfNeeded: r)
            start[b] += 1
        }
        return perm
    }

    // MARK: pass 2

    /// Fills active customers, orders, revenue (and bracket counts) in one pass over the rows, in file
    /// order when every customer's rows are in date order, else in `perm` order; then unbounded counts
    /// from each customer's last active age; counts the rows before acquisition.
    func accumulate<R: AgeRule>(_ rule: R, _ state: inout [CustomerState], _ m: inout CohortStatistics, _ perm: [Int32]?,
                                _ bracketOfAge: [Int32]?, _ useCents: Bool, last: [Int32]) {
        let tx = ds.transactions
        let n = ds.customers.count
        let A = ages, asOf = self.asOf
        let B = o.brackets?.count ?? 0
        var markB = [Int32](repeating: -1, count: bracketOfAge == nil ? 0 : n)
        let orderCodes = tx.orderId?.codes
        var orderCell = [Int32](repeating: -1, count: tx.orderId?.count ?? 0)
        var overflow: [UInt64] = []
        var before = 0
        var cents = useCents ? [Int64](repeating: 0, count: m.revenue.count) : []
        let boa = bracketOfAge ?? []
        let count = perm?.count ?? tx.count
        let permArr = perm ?? []
        let oc = orderCodes ?? []
        tx.customer.withUnsafeBufferPointer { cu in
        tx.day.withUnsafeBufferPointer { dy in
        tx.amount.withUnsafeBufferPointer { am in
        state.withUnsafeMutableBufferPointer { st in
        markB.withUnsafeMutableBufferPointer { mb in
        m.customers.withUnsafeMutableBufferPointer { act in
        m.orders.withUnsafeMutableBufferPointer { ord in
        cents.withUnsafeMutableBufferPointer { cts in
        m.revenue.withUnsafeMutableBufferPointer { rev in
        m.brackets.withUnsafeMutableBufferPointer { br in
        permArr.withUnsafeBufferPointer { pp in
        boa.withUnsafeBufferPointer { bo in
        oc.withUnsafeBufferPointer { ocp in
        orderCell.withUnsafeMutableBufferPointer { ocell in
            let hasPerm = perm != nil, hasOrders = orderCodes != nil, hasBrackets = bracketOfAge != nil
            // Rows come in date order with customers at random: every row's state load misses the cache.
            // A short loop first touches the states of the next block of rows (independent loads, so the
            // misses overlap); the main loop then finds them in L1.
            let block = 256
            var touched: Int32 = 0
            var blockEnd = 0
            for i in 0..<count {
                if i == blockEnd {
                    blockEnd = min(count, i + block)
                    if hasPerm { for j in i..<blockEnd { touched ^= st[Int(cu[Int(pp[j])])].key } }
                    else { for j in i..<blockEnd { touched ^= st[Int(cu[j])].key } }
                }
                let r = hasPerm ? Int(pp[i]) : i
                let d = dy[r]
                if d == Day.missing || d > asOf { continue }
                let c = Int(cu[r])
                let s = st[c]
                if s.key < 0 { continue }
                let k = Int(s.key)
                let a = rule.age(s, d)
                if a < 0 { before += 1; continue }
                let cell = k * A + a
                // Branch-free: whether this customer was already counted at this age is unpredictable, and a
                // mispredicted branch on a cache-missing load would serialise the misses of the next rows.
                let a32 = Int32(truncatingIfNeeded: a)
                act[cell] &+= s.mark != a32 ? 1 : 0
                st[c].mark = a32
                if hasOrders {
                    let code = Int(ocp[r])
                    if code < 0 { ord[cell] += 1 }
                    else if ocell[code] < 0 { ocell[code] = Int32(truncatingIfNeeded: cell); ord[cell] += 1 }
                    else if ocell[code] != Int32(truncatingIfNeeded: cell) { overflow.append(UInt64(cell) << 32 | UInt64(code)) }
                } else {
                    ord[cell] += 1
                }
                if useCents { cts[cell] += Int64((am[r] * 100).rounded()) } else { rev[cell] += am[r] }
                if hasBrackets {
                    let b = bo[a]
                    if b >= 0 && mb[c] != b { mb[c] = b; br[k * B + Int(b)] += 1 }
                }
            }
            keepAlive(touched)
        }}}}}}}}}}}}}}
        // An order id seen in more than one cell counts once in each.
        if !overflow.isEmpty {
            overflow.sort()
            var prev: UInt64 = .max
            for v in overflow where v != prev {
                prev = v
                let cell = Int(v >> 32), code = Int(v & 0xFFFF_FFFF)
                if Int(orderCell[code]) != cell { m.orders[cell] += 1 }
            }
        }
        if useCents { for i in 0..<cents.count { m.revenue[i] = Double(cents[i]) / 100 } }
        m.rowsBeforeAcquisition = before
        // Unbounded: customers whose last active age is ≥ age.
        state.withUnsafeBufferPointer { st in
        last.withUnsafeBufferPointer { ls in
        m.unbounded.withUnsafeMutableBufferPointer { ub in
            for c in 0..<n {
                let k = Int(st[c].key)
                guard k >= 0, ls[c] != .min else { continue }
                let a = rule.age(st[c], ls[c])
                if a >= 0 { ub[k * A + a] += 1 }
            }
        }}}
        for k in 0..<m.keys {
            var s: Int32 = 0
            for a in stride(from: A - 1, through: 0, by: -1) { s += m.unbounded[k * A + a]; m.unbounded[k * A + a] = s }
        }
    }

    // MARK: status

    /// Status of age `a` in cohort slot `slot` of a key (nil = not observed yet).
    func status(_ m: CohortStatistics, slot: Int, key k: Int, age a: Int) -> CellStatus? {
        status(pMin: pMin, slot: slot, minAcq: m.firstAcquired[k], maxAcq: m.lastAcquired[k], age: a)
    }

    func status(pMin: Int32, slot: Int, minAcq: Day, maxAcq: Day, age a: Int, window: CohortWindow? = nil) -> CellStatus? {
        switch window ?? o.window {
        case .calendar:
            let q = pMin + Int32(slot + a)
            if cal.end(of: q) <= asOf { return .complete }
            return cal.start(of: q) <= asOf ? .partial : nil
        case .rolling:
            if cal.rollingStart(acquired: maxAcq, window: a + 1) - 1 <= asOf { return .complete }
            return cal.rollingStart(acquired: minAcq, window: a) <= asOf ? .partial : nil
        }
    }

    func periodLabel(slot: Int, age a: Int, pMin: Int32? = nil, window: CohortWindow? = nil) -> String? {
        (window ?? o.window) == .calendar ? cal.label(of: (pMin ?? self.pMin) + Int32(slot + a)) : nil
    }

    /// The normal quantile of the Wilson intervals, computed once (a day-period matrix has millions of cells).
    lazy var wilsonZ: Double = Normal.quantile(1 - (1 - o.confidence) / 2)

    /// `Stats.wilson` with the quantile hoisted out.
    @inline(__always) func wilson(_ s: Int, _ n: Int) -> (Double, Double) {
        let w = Stats.wilson(successes: Double(s), trials: Double(n), z: wilsonZ)
        return (w.lower, w.upper)
    }

    // MARK: rows

    func buildGroups(_ m: CohortStatistics) -> [CohortGroup] {
        let A = ages
        var out: [CohortGroup] = []
        for g in 0..<m.groups.count {
            var rows: [CohortRow] = []
            var avgSize = [Int](repeating: 0, count: A), avgAct = avgSize, avgUnb = avgSize, avgN = avgSize
            var avgRev = [Double](repeating: 0, count: A), avgRev0 = avgRev, avgCum = avgRev
            var brackets: [BracketRow] = []
            let B = o.brackets?.count ?? 0
            var bAvgN = [Int](repeating: 0, count: B), bAvgSize = bAvgN, bAvgAct = bAvgN
            for slot in 0..<slots {
                let k = g * slots + slot
                let sz = Int(m.size[k])
                guard sz > 0 else { continue }
                var cells: [CohortCell] = []
                let rev0 = m.revenue[k * A]
                var cumulative = 0.0
                for a in 0..<A {
                    guard let st = status(m, slot: slot, key: k, age: a) else { break }
                    let i = k * A + a
                    let act = Int(m.customers[i]), unb = Int(m.unbounded[i])
                    let (rl, ru) = wilson(act, sz), (ul, uu) = wilson(unb, sz)
                    let prevAct = a > 0 ? Int(m.customers[i - 1]) : 0, prevUnb = a > 0 ? Int(m.unbounded[i - 1]) : 0
                    let prevRev = a > 0 ? m.revenue[i - 1] : 0
                    cumulative += m.revenue[i]
                    let perCustomer = cumulative / Double(sz)
                    cells.append(CohortCell(
                        age: a, period: periodLabel(slot: slot, age: a), status: st,
                        customers: act, orders: Int(m.orders[i]), revenue: m.revenue[i],
                        retention: Double(act) / Double(sz), retentionLower: rl, retentionUpper: ru,
                        unboundedCustomers: unb, unbounded: Double(unb) / Double(sz), unboundedLower: ul, unboundedUpper: uu,
                        retentionVsPrevious: a > 0 && prevAct > 0 ? Double(act) / Double(prevAct) : nil,
                        unboundedVsPrevious: a > 0 && prevUnb > 0 ? Double(unb) / Double(prevUnb) : nil,
                        revenueRetention: rev0 != 0 ? m.revenue[i] / rev0 : nil,
                        revenueVsPrevious: a > 0 && prevRev != 0 ? m.revenue[i] / prevRev : nil,
                        cumulativeRevenuePerCustomer: perCustomer, cumulativeMarginPerCustomer: o.grossMargin.map { $0 * perCustomer }))
                    if st == .complete {
                        avgN[a] += 1; avgSize[a] += sz; avgAct[a] += act; avgUnb[a] += unb
                        avgRev[a] += m.revenue[i]; avgRev0[a] += rev0; avgCum[a] += cumulative
                    }
                }
                rows.append(CohortRow(cohort: cal.label(of: pMin + Int32(slot)), start: Civil.iso(cal.start(of: pMin + Int32(slot))),
                                      size: sz, cells: cells))
                if let bs = o.brackets {
                    var bcells: [BracketCell] = []
                    for (b, br) in bs.enumerated() {
                        guard let stLo = status(m, slot: slot, key: k, age: br.lower) else { break }
                        let stHi = status(m, slot: slot, key: k, age: br.upper)
                        let st: CellStatus = stLo == .complete && stHi == .complete ? .complete : .partial
                        let cnt = Int(m.brackets[k * bs.count + b])
                        if st == .complete { bAvgN[b] += 1; bAvgSize[b] += sz; bAvgAct[b] += cnt }
                        let (l, u) = wilson(cnt, sz)
                        bcells.append(BracketCell(bracket: br.description, status: st, customers: cnt,
                                                  retention: Double(cnt) / Double(sz), retentionLower: l, retentionUpper: u))
                    }
                    brackets.append(BracketRow(cohort: cal.label(of: pMin + Int32(slot)), size: sz, cells: bcells))
                }
            }
            var average: [AverageCell] = []
            for a in 0..<A where avgN[a] > 0 {
                let (l, u) = wilson(avgAct[a], avgSize[a])
                average.append(AverageCell(age: a, cohorts: avgN[a], size: avgSize[a], customers: avgAct[a],
                                           retention: Double(avgAct[a]) / Double(avgSize[a]), retentionLower: l, retentionUpper: u,
                                           unbounded: Double(avgUnb[a]) / Double(avgSize[a]),
                                           revenueRetention: avgRev0[a] != 0 ? avgRev[a] / avgRev0[a] : nil,
                                           cumulativeRevenuePerCustomer: avgCum[a] / Double(avgSize[a]),
                                           cumulativeMarginPerCustomer: o.grossMargin.map { $0 * avgCum[a] / Double(avgSize[a]) }))
            }
            var group = CohortGroup(name: o.by == nil ? nil : m.groups[g], cohorts: rows, average: average,
                                    brackets: o.brackets == nil ? nil : brackets, contractual: nil, contractualAverage: nil, forecast: nil)
            if let bs = o.brackets {
                group.bracketAverage = bs.indices.filter { bAvgN[$0] > 0 }.map { b in
                    let (l, u) = wilson(bAvgAct[b], bAvgSize[b])
                    return BracketAverageCell(bracket: bs[b].description, cohorts: bAvgN[b], size: bAvgSize[b], customers: bAvgAct[b],
                                              retention: Double(bAvgAct[b]) / Double(bAvgSize[b]), retentionLower: l, retentionUpper: u)
                }
            }
            out.append(group)
        }
        return out
    }
}
