import Foundation
import TenureData
import TenureNumerics

/// The synthetic CRM data generator. Deterministic: the same `SynthConfig` (seed included) gives
/// the same columns and the same bytes on every run and platform. Each table draws from its own
/// random stream, so choosing a subset of tables does not change the ones written.
///
/// The model (BG/NBD purchases, Gamma-Gamma spend, sBG subscription churn, …) is described in
/// `Truth.modelNotes` and datasets/README.md.
public enum Synth {
    /// Generates every table in `config.tables` (transactions and the customer latents always).
    ///
    /// Work runs in fixed blocks of customers on every core (see `Blocks`); the result does not
    /// depend on the number of cores. `progress` is called before each phase with its name
    /// (`steps(config)` phases in all), from the calling thread.
    public static func generate(config: SynthConfig, progress: ((String) -> Void)? = nil) throws -> SyntheticData {
        try config.validate()
        var g = Generator(config: config)
        progress?("customers")
        g.customers()
        progress?("transactions")
        g.purchases()
        let t = config.tables
        if t.contains(.subscriptions) { progress?("subscriptions"); g.subscriptionRows() }
        if t.contains(.surveys) { progress?("surveys"); g.surveyRows() }
        if t.contains(.tickets) { progress?("tickets"); g.ticketRows() }
        if t.contains(.interactions) { progress?("interactions"); g.interactionRows() }
        if t.contains(.leads) { progress?("leads"); g.leadRows() }
        if t.contains(.marketingSpend) { progress?("marketing spend"); g.spendRows() }
        g.data.truth = g.makeTruth()
        return g.data
    }

    /// Number of `progress` calls `generate` makes for `config`.
    public static func steps(_ config: SynthConfig) -> Int {
        2 + config.tables.filter { $0 != .transactions && $0 != .customers }.count
    }

    /// Independent stream `k` of a seed (SplitMix64 finaliser of seed and stream number).
    static func stream(_ seed: UInt64, _ k: UInt64) -> RNG {
        var z = seed &+ 0x9E37_79B9_7F4A_7C15 &* (k &+ 1)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return RNG(seed: z ^ (z >> 31) ^ k)
    }
}

/// Cumulative distribution for drawing an index from (unnormalised) probabilities.
struct Categorical {
    var cum: [Double]
    init(_ p: [Double]) {
        let total = p.reduce(0, +)
        var c = 0.0
        cum = p.map { c += $0 / (total > 0 ? total : 1); return c }
        if !cum.isEmpty { cum[cum.count - 1] = 1.0 }
    }
    @inline(__always) func draw(_ rng: inout RNG) -> Int {
        let u = rng.uniform()
        var i = 0
        while i < cum.count - 1 && u >= cum[i] { i += 1 }
        return i
    }
}

/// Adds `k` calendar months to a day, clamping the day of month (Jan 31 + 1 month = Feb 28/29).
@inline(__always) func addMonths(_ d: Day, _ k: Int) -> Day {
    let (y, m, dd) = Civil.date(d)
    let total = y * 12 + (m - 1) + k
    let ny = total / 12, nm = total % 12 + 1
    return Civil.day(year: ny, month: nm, day: min(dd, Civil.daysInMonth(year: ny, month: nm)))
}

/// Stable order of rows by a day key (LSD radix sort).
func orderByDay(_ keys: [Day]) -> [Int] {
    guard let lo = keys.min() else { return [] }
    return radixOrder(keys.map { UInt32(truncatingIfNeeded: Int64($0) - Int64(lo)) })
}

/// Stable order of rows by a time in seconds (LSD radix sort on the offset from the earliest).
func orderByTime(_ t: [Int64]) -> [Int] {
    guard let lo = t.min(), let hi = t.max() else { return [] }
    guard hi - lo <= Int64(UInt32.max) else {
        return t.indices.sorted { (t[$0], $0) < (t[$1], $1) }
    }
    return radixOrder(t.map { UInt32(truncatingIfNeeded: $0 - lo) })
}

