import TenureNumerics

/// Right-censored survival data: one duration and one event flag per subject.
///
/// `time` is in days (any non-negative finite value; integral day counts take a faster path);
/// `event[i]` is true when subject `i` churned at `time[i]`, false when it was still a customer
/// then (right-censored).
public struct SurvivalSample: Sendable {
    public var time: [Double]
    public var event: [Bool]
    public init(time: [Double], event: [Bool]) {
        precondition(time.count == event.count, "SurvivalSample: \(time.count) times, \(event.count) events")
        self.time = time; self.event = event
    }
    public var count: Int { time.count }
    public var eventCount: Int { event.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// Throws unless every time is finite and non-negative.
    public func validate(model: String) throws {
        for t in time where !(t.isFinite && t >= 0) {
            throw FitError(model: model, reason: "a duration is \(t); durations must be finite and ≥ 0")
        }
    }
}

/// Counts of events and censorings at each distinct time, ascending: the sufficient statistic of
/// Kaplan–Meier, Nelson–Aalen and the log-rank test.
public struct EventTable: Sendable, Equatable {
    /// Distinct times (events or censorings), ascending.
    public var times: [Double] = []
    public var events: [Int] = []
    public var censored: [Int] = []
    public var total: Int { events.reduce(0, +) + censored.reduce(0, +) }
    public init() {}
    public init(times: [Double], events: [Int], censored: [Int]) {
        self.times = times; self.events = events; self.censored = censored
    }

    /// The table of counts keyed by time (times sorted ascending).
    public init(counts byTime: [Double: (events: Int, censored: Int)]) {
        let times = byTime.keys.sorted()
        self.init(times: times, events: times.map { byTime[$0]!.events }, censored: times.map { byTime[$0]!.censored })
    }

    /// The table of the subjects of all `tables` together (counts at equal times added).
    public static func merged(_ tables: [EventTable]) -> EventTable {
        var byTime: [Double: (events: Int, censored: Int)] = [:]
        for t in tables {
            for i in t.times.indices {
                var e = byTime[t.times[i]] ?? (0, 0)
                e.events += t.events[i]; e.censored += t.censored[i]
                byTime[t.times[i]] = e
            }
        }
        return EventTable(counts: byTime)
    }

    /// Tabulates the subjects `indices` (all when nil). Integral times in a compact range are
    /// counted in O(n + range); anything else is sorted, O(n log n).
    public static func tabulate(_ s: SurvivalSample, indices: [Int]? = nil) -> EventTable {
        tabulateChecked(s, indices: indices).table
    }

    /// The table, and whether every time tabulated was finite and ≥ 0 (checked in the same pass).
    static func tabulateChecked(_ s: SurvivalSample, indices: [Int]? = nil) -> (table: EventTable, valid: Bool) {
        s.time.withUnsafeBufferPointer { tp in
            s.event.withUnsafeBufferPointer { ep in
                if let indices {
                    return tabulate(count: indices.count, time: { tp[indices[$0]] }, event: { ep[indices[$0]] })
                }
                return tabulate(count: tp.count, time: { tp[$0] }, event: { ep[$0] })
            }
        }
    }

    @inline(__always)
    static func tabulate(count n: Int, time: (Int) -> Double, event: (Int) -> Bool) -> (table: EventTable, valid: Bool) {
        var out = EventTable()
        guard n > 0 else { return (out, true) }
        var lo = Double.infinity, hi = -Double.infinity, integral = true
        for i in 0..<n {
            let t = time(i)
            if t < lo { lo = t }
            if t > hi { hi = t }
            if integral && t != t.rounded(.down) { integral = false }
        }
        // NaN fails every comparison, so a NaN anywhere leaves lo/hi unable to certify validity
        guard lo >= 0, hi < .infinity, time(0) == time(0) else { return (out, false) }
        if !(integral) || hi - lo > Double(max(1 << 22, 4 * n)) {
            for i in 0..<n where time(i).isNaN { return (out, false) }
        }
        if integral && hi - lo <= Double(max(1 << 22, 4 * n)) {
            let base = Int(lo), range = Int(hi) - base + 1
            var ev = [Int32](repeating: 0, count: range), ce = [Int32](repeating: 0, count: range)
            ev.withUnsafeMutableBufferPointer { evp in
                ce.withUnsafeMutableBufferPointer { cep in
                    for i in 0..<n {
                        let k = Int(time(i)) - base
                        if event(i) { evp[k] &+= 1 } else { cep[k] &+= 1 }
                    }
                }
            }
            for k in 0..<range where ev[k] != 0 || ce[k] != 0 {
                out.times.append(Double(base + k)); out.events.append(Int(ev[k])); out.censored.append(Int(ce[k]))
            }
            return (out, true)
        }
        var order = Array(0..<n)
        var t = [Double](repeating: 0, count: n)
        for i in 0..<n { t[i] = time(i) }
        order.sort { t[$0] < t[$1] }
        var i = 0
        while i < n {
            let ti = t[order[i]]
            var d = 0, c = 0
            while i < n && t[order[i]] == ti {
                if event(order[i]) { d += 1 } else { c += 1 }
                i += 1
            }
            out.times.append(ti); out.events.append(d); out.censored.append(c)
        }
        return (out, true)
    }
}
