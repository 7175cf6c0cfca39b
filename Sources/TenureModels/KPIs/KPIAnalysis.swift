import Foundation
import TenureData
import TenureNumerics

/// The CRM KPI suite of SPEC §3 (`tenure kpis`): every KPI of `KPICatalog`, overall, per
/// calendar period, per customer segment and per channel, from whatever tables the dataset has.
///
/// Contract:
/// - The window is `[from, asOf]`: `KPIOptions.from`, else the first purchase, else the first day in any
///   table; rows dated outside it are left out of the per-window KPIs (acquisition days still come
///   from every table, so a customer acquired before the window is not new in it).
/// - A KPI whose table (or option) is absent is reported with `value == nil` and the reason,
///   never as zero; so is a KPI whose denominator is empty in a group.
/// - Segment of a customer: `customers.csv` segment, else the segment on their first transaction (`CustomerAttribute`;
///   segments and channels are listed in byte order of their names).
///   Channel of a customer (acquisition channel): `customers.csv` channel, else the channel on their
///   first transaction. Customer-attributed KPIs (surveys, transactions, subscriptions, CAC) break
///   down by it; engagement and service break down by the interaction's / ticket's own channel;
///   sales by the lead's `source`; marketing spend by its `channel`. Channel names are matched as text.
/// - Cost: one pass over each table plus a counting sort of transactions, subscriptions and
///   interactions by customer; memory linear in rows + customers × (1 + periods / 64).
public enum KPIAnalysis {
    public static func compute(_ ds: Dataset, options: KPIOptions = KPIOptions()) -> KPIResult {
        let cx = Context(ds, options)
        return compute(frame: cx.f, statistics: statistics(cx))
    }

    /// The statistics of every family (`KPIStatistics`) from the rows.
    static func statistics(_ cx: Context) -> KPIStatistics {
        var s = KPIStatistics()
        Retention.reduce(cx, &s)
        Value.reduce(cx, &s)
        Satisfaction.reduce(cx, &s)
        Sales.reduce(cx, &s)
        Service.reduce(cx, &s)
        Engagement.reduce(cx, &s)
        s.acquired = cx.base()
        return s
    }
}

/// Everything the families share: the frame (period axis, group layout, names), and per-customer
/// segment, acquisition channel and acquisition day.
struct Context {
    let ds: Dataset
    let f: KPIFrame
    var opt: KPIOptions { f.opt }
    var axis: PeriodAxis { f.axis }
    var L: Layout { f.L }
    var z: Double { f.z }
    var monthsOfPeriod: [Double] { f.monthsOfPeriod }
    /// Segment code per customer (-1 = none).
    let seg: [Int32]
    /// Acquisition-channel code per customer (-1 = none), in `f.chanLevels`.
    let chan: [Int32]
    /// Acquisition day per customer: signup_date, else the first day they appear in any table.
    let acq: [Day]

    init(_ ds: Dataset, _ opt: KPIOptions) {
        self.ds = ds
        let n = ds.customers.count

        // First day of the window and acquisition days.
        var first = Day.max
        var acq = [Day](repeating: .max, count: n)
        func see(_ cust: [Int32], _ days: [Day]) {
            cust.withUnsafeBufferPointer { cb in days.withUnsafeBufferPointer { db in
                for i in 0..<cb.count {
                    let d = db[i], c = cb[i]
                    if d == Day.missing || d > ds.asOf { continue }
                    if d < first { first = d }
                    if c >= 0 && d < acq[Int(c)] { acq[Int(c)] = d }
                }
            } }
        }
        func toDays(_ ts: [Double]) -> [Day] { ts.map { $0.isFinite ? Day(($0 / 86400).rounded(.down)) : Day.missing } }
        see(ds.transactions.customer, ds.transactions.day)
        let firstPurchase = first   // transactions are seen first
        if let s = ds.subscriptions { see(s.customer, s.startDay) }
        if let s = ds.surveys { see(s.customer, s.day) }
        if let t = ds.tickets { see(t.customer, toDays(t.openedAt)) }
        if let t = ds.interactions { see(t.customer, toDays(t.timestamp)) }
        if let l = ds.leads { see(l.customer, l.createdDay) }
        if let m = ds.marketingSpend { see([Int32](repeating: -1, count: m.count), m.day) }
        if let ct = ds.customerTable, let sd = ct.signupDay {
            for i in 0..<ct.count where sd[i] != Day.missing && sd[i] <= ds.asOf {
                let c = Int(ct.customer[i])
                acq[c] = sd[i]
                if sd[i] < first { first = sd[i] }
            }
        }
        // The window opens at --from, else at the first purchase (revenue KPIs would otherwise open on
        // months before any sale, e.g. of early leads), else at the first date in any table.
        if let from = opt.from { first = from } else if firstPurchase != .max { first = firstPurchase }
        if first == Day.max || first > ds.asOf { first = ds.asOf }
        self.acq = acq

        // Segment and acquisition channel: `CustomerAttribute` (customers.csv, else the first transaction).
        var notes: [String] = []
        func perCustomer(_ column: String) -> ([Int32], [String], String) {
            guard let a = try? CustomerAttribute(ds, column: column) else { return ([Int32](repeating: -1, count: n), [], "") }
            return (a.codes, a.levels, a.source.rawValue)
        }
        let (sg, sl, sgFrom) = perCustomer("segment")
        seg = sg
        notes.append(KPIFrame.segmentNote(from: sl.isEmpty ? nil : sgFrom))

        // Channels: one namespace over every table's channel-like column.
        let (cc, cl, ccFrom) = perCustomer("channel")
        let tableChannels = [ds.marketingSpend?.channel, ds.interactions?.channel, ds.tickets?.channel, ds.leads?.source]
            .compactMap { $0?.levels }.flatMap { $0 }
        let names = KPIFrame.channelLevels(customer: cl, tables: tableChannels)
        var index: [String: Int32] = [:]
        for (i, s) in names.enumerated() where index[s] == nil { index[s] = Int32(i) }
        chan = cc
        notes.append(KPIFrame.channelNote(from: cl.isEmpty ? nil : ccFrom))
        self.chanIndexMap = index
        f = KPIFrame(options: opt, firstDay: first, asOf: ds.asOf, segLevels: sl, chanLevels: names, notes: notes)
        txByCustomer = ByCustomer(customer: ds.transactions.customer, customers: n, key: ds.transactions.day)
    }