/// Stable order of `keys` (least-significant-digit radix sort, 11 bits a pass, only as many
/// passes as the largest key needs). O(n) time, two index arrays of memory.
func radixOrder(_ keys: [UInt32]) -> [Int] {
    let n = keys.count
    guard n > 1, let maxKey = keys.max() else { return Array(0..<n) }
    let bits: UInt32 = 11, radix = 1 << bits, mask = UInt32(radix - 1)
    var order = [Int](repeating: 0, count: n), tmp = [Int](repeating: 0, count: n)
    var counts = [Int](repeating: 0, count: radix)
    var shift: UInt32 = 0, first = true
    keys.withUnsafeBufferPointer { k in
        while true {
            counts.withUnsafeMutableBufferPointer { c in
                for i in 0..<radix { c[i] = 0 }
                for i in 0..<n { c[Int((k[i] >> shift) & mask)] += 1 }
                var sum = 0
                for i in 0..<radix { let x = c[i]; c[i] = sum; sum += x }
                order.withUnsafeBufferPointer { src in
                    tmp.withUnsafeMutableBufferPointer { dst in
                        if first {
                            for i in 0..<n { let b = Int((k[i] >> shift) & mask); dst[c[b]] = i; c[b] += 1 }
                        } else {
                            for j in 0..<n { let i = src[j]; let b = Int((k[i] >> shift) & mask); dst[c[b]] = i; c[b] += 1 }
                        }
                    }
                }
            }
            swap(&order, &tmp)
            first = false
            shift += bits
            if shift >= 32 || (maxKey >> shift) == 0 { break }
        }
    }
    return order
}

extension Array {
    /// `self[order[0]], self[order[1]], …`
    func permuted(_ order: [Int]) -> [Element] {
        withUnsafeBufferPointer { src in
            [Element](unsafeUninitializedCapacity: order.count) { dst, count in
                order.withUnsafeBufferPointer { o in
                    for j in 0..<o.count { (dst.baseAddress! + j).initialize(to: src[o[j]]) }
                }
                count = order.count
            }
        }
    }
}

struct Generator {
    let c: SynthConfig
    var data: SyntheticData
    let asOf: Day
    /// Seconds since the epoch at the end of observation (start of the day after `asOf`).
    let endSecond: Int64

    init(config: SynthConfig) {
        c = config
        asOf = config.observationEnd
        endSecond = (Int64(config.observationEnd) + 1) * 86400
        data = SyntheticData(config: config, truth: Truth.placeholder)
    }

    // MARK: customers and latents (stream 1)

    mutating func customers() {
        let c = self.c, asOf = self.asOf
        let n = c.customers
        // Acquisition days: uniform over the window, customers numbered in order of acquisition.
        var rng = Synth.stream(c.seed, 1)
        var perDay = [Int](repeating: 0, count: c.acquisitionDays)
        for _ in 0..<n { perDay[rng.int(below: c.acquisitionDays)] += 1 }
        var days = [Day](); days.reserveCapacity(n)
        for (k, m) in perDay.enumerated() where m > 0 {
            days.append(contentsOf: repeatElement(c.acquisitionStart + Day(k), count: m))
        }

        let segmentDraw = Categorical(c.segments.map(\.share))
        let channelDraws = c.segments.map { Categorical($0.channelMix) }
        let categoryDraw = Categorical(c.products.categoryWeights)
        let bg = c.bgnbd, gg = c.gammaGamma, sbg = c.sbg
        let logLambdaMean = Special.digamma(bg.r) - log(bg.alpha), logLambdaSD = Special.trigamma(bg.r).squareRoot()
        let logThetaMean = Special.digamma(sbg.alpha) - Special.digamma(sbg.alpha + sbg.beta)
        let logThetaSD = (Special.trigamma(sbg.alpha) - Special.trigamma(sbg.alpha + sbg.beta)).squareRoot()
        let engagementSD = (100.0 + 36 + 64).squareRoot()
        let costSigma = c.acquisitionCostLogSD

        let blocks = Blocks.ranges(n, Blocks.customers)
        let parts = days.withUnsafeBufferPointer { days in
            Blocks.map(blocks.count) { b -> (SyntheticData.Customers, SyntheticData.Latent) in
                var rng = Synth.stream(c.seed, 1, block: b)
                let range = blocks[b], m = range.count
                var cu = SyntheticData.Customers(), la = SyntheticData.Latent()
                cu.segment.reserveCapacity(m); cu.channel.reserveCapacity(m); cu.acquisitionCents.reserveCapacity(m)
                cu.age.reserveCapacity(m); cu.engagementTenths.reserveCapacity(m); cu.initiativeGroup.reserveCapacity(m)
                la.lambda.reserveCapacity(m); la.dropout.reserveCapacity(m); la.nu.reserveCapacity(m)
                la.theta.reserveCapacity(m); la.subscriber.reserveCapacity(m); la.favouriteCategory.reserveCapacity(m)
                la.viaLead.reserveCapacity(m); la.engagementZ.reserveCapacity(m); la.ageWeeks.reserveCapacity(m)
                for i in range {
                    let s = segmentDraw.draw(&rng)
                    let seg = c.segments[s]
                    let ch = channelDraws[s].draw(&rng)
                    let chan = c.channels[ch]
                    let cost = chan.acquisitionCost * seg.acquisitionCostMultiplier
                        * exp(rng.normal(mean: -costSigma * costSigma / 2, sd: costSigma))
                    let age = min(85, max(18, rng.normal(mean: seg.ageMean, sd: seg.ageSD).rounded()))
                    let lambda0 = rng.gamma(shape: bg.r, scale: 1 / bg.alpha)
                    let p = rng.beta(bg.a, bg.b)
                    let nu = rng.gamma(shape: gg.q, scale: 1 / gg.gamma)
                    let theta = rng.beta(sbg.alpha, sbg.beta)
                    let subscribes = rng.uniform() < min(1, seg.subscribeProbability * chan.subscribeMultiplier)
                    let favourite = categoryDraw.draw(&rng)
                    let enrolU = rng.uniform(), groupU = rng.uniform()
                    let noise = rng.normal()
                    let lead = rng.uniform() < seg.leadProbability

                    var group: Int8 = -1
                    if let ini = c.initiative, days[i] < ini.start, enrolU < ini.enrolledShare {
                        group = groupU < ini.treatmentShare ? 1 : 0
                    }
                    let zLambda = (log(max(lambda0, .leastNormalMagnitude)) - logLambdaMean) / logLambdaSD
                    let zTheta = -(log(max(theta, .leastNormalMagnitude)) - logThetaMean) / logThetaSD
                    let engagement = min(100, max(0, 50 + 10 * zLambda + 6 * zTheta + 8 * noise))
                    let tenths = (engagement * 10).rounded()

                    cu.segment.append(UInt8(s)); cu.channel.append(UInt8(ch))
                    cu.acquisitionCents.append(max(1, Int64((cost * 100).rounded())))
                    cu.age.append(Int16(age)); cu.engagementTenths.append(Int16(tenths)); cu.initiativeGroup.append(group)
                    la.lambda.append(lambda0 * seg.purchaseRateMultiplier); la.dropout.append(p); la.nu.append(nu)
                    la.theta.append(theta); la.subscriber.append(subscribes); la.favouriteCategory.append(UInt8(favourite))
                    la.viaLead.append(lead); la.engagementZ.append((tenths / 10 - 50) / engagementSD)
                    la.ageWeeks.append(Double(Int(asOf) + 1 - Int(days[i])) / 7)
                }
                return (cu, la)
            }
        }
        var cu = SyntheticData.Customers(), la = SyntheticData.Latent()
        cu.signupDay = days
        cu.segment = .joined(parts.map(\.0.segment)); cu.channel = .joined(parts.map(\.0.channel))
        cu.acquisitionCents = .joined(parts.map(\.0.acquisitionCents)); cu.age = .joined(parts.map(\.0.age))
        cu.engagementTenths = .joined(parts.map(\.0.engagementTenths))
        cu.initiativeGroup = .joined(parts.map(\.0.initiativeGroup))
        la.lambda = .joined(parts.map(\.1.lambda)); la.dropout = .joined(parts.map(\.1.dropout))
        la.nu = .joined(parts.map(\.1.nu)); la.theta = .joined(parts.map(\.1.theta))
        la.subscriber = .joined(parts.map(\.1.subscriber)); la.favouriteCategory = .joined(parts.map(\.1.favouriteCategory))
        la.viaLead = .joined(parts.map(\.1.viaLead)); la.engagementZ = .joined(parts.map(\.1.engagementZ))
        la.ageWeeks = .joined(parts.map(\.1.ageWeeks))
        data.customers = cu
        data.latent = la
    }

    // MARK: transactions (stream 2)