    let chanIndexMap: [String: Int32]
    /// Transactions grouped by customer, by day.
    let txByCustomer: ByCustomer

    /// Codes of `col` translated into the shared channel namespace.
    func channelCodes(_ col: CategoricalColumn) -> [Int32] {
        let map = col.levels.map { chanIndexMap[$0] ?? -1 }
        return col.codes.map { $0 < 0 ? -1 : map[Int($0)] }
    }

    /// Period of a timestamp (seconds), or -1 outside the window.
    @inline(__always) func periodOf(timestamp t: Double) -> Int {
        guard t.isFinite else { return -1 }
        return axis.index(Day((t / 86400).rounded(.down)))
    }

    /// Customers acquired by the end of each group's window (overall, periods, segments, channels).
    func base() -> [Double] {
        var b = Acc(L)
        var perPeriodNew = [Double](repeating: 0, count: L.P)
        var before = 0.0
        for c in 0..<acq.count {
            let d = acq[c]
            if d == .max { continue }
            b.v[0] += 1
            if seg[c] >= 0 { b.v[L.segment(Int(seg[c]))] += 1 }
            if chan[c] >= 0 { b.v[L.channel(Int(chan[c]))] += 1 }
            let p = axis.index(d)
            if p >= 0 { perPeriodNew[p] += 1 } else if d < axis.start[0] { before += 1 }
        }
        var run = before
        for p in 0..<L.P { run += perPeriodNew[p]; b.v[L.period(p)] = run }
        return b.v
    }
}

/// Values of every KPI in every group, filled by the families.
struct Board {
    let L: Layout
    let K: Int
    var cells: [KPIValue?]

    init(_ L: Layout) {
        self.L = L; K = KPICatalog.all.count
        cells = [KPIValue?](repeating: nil, count: L.G * K)
    }

    subscript(g: Int, id: String) -> KPIValue? {
        get { cells[g * K + KPICatalog.index[id]!] }
        set { cells[g * K + KPICatalog.index[id]!] = newValue }
    }

    /// Marks `ids` unavailable in every group.
    mutating func unavailable(_ ids: [String], _ why: String) {
        for g in 0..<L.G { for id in ids { self[g, id] = .missing(id, why) } }
    }

    /// A plain value, unavailable with `why` when not finite.
    mutating func set(_ g: Int, _ id: String, _ x: Double, n: Int? = nil, why: String) {
        self[g, id] = x.isFinite ? KPIValue(id: id, value: x, n: n) : .missing(id, why)
    }

    /// A share `k / n` with a Wilson interval and a small-sample warning.
    mutating func share(_ g: Int, _ id: String, _ k: Double, _ n: Double, z: Double, minSample: Int, why: String) {
        guard n > 0 else { self[g, id] = .missing(id, why); return }
        let (lo, hi) = Stats.wilson(successes: k, trials: n, z: z)
        self[g, id] = KPIValue(id: id, value: k / n, n: Int(n), lower: lo, upper: hi,
                               warning: Int(n) < minSample ? "only \(Int(n)) in the sample (< \(minSample)): too few to read" : nil)
    }

    func result(_ f: KPIFrame) -> KPIResult {
        func group(_ g: Int) -> [KPIValue] {
            KPICatalog.all.enumerated().map { i, d in cells[g * K + i] ?? .missing(d.id, "not computed") }
        }
        let ax = f.axis
        let periods = (0..<L.P).map { p in
            KPIGroup(key: ax.label(p), start: Civil.iso(ax.start[p]), end: Civil.iso(ax.end[p]),
                     partial: ax.isPartial(p), kpis: group(L.period(p)))
        }
        let segs = f.segLevels.enumerated().map { s, name in KPIGroup(key: name, kpis: group(L.segment(s))) }
        let chans = f.chanLevels.enumerated().map { c, name in KPIGroup(key: name, kpis: group(L.channel(c))) }
        return KPIResult(asOf: Civil.iso(ax.asOf), windowStart: Civil.iso(ax.start[0]), options: f.opt,
                         definitions: KPICatalog.all, overall: group(0), byPeriod: periods, bySegment: segs,
                         byChannel: chans, notes: f.notes, targets: nil)
    }
}