    mutating func purchases() {
        let c = self.c
        let per = c.products.productsPerCategory, ncat = c.products.categories.count
        let affinity = c.products.affinity, pShape = c.gammaGamma.p
        let cu = data.customers, la = data.latent
        struct Part { var cust = [Int32](), day = [Day](), cents = [Int64](), product = [Int16]()
                      var aliveWeeks = [Double](), alive = [Bool]() }
        let blocks = Blocks.ranges(c.customers, Blocks.customers)
        let parts = Blocks.map(blocks.count) { b -> Part in
            var rng = Synth.stream(c.seed, 2, block: b)
            var o = Part()
            let guess = blocks[b].count * 3
            o.cust.reserveCapacity(guess); o.day.reserveCapacity(guess); o.cents.reserveCapacity(guess)
            o.product.reserveCapacity(guess); o.aliveWeeks.reserveCapacity(blocks[b].count)
            o.alive.reserveCapacity(blocks[b].count)
            for i in blocks[b] {
                let d0 = cu.signupDay[i]
                let T = la.ageWeeks[i]
                let lambda = la.lambda[i], p = la.dropout[i]
                let spendScale = c.segments[Int(cu.segment[i])].spendMultiplier / la.nu[i]
                let fav = Int(la.favouriteCategory[i])
                // Initiative window in weeks since acquisition, for treated customers.
                var w0 = Double.infinity, w1 = Double.infinity, lift = 0.0
                if cu.initiativeGroup[i] == 1, let ini = c.initiative {
                    w0 = Double(Int(ini.start) - Int(d0)) / 7
                    w1 = w0 + Double(ini.weeks)
                    lift = ini.rateLift
                }
                @inline(__always) func emit(_ t: Double, _ rng: inout RNG) {
                    let amount = spendScale * rng.gamma(shape: pShape)
                    var category = fav
                    if t > 0, ncat > 1, rng.uniform() >= affinity {
                        category = rng.int(below: ncat - 1)
                        if category >= fav { category += 1 }
                    }
                    let item = rng.int(below: per)
                    o.cust.append(Int32(i))
                    o.day.append(d0 + Day((t * 7).rounded(.down)))
                    o.cents.append(max(1, Int64((amount * 100).rounded())))
                    o.product.append(Int16(category * per + item))
                }
                emit(0, &rng)
                // Operational time u runs at rate λ; real time t = u except inside the treated window,
                // where u runs (1 + lift) times faster (a time change of the Poisson process).
                var u = 0.0
                var end = T, alive = true
                while true {
                    u += rng.exponential(rate: lambda)
                    var t = u
                    if u > w0 {
                        let stretched = (w1 - w0) * (1 + lift)
                        t = u < w0 + stretched ? w0 + (u - w0) / (1 + lift) : u - lift * (w1 - w0)
                    }
                    if !(t < T) { break }
                    emit(t, &rng)
                    if rng.uniform() < p { end = t; alive = false; break }
                }
                o.aliveWeeks.append(end)
                o.alive.append(alive)
            }
            return o
        }
        data.latent.aliveWeeks = .joined(parts.map(\.aliveWeeks))
        data.latent.alive = .joined(parts.map(\.alive))
        let day = Array.joined(parts.map(\.day))
        let order = orderByDay(day)
        data.transactions = SyntheticData.TransactionRows(
            customer: Array.joined(parts.map(\.cust)).permuted(order), day: day.permuted(order),
            cents: Array.joined(parts.map(\.cents)).permuted(order),
            product: Array.joined(parts.map(\.product)).permuted(order))
    }

    // MARK: subscriptions (stream 3)

    mutating func subscriptionRows() {
        let c = self.c, asOf = self.asOf
        let sc = c.subscriptions, top = c.plans.count - 1
        let planDraws = c.segments.map { Categorical($0.planMix) }
        let cu = data.customers, la = data.latent
        let blocks = Blocks.ranges(c.customers, Blocks.customers)
        // churn reasons draw from stream 9, so the rows (stream 3) are those of a generator without reasons
        let reasonDraws = c.endReasons.mixBySegment.map { Categorical($0) }
        typealias R = SyntheticData.SubscriptionRows
        let parts = Blocks.map(blocks.count) { b -> SyntheticData.SubscriptionRows in
            var rng = Synth.stream(c.seed, 3, block: b)
            var why = Synth.stream(c.seed, 9, block: b)
            var rows = SyntheticData.SubscriptionRows()
            for i in blocks[b] where la.subscriber[i] {
                let delay = rng.uniform() < sc.startSameDay ? 0 : 1 + rng.int(below: max(1, sc.maxStartDelayDays))
                var start = cu.signupDay[i] + Day(delay)
                var plan = planDraws[Int(cu.segment[i])].draw(&rng)
                let theta = la.theta[i]
                spells: while start <= asOf {
                    var rowStart = start, k = 0
                    while true {
                        k += 1
                        let renewal = addMonths(start, k)
                        if renewal > asOf {
                            rows.append(i, rowStart, Day.missing, plan, R.reasonNone); break spells
                        }
                        if rng.uniform() < theta {
                            rows.append(i, rowStart, renewal, plan, UInt8(reasonDraws[Int(cu.segment[i])].draw(&why)))
                            if rng.uniform() < sc.reactivation {
                                start = addMonths(renewal, 1 + rng.int(below: 6))
                                continue spells
                            }
                            break spells
                        }
                        let v = rng.uniform()
                        if v < sc.upgradePerMonth && plan < top {
                            rows.append(i, rowStart, renewal, plan, R.reasonUpgrade); plan += 1; rowStart = renewal
                        } else if v >= sc.upgradePerMonth && v < sc.upgradePerMonth + sc.downgradePerMonth && plan > 0 {
                            rows.append(i, rowStart, renewal, plan, R.reasonDowngrade); plan -= 1; rowStart = renewal
                        }
                    }
                }
            }
            return rows
        }
        let start = Array.joined(parts.map(\.start))
        let order = orderByDay(start)
        data.subscriptions = SyntheticData.SubscriptionRows(
            customer: Array.joined(parts.map(\.customer)).permuted(order), start: start.permuted(order),
            end: Array.joined(parts.map(\.end)).permuted(order), plan: Array.joined(parts.map(\.plan)).permuted(order),
            reason: Array.joined(parts.map(\.reason)).permuted(order))
    }

    // MARK: surveys (stream 4, blocks of transaction rows)

    mutating func surveyRows() {
        let c = self.c, asOf = self.asOf
        let sv = c.surveys
        let kindDraw = Categorical(sv.kindMix)
        let scoreDraws = [Categorical(sv.csat), Categorical(sv.nps), Categorical(sv.ces)]
        let offsets: [Int8] = [1, 0, 1]
        let tx = data.transactions
        let blocks = Blocks.ranges(tx.count, Blocks.rows)
        let parts = Blocks.map(blocks.count) { b -> SyntheticData.SurveyRows in
            var rng = Synth.stream(c.seed, 4, block: b)
            var rows = SyntheticData.SurveyRows()
            for r in blocks[b] where rng.uniform() < sv.responseRate {
                let d = tx.day[r] + Day(rng.int(below: 7))
                let kind = kindDraw.draw(&rng)
                let score = Int8(scoreDraws[kind].draw(&rng)) + offsets[kind]
                guard d <= asOf else { continue }
                rows.customer.append(tx.customer[r]); rows.day.append(d)
                rows.kind.append(UInt8(kind)); rows.score.append(score)
            }
            return rows
        }
        let day = Array.joined(parts.map(\.day))
        let order = orderByDay(day)
        data.surveys = SyntheticData.SurveyRows(
            customer: Array.joined(parts.map(\.customer)).permuted(order), day: day.permuted(order),
            kind: Array.joined(parts.map(\.kind)).permuted(order), score: Array.joined(parts.map(\.score)).permuted(order))
    }

    // MARK: tickets (stream 5)

    mutating func ticketRows() {
        let c = self.c, endSecond = self.endSecond
        let tc = c.tickets
        let channelDraw = Categorical(tc.channelMix)
        let responseMu = tc.responseMedianHours.map { log($0) }, resolutionMu = log(tc.resolutionMedianHours)
        let cu = data.customers, la = data.latent
        let blocks = Blocks.ranges(c.customers, Blocks.customers)
        let parts = Blocks.map(blocks.count) { b -> SyntheticData.TicketRows in
            var rng = Synth.stream(c.seed, 5, block: b)
            var rows = SyntheticData.TicketRows()
            for i in blocks[b] {
                let start = Int64(cu.signupDay[i]) * 86400
                let seconds = la.aliveWeeks[i] * 7 * 86400
                let rate = c.segments[Int(cu.segment[i])].ticketsPerYear
                let count = rng.poisson(rate * seconds / (Civil.daysPerYear * 86400))
                for _ in 0..<count {
                    let opened = start + Int64(rng.uniform() * seconds)
                    let ch = channelDraw.draw(&rng)
                    let response = opened + Int64(exp(rng.normal(mean: responseMu[ch], sd: tc.responseLogSD)) * 3600) + 60
                    let resolved = response + Int64(exp(rng.normal(mean: resolutionMu, sd: tc.resolutionLogSD)) * 3600)
                    guard opened < endSecond else { continue }
                    rows.customer.append(Int32(i)); rows.opened.append(opened)
                    rows.firstResponse.append(response < endSecond ? response : SyntheticData.missingTime)
                    rows.resolved.append(resolved < endSecond ? resolved : SyntheticData.missingTime)
                    rows.channel.append(UInt8(ch))
                }
            }
            return rows
        }
        let opened = Array.joined(parts.map(\.opened))
        let order = orderByTime(opened)
        data.tickets = SyntheticData.TicketRows(
            customer: Array.joined(parts.map(\.customer)).permuted(order), opened: opened.permuted(order),
            firstResponse: Array.joined(parts.map(\.firstResponse)).permuted(order),
            resolved: Array.joined(parts.map(\.resolved)).permuted(order),
            channel: Array.joined(parts.map(\.channel)).permuted(order))
    }

    // MARK: interactions (stream 6)

    mutating func interactionRows() {
        let c = self.c, endSecond = self.endSecond
        let ic = c.interactions
        let channelDraw = Categorical(ic.channelMix)
        let cu = data.customers, la = data.latent
        let blocks = Blocks.ranges(c.customers, Blocks.customers)
        let parts = Blocks.map(blocks.count) { b -> SyntheticData.InteractionRows in
            var rng = Synth.stream(c.seed, 6, block: b)
            var rows = SyntheticData.InteractionRows()
            for i in blocks[b] {
                let start = Int64(cu.signupDay[i]) * 86400
                let weeks = la.aliveWeeks[i]
                let count = rng.poisson(ic.perWeek * exp(ic.engagementEffect * la.engagementZ[i]) * weeks)
                for _ in 0..<count {
                    let t = start + Int64(rng.uniform() * weeks * 7 * 86400)
                    let ch = channelDraw.draw(&rng)
                    guard t < endSecond else { continue }
                    rows.customer.append(Int32(i)); rows.time.append(t); rows.channel.append(UInt8(ch))
                }
            }
            return rows
        }
        let time = Array.joined(parts.map(\.time))
        let order = orderByTime(time)
        data.interactions = SyntheticData.InteractionRows(
            customer: Array.joined(parts.map(\.customer)).permuted(order), time: time.permuted(order),
            channel: Array.joined(parts.map(\.channel)).permuted(order))
    }

    // MARK: leads (stream 7)

    mutating func leadRows() {
        let c = self.c, asOf = self.asOf
        let lc = c.leads
        let cw = lc.conversionRate * lc.closeRate
        let convertedIfLost = cw < 1 ? lc.conversionRate * (1 - lc.closeRate) / (1 - cw) : 0
        let sources = c.channels.count + lc.extraSources.count
        @inline(__always) func lognormalDays(_ median: Double, _ sd: Double, _ rng: inout RNG) -> Day {
            1 + Day(exp(rng.normal(mean: log(median), sd: sd)).rounded(.down))
        }
        let cu = data.customers, la = data.latent
        let blocks = Blocks.ranges(c.customers, Blocks.customers)
        let parts = Blocks.map(blocks.count) { b -> SyntheticData.LeadRows in
            var rng = Synth.stream(c.seed, 7, block: b)
            var rows = SyntheticData.LeadRows()
            func add(_ created: Day, _ source: Int, _ converted: Day, _ closed: Day, _ won: Bool, _ customer: Int32) {
                guard created <= asOf else { return }
                let conv = converted != Day.missing && converted <= asOf ? converted : Day.missing
                let clo = closed != Day.missing && closed <= asOf ? closed : Day.missing
                let stage = clo != Day.missing ? (won ? 2 : 3) : (conv != Day.missing ? 1 : 0)
                rows.created.append(created); rows.source.append(UInt8(source)); rows.stage.append(UInt8(stage))
                rows.converted.append(conv); rows.closed.append(clo)
                rows.won.append(clo == Day.missing ? -1 : (won ? 1 : 0))
                rows.customer.append(won && clo != Day.missing ? customer : -1)
            }
            for i in blocks[b] where la.viaLead[i] {
                let d0 = cu.signupDay[i]
                // The won lead: created → converted → closed (won) on the signup day.
                let converted = d0 - lognormalDays(14, 0.6, &rng)
                let created = converted - lognormalDays(10, 0.7, &rng)
                add(created, Int(cu.channel[i]), converted, d0, true, Int32(i))
                // Leads that did not close, so that won / all ≈ conversion × close rate.
                while rng.uniform() >= cw {
                    let anchor = d0 + Day(rng.int(below: 121)) - 90
                    let source = rng.uniform() < 0.5 ? Int(cu.channel[i]) : rng.int(below: sources)
                    if rng.uniform() < convertedIfLost {
                        let conv = anchor + lognormalDays(10, 0.7, &rng)
                        let lost = rng.uniform() < 0.85 ? conv + lognormalDays(14, 0.6, &rng) : Day.missing
                        add(anchor, source, conv, lost, false, -1)
                    } else {
                        let lost = rng.uniform() < 0.7 ? anchor + lognormalDays(20, 0.8, &rng) : Day.missing
                        add(anchor, source, Day.missing, lost, false, -1)
                    }
                }
            }
            return rows
        }
        let created = Array.joined(parts.map(\.created))
        let order = orderByDay(created)
        data.leads = SyntheticData.LeadRows(
            created: created.permuted(order), source: Array.joined(parts.map(\.source)).permuted(order),
            stage: Array.joined(parts.map(\.stage)).permuted(order),
            converted: Array.joined(parts.map(\.converted)).permuted(order),
            closed: Array.joined(parts.map(\.closed)).permuted(order), won: Array.joined(parts.map(\.won)).permuted(order),
            customer: Array.joined(parts.map(\.customer)).permuted(order))
    }

    // MARK: marketing spend (no randomness)

    mutating func spendRows() {
        let first = Civil.date(c.acquisitionStart), last = Civil.date(c.acquisitionEnd)
        let months = (last.year * 12 + last.month) - (first.year * 12 + first.month) + 1
        let nch = c.channels.count
        var cents = [Int64](repeating: 0, count: months * nch)
        let cu = data.customers
        for i in 0..<c.customers {
            let (y, m, _) = Civil.date(cu.signupDay[i])
            let k = (y * 12 + m) - (first.year * 12 + first.month)
            cents[k * nch + Int(cu.channel[i])] += cu.acquisitionCents[i]
        }
        var rows = SyntheticData.SpendRows()
        for k in 0..<months {
            let monthDay = addMonths(Civil.day(year: first.year, month: first.month, day: 1), k)
            for ch in 0..<nch {
                rows.month.append(monthDay); rows.channel.append(UInt8(ch)); rows.cents.append(cents[k * nch + ch])
            }
        }
        data.marketingSpend = rows
    }

    // MARK: truth

    func makeTruth() -> Truth {
        let bg = c.bgnbd, gg = c.gammaGamma
        let shareTotal = c.segments.map(\.share).reduce(0, +)
        let segments = c.segments.map { s in
            Truth.SegmentTruth(
                name: s.name, share: s.share / shareTotal, purchaseRateMultiplier: s.purchaseRateMultiplier,
                spendMultiplier: s.spendMultiplier,
                bgnbd: .init(r: bg.r, alpha: bg.alpha / s.purchaseRateMultiplier, a: bg.a, b: bg.b),
                gammaGamma: .init(p: gg.p, q: gg.q, gamma: gg.gamma * s.spendMultiplier),
                expectedAmount: gg.q > 1 ? gg.p * gg.gamma * s.spendMultiplier / (gg.q - 1) : .infinity,
                subscribeProbability: s.subscribeProbability, acquisitionCostMultiplier: s.acquisitionCostMultiplier,
                channelMix: s.channelMix, planMix: s.planMix, ticketsPerYear: s.ticketsPerYear,
                leadProbability: s.leadProbability, ageMean: s.ageMean, ageSD: s.ageSD)
        }
        let lbB = Special.logBeta(c.sbg.alpha, c.sbg.beta)
        let survival = (0...12).map { t in exp(Special.logBeta(c.sbg.alpha, c.sbg.beta + Double(t)) - lbB) }
        func normalised(_ p: [Double]) -> [Double] { let s = p.reduce(0, +); return p.map { $0 / s } }
        let csat = normalised(c.surveys.csat), nps = normalised(c.surveys.nps), ces = normalised(c.surveys.ces)
        let surveys = Truth.SurveyTruth(
            model: c.surveys, csat: csat[3] + csat[4],
            nps: 100 * (nps[9] + nps[10] - nps[0...6].reduce(0, +)),
            ces: ces.enumerated().map { Double($0.offset + 1) * $0.element }.reduce(0, +))

        var initiative: Truth.InitiativeTruth?
        if let ini = c.initiative {
            let endDay = ini.start + Day(ini.weeks * 7)
            var count = [0, 0], purchases = [0, 0], revenue: [Int64] = [0, 0]
            for g in data.customers.initiativeGroup where g >= 0 { count[Int(g)] += 1 }
            let tx = data.transactions
            for r in 0..<tx.count where tx.day[r] >= ini.start && tx.day[r] < endDay {
                let g = data.customers.initiativeGroup[Int(tx.customer[r])]
                if g >= 0 { purchases[Int(g)] += 1; revenue[Int(g)] += tx.cents[r] }
            }
            func mean(_ x: Double, _ n: Int) -> Double { n > 0 ? x / Double(n) : 0 }
            initiative = Truth.InitiativeTruth(
                name: ini.name, start: Civil.iso(ini.start), end: Civil.iso(endDay - 1),
                enrolledShare: ini.enrolledShare, treatmentShare: ini.treatmentShare, rateLift: ini.rateLift,
                outcome: "transactions per enrolled customer dated within the window (start…end inclusive); customers.csv columns initiative = name, group = treatment | control",
                treatmentCustomers: count[1], controlCustomers: count[0],
                treatmentMeanPurchases: mean(Double(purchases[1]), count[1]),
                controlMeanPurchases: mean(Double(purchases[0]), count[0]),
                treatmentMeanRevenue: mean(Double(revenue[1]) / 100, count[1]),
                controlMeanRevenue: mean(Double(revenue[0]) / 100, count[0]))
        }
        var rows: [String: Int] = [:]
        for (t, n) in data.rowCounts { rows[t.rawValue] = n }
        let n = c.customers
        return Truth(
            seed: c.seed, customers: n, acquisitionStart: Civil.iso(c.acquisitionStart),
            acquisitionEnd: Civil.iso(c.acquisitionEnd), observationEnd: Civil.iso(c.observationEnd),
            timeUnit: "week", bgnbd: bg, gammaGamma: gg,
            sbg: .init(alpha: c.sbg.alpha, beta: c.sbg.beta, period: "month", survival: survival),
            segments: segments, channels: c.channels, acquisitionCostLogSD: c.acquisitionCostLogSD, plans: c.plans,
            subscriptions: c.subscriptions, products: c.products, surveys: surveys, tickets: c.tickets,
            interactions: c.interactions,
            leads: .init(conversionRate: c.leads.conversionRate, closeRate: c.leads.closeRate,
                         leadConversionRate: c.leads.conversionRate * c.leads.closeRate,
                         salesConversionRate: c.leads.closeRate,
                         sources: c.channels.map(\.name) + c.leads.extraSources),
            initiative: initiative,
            endReasons: .init(reasons: c.endReasons.churn, planChanges: [c.endReasons.upgrade, c.endReasons.downgrade],
                              segments: zip(c.segments, c.endReasons.mixBySegment).map { seg, raw in
                                  let mix = normalised(raw)
                                  let h = (1...12).map { t in c.sbg.alpha / (c.sbg.alpha + c.sbg.beta + Double(t - 1)) }
                                  return .init(name: seg.name, mix: mix, hazard: mix.map { m in h.map { m * $0 } },
                                               cumulativeIncidence: mix.map { m in survival.map { m * (1 - $0) } })
                              }),
            notes: Truth.modelNotes,
            realised: .init(rows: rows, transactionsPerCustomer: Double(data.transactions.count) / Double(n),
                            aliveShare: Double(data.latent.alive.filter { $0 }.count) / Double(n),
                            subscribers: data.latent.subscriber.filter { $0 }.count))
    }
}

extension SyntheticData.SubscriptionRows {
    mutating func append(_ i: Int, _ start: Day, _ end: Day, _ plan: Int, _ reason: UInt8) {
        customer.append(Int32(i)); self.start.append(start); self.end.append(end); self.plan.append(UInt8(plan))
        self.reason.append(reason)
    }

}

extension Truth {
    static let placeholder = Truth(
        seed: 0, customers: 0, acquisitionStart: "", acquisitionEnd: "", observationEnd: "", timeUnit: "week",
        bgnbd: .init(r: 0, alpha: 0, a: 0, b: 0), gammaGamma: .init(p: 0, q: 0, gamma: 0),
        sbg: .init(alpha: 0, beta: 0, period: "month", survival: []), segments: [], channels: [],
        acquisitionCostLogSD: 0, plans: [],
        subscriptions: .init(startSameDay: 0, maxStartDelayDays: 0, upgradePerMonth: 0, downgradePerMonth: 0, reactivation: 0),
        products: .init(categories: [], categoryWeights: [], productsPerCategory: 0, affinity: 0),
        surveys: .init(model: .init(responseRate: 0, kindMix: [], csat: [], nps: [], ces: []), csat: 0, nps: 0, ces: 0),
        tickets: .init(channels: [], channelMix: [], responseMedianHours: [], responseLogSD: 0,
                       resolutionMedianHours: 0, resolutionLogSD: 0),
        interactions: .init(channels: [], channelMix: [], perWeek: 0, engagementEffect: 0),
        leads: .init(conversionRate: 0, closeRate: 0, leadConversionRate: 0, salesConversionRate: 0, sources: []),
        initiative: nil, endReasons: nil, notes: [], realised: .init(rows: [:], transactionsPerCustomer: 0, aliveShare: 0, subscribers: 0))
}
