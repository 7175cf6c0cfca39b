import Foundation
import Testing
import TenureData
@testable import TenureSynth

/// The synthetic generator: determinism, file layout (SPEC §1 columns) and that the data honour
/// the model parameters (closed forms computed here, independently of the generator).
@Suite struct GeneratorTests {
    static func tempDir(_ name: String) -> String {
        let p = NSTemporaryDirectory() + "tenure-gen-\(getpid())-\(name)-\(UInt32.random(in: 0...UInt32.max))"
        try? FileManager.default.removeItem(atPath: p)
        return p
    }

    static func files(_ dir: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for f in try FileManager.default.contentsOfDirectory(atPath: dir) {
            out[f] = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + f))
        }
        return out
    }

    /// A configuration whose pooled data is exactly BG/NBD / Gamma-Gamma (no segment effects, no initiative).
    static func pooled(_ n: Int, seed: UInt64) -> SynthConfig {
        var c = SynthConfig(customers: n, seed: seed)
        for i in c.segments.indices { c.segments[i].purchaseRateMultiplier = 1; c.segments[i].spendMultiplier = 1 }
        c.initiative = nil
        return c
    }

    static let expectedFiles = ["transactions.csv", "customers.csv", "subscriptions.csv", "surveys.csv", "tickets.csv",
                                "interactions.csv", "leads.csv", "marketing_spend.csv", "truth.json"]

    @Test func sameSeedGivesSameBytes() throws {
        let a = Self.tempDir("a"), b = Self.tempDir("b"), c = Self.tempDir("c")
        defer { for d in [a, b, c] { try? FileManager.default.removeItem(atPath: d) } }
        try Synth.generate(config: SynthConfig(customers: 1500, seed: 7)).write(to: a)
        try Synth.generate(config: SynthConfig(customers: 1500, seed: 7)).write(to: b)
        try Synth.generate(config: SynthConfig(customers: 1500, seed: 8)).write(to: c)
        let fa = try Self.files(a), fb = try Self.files(b), fc = try Self.files(c)
        #expect(Set(fa.keys) == Set(Self.expectedFiles))
        for name in Self.expectedFiles {
            #expect(fa[name] == fb[name], "\(name) differs between two runs with the same seed")
            #expect(fa[name] != fc[name], "\(name) is the same for seeds 7 and 8")
        }
    }

    @Test func subsetOfTablesLeavesTransactionsUnchanged() throws {
        var only = SynthConfig(customers: 800, seed: 3)
        only.tables = [.transactions]
        let all = try Synth.generate(config: SynthConfig(customers: 800, seed: 3))
        let sub = try Synth.generate(config: only)
        #expect(sub.transactions.cents == all.transactions.cents)
        #expect(sub.transactions.day == all.transactions.day)
        #expect(sub.subscriptions.count == 0)
        let d = Self.tempDir("only")
        defer { try? FileManager.default.removeItem(atPath: d) }
        try sub.write(to: d)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: d)) == ["transactions.csv", "truth.json"])
    }

    @Test func everyTableHasTheSpecColumns() throws {
        let d = Self.tempDir("cols")
        defer { try? FileManager.default.removeItem(atPath: d) }
        try Synth.generate(config: SynthConfig(customers: 500, seed: 1)).write(to: d)
        let spec: [String: [String]] = [
            "transactions.csv": ["customer_id", "date", "amount", "order_id", "segment", "channel", "product", "category"],
            "customers.csv": ["customer_id", "signup_date", "segment", "channel", "acquisition_cost", "age",
                              "engagement_score", "initiative", "group"],
            "subscriptions.csv": ["customer_id", "start_date", "end_date", "plan", "mrr", "end_reason"],
            "surveys.csv": ["customer_id", "date", "kind", "score"],
            "tickets.csv": ["ticket_id", "customer_id", "opened_at", "first_response_at", "resolved_at", "channel"],
            "interactions.csv": ["customer_id", "timestamp", "channel"],
            "leads.csv": ["lead_id", "created_at", "source", "stage", "converted_at", "closed_at", "won", "customer_id"],
            "marketing_spend.csv": ["period", "channel", "amount"],
        ]
        for (file, columns) in spec {
            let text = try String(contentsOfFile: d + "/" + file, encoding: .utf8)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.first.map { $0.split(separator: ",").map(String.init) } == columns, "\(file) header")
            #expect(text.hasSuffix("\n"))
            #expect(lines.count > 2, "\(file) has rows")
            for line in lines.dropFirst().dropLast() {
                #expect(line.split(separator: ",", omittingEmptySubsequences: false).count == columns.count,
                        "\(file): \(line)")
            }
        }
        // Formats: ISO dates, datetimes with Z, 2-decimal amounts.
        let tickets = try String(contentsOfFile: d + "/tickets.csv", encoding: .utf8).split(separator: "\n")
        let opened = String(tickets[1].split(separator: ",")[2])
        #expect(opened.count == 20 && opened.hasSuffix("Z") && DateParser.timestamp(from: opened) != nil)
        let tx = try String(contentsOfFile: d + "/transactions.csv", encoding: .utf8).split(separator: "\n")
        let f = tx[1].split(separator: ",")
        #expect(DateParser.day(from: String(f[1])) != nil)
        #expect(f[2].split(separator: ".").last?.count == 2)
        let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: d + "/truth.json"))) as? [String: Any]
        let bg = truth?["bgnbd"] as? [String: Double]
        #expect(bg?["r"] == 0.75 && bg?["alpha"] == 25 && bg?["a"] == 0.8 && bg?["b"] == 2.5)
        #expect(truth?["time_unit"] as? String == "week")
        #expect((truth?["gamma_gamma"] as? [String: Double])?["gamma"] == 15)
        #expect(truth?["observation_end"] as? String == "2025-06-30")
        #expect(truth?["seed"] as? Int == 1)
    }

    @Test func truthRoundTrips() throws {
        let data = try Synth.generate(config: SynthConfig(customers: 300, seed: 2))
        let decoded = try JSONDecoder().decode(Truth.self, from: data.truth.jsonData())
        #expect(decoded == data.truth)
        #expect(data.truth.segments.map(\.name) == ["retail", "smb", "enterprise"])
        #expect(data.truth.segments[2].bgnbd.alpha == 25.0 / 2.0)
    }

    @Test func datasetMatchesTheFiles() throws {
        let data = try Synth.generate(config: SynthConfig(customers: 2000, seed: 5))
        let ds = data.dataset()
        #expect(ds.customers.count == 2000)
        #expect(ds.customers.ids.first == "C1")
        #expect(ds.transactions.count == data.transactions.count)
        // Customer index = order of first appearance in transactions.
        var seen = Set<Int32>(), next: Int32 = 0
        for c in ds.transactions.customer where !seen.contains(c) {
            #expect(c == next); seen.insert(c); next += 1
        }
        // Days sorted, within the observation window.
        #expect(zip(ds.transactions.day, ds.transactions.day.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(ds.transactions.day.max()! <= ds.asOf)
        #expect(ds.transactions.amount.allSatisfy { $0 >= 0.01 })
        #expect(ds.customerTable?.count == 2000)
        #expect(ds.subscriptions!.endDay.allSatisfy { $0 == Day.missing || $0 <= ds.asOf })
        #expect(ds.leads!.won.contains(true))
        #expect(ds.leads!.customer.allSatisfy { $0 >= -1 && $0 < 2000 })
        #expect(ds.tickets!.resolvedAt.allSatisfy { $0.isNaN || $0 < Double(Int(ds.asOf) + 1) * 86400 })
        // Won leads point at customers whose signup day is the close day.
        let l = ds.leads!
        for r in 0..<l.count where l.won[r] == true {
            #expect(ds.customerTable!.signupDay![Int(l.customer[r])] == l.closedDay[r])
        }
    }

    @Test func marketingSpendAddsUpToAcquisitionCosts() throws {
        let data = try Synth.generate(config: SynthConfig(customers: 3000, seed: 11))
        let ds = data.dataset()
        let m = ds.marketingSpend!, t = ds.customerTable!
        var byChannel: [String: Double] = [:], spend: [String: Double] = [:]
        for i in 0..<t.count { byChannel[t.channel!.value(at: i)!, default: 0] += t.acquisitionCost![i] }
        for r in 0..<m.count { spend[m.channel.value(at: r)!, default: 0] += m.amount[r] }
        for (k, v) in byChannel { #expect(abs(spend[k]! - v) < 0.005 * Double(m.count), "\(k)") }
        let spent: Double = spend.values.reduce(0, +), planned: Double = byChannel.values.reduce(0, +)
        #expect(abs(spent - planned) < 1e-6 * planned)
    }

    // MARK: statistical checks against closed forms

    /// Gauss 2F1 by its power series (|z| < 1).
    static func hyp2f1(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
        var term = 1.0, sum = 1.0, k = 0.0
        while k < 100_000 {
            term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z
            sum += term
            k += 1
            if abs(term) < 1e-15 * abs(sum) { break }
        }
        return sum
    }

    /// BG/NBD E[X(t)] (Fader, Hardie & Lee 2005, eq. 9).
    static func expectedRepeat(_ t: Double, r: Double, alpha: Double, a: Double, b: Double) -> Double {
        (a + b - 1) / (a - 1) * (1 - pow(alpha / (alpha + t), r) * hyp2f1(r, b, a + b - 1, t / (alpha + t)))
    }

    static func meanAndSE(_ x: [Double]) -> (mean: Double, se: Double) {
        let n = Double(x.count)
        let m = x.reduce(0, +) / n
        let v = x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)
        return (m, (v / n).squareRoot())
    }

    @Test func repeatPurchasesFollowBGNBD() throws {
        let config = Self.pooled(40_000, seed: 2024)
        let data = try Synth.generate(config: config)
        let ds = data.dataset(orderIds: false)
        var count = [Double](repeating: -1, count: ds.customers.count)   // repeat purchases = rows − 1
        for c in ds.transactions.customer { count[Int(c)] += 1 }
        let signup = ds.customerTable!.signupDay!
        let bg = config.bgnbd
        // E[X(T)] with T in weeks from signup to the end of the last observed day.
        let expected = signup.map { d in
            Self.expectedRepeat(Double(Int(ds.asOf) + 1 - Int(d)) / 7, r: bg.r, alpha: bg.alpha, a: bg.a, b: bg.b)
        }.reduce(0, +) / Double(signup.count)
        let (mean, se) = Self.meanAndSE(count)
        #expect(abs(mean - expected) < 4 * se, "mean repeat purchases \(mean) vs BG/NBD \(expected) ± \(se)")
        // About 2.7 transactions per customer with the default (segment-scaled) model.
        let full = try Synth.generate(config: SynthConfig(customers: 20_000, seed: 2024))
        let perCustomer = Double(full.transactions.count) / 20_000
        #expect(perCustomer > 2.5 && perCustomer < 2.9, "transactions per customer \(perCustomer)")
    }

    @Test func spendFollowsGammaGamma() throws {
        let config = Self.pooled(40_000, seed: 99)
        let ds = try Synth.generate(config: config).dataset(orderIds: false)
        // The first row of each customer is the acquisition purchase: one iid amount per customer.
        var first = [Double](repeating: .nan, count: ds.customers.count)
        for r in 0..<ds.transactions.count where first[Int(ds.transactions.customer[r])].isNaN {
            first[Int(ds.transactions.customer[r])] = ds.transactions.amount[r]
        }
        let gg = config.gammaGamma
        let expected = gg.p * gg.gamma / (gg.q - 1)          // p · E[1/ν], E[1/ν] = γ / (q − 1)
        let (mean, se) = Self.meanAndSE(first)
        #expect(abs(mean - expected) < 4 * se + 0.005, "mean spend \(mean) vs p·γ/(q−1) = \(expected) ± \(se)")
        // Segment multiplier: enterprise mean = 5 × retail (default model), checked on the truth.
        let t = try Synth.generate(config: SynthConfig(customers: 10, seed: 1)).truth
        #expect(abs(t.segments[2].expectedAmount - 5 * t.segments[0].expectedAmount) < 1e-9)
    }

    @Test func subscriptionRetentionFollowsSBG() throws {
        let config = Self.pooled(60_000, seed: 77)
        let ds = try Synth.generate(config: config).dataset(orderIds: false)
        let s = ds.subscriptions!
        // First spell per customer: its first row, then back-to-back rows (a plan change).
        var rowsOf: [Int32: [Int]] = [:]
        for r in 0..<s.count { rowsOf[s.customer[r], default: []].append(r) }
        var spells: [(start: Day, end: Day)] = []
        for (_, rows) in rowsOf {
            let sorted = rows.sorted { s.startDay[$0] < s.startDay[$1] }
            var end = s.endDay[sorted[0]]
            for r in sorted.dropFirst() where end != Day.missing && s.startDay[r] == end { end = s.endDay[r] }
            spells.append((s.startDay[sorted[0]], end))
        }
        func addMonths(_ d: Day, _ k: Int) -> Day {
            let (y, m, dd) = Civil.date(d)
            let total = y * 12 + m - 1 + k
            return Civil.day(year: total / 12, month: total % 12 + 1,
                             day: min(dd, Civil.daysInMonth(year: total / 12, month: total % 12 + 1)))
        }
        let (a, b) = (config.sbg.alpha, config.sbg.beta)
        for t in 1...12 {
            var atRisk = 0.0, survived = 0.0
            for sp in spells {
                let renewal = addMonths(sp.start, t)
                guard renewal <= ds.asOf else { continue }
                atRisk += 1
                if sp.end == Day.missing || sp.end > renewal { survived += 1 }
            }
            // S(t) = B(α, β + t) / B(α, β)
            let closed = exp(lgamma(b + Double(t)) + lgamma(a + b) - lgamma(b) - lgamma(a + b + Double(t)))
            let p = survived / atRisk
            let se = (closed * (1 - closed) / atRisk).squareRoot()
            #expect(abs(p - closed) < 4.5 * se, "S(\(t)) = \(p) vs sBG \(closed) ± \(se) (n = \(atRisk))")
        }
    }

    @Test func surveysFollowTheirDistributions() throws {
        let data = try Synth.generate(config: SynthConfig(customers: 30_000, seed: 5))
        let s = data.dataset(orderIds: false).surveys!
        var n = [0.0, 0.0, 0.0], hit = [0.0, 0.0, 0.0]
        for r in 0..<s.count {
            switch s.kind[r] {
            case .csat: n[0] += 1; if s.score[r] >= 4 { hit[0] += 1 }; #expect((1...5).contains(s.score[r]))
            case .nps: n[1] += 1; if s.score[r] >= 9 { hit[1] += 1 }; #expect((0...10).contains(s.score[r]))
            case .ces: n[2] += 1; hit[2] += s.score[r]; #expect((1...7).contains(s.score[r]))
            }
        }
        let sv = data.config.surveys
        let csat = sv.csat[3] + sv.csat[4], promoters = sv.nps[9] + sv.nps[10]
        #expect(abs(hit[0] / n[0] - csat) < 4 * (csat * (1 - csat) / n[0]).squareRoot())
        #expect(abs(hit[1] / n[1] - promoters) < 4 * (promoters * (1 - promoters) / n[1]).squareRoot())
        #expect(abs(hit[2] / n[2] - data.truth.surveys.ces) < 0.1)
        #expect(abs(data.truth.surveys.csat - 0.75) < 1e-12)
        #expect(abs(data.truth.surveys.nps - 20) < 1e-9)   // 45 % promoters − 25 % detractors
    }

    @Test func initiativeTreatmentBuysMore() throws {
        let data = try Synth.generate(config: SynthConfig(customers: 40_000, seed: 13))
        let ini = try #require(data.truth.initiative)
        #expect(ini.treatmentCustomers > 1000 && ini.controlCustomers > 1000)
        #expect(ini.treatmentMeanPurchases > ini.controlMeanPurchases)
        let ratio = ini.treatmentMeanPurchases / ini.controlMeanPurchases
        #expect(ratio > 1.1 && ratio < 1.45, "treatment/control purchases \(ratio), true rate lift 1.25")
    }

    @Test func rejectsBadConfig() {
        #expect(throws: SynthError.self) { try Synth.generate(config: SynthConfig(customers: 0, seed: 1)) }
        var c = SynthConfig(customers: 10, seed: 1)
        c.bgnbd.r = -1
        #expect(throws: SynthError.self) { try Synth.generate(config: c) }
    }

    @Test func hostileLabelsAreQuoted() throws {
        var c = SynthConfig(customers: 200, seed: 4)
        c.segments[0].name = "<script>alert(1)</script>"
        c.segments[1].name = "Smith, \"Jr\""
        c.segments[2].name = "two\nlines"
        let d = Self.tempDir("hostile")
        defer { try? FileManager.default.removeItem(atPath: d) }
        try Synth.generate(config: c).write(to: d)
        let text = try String(contentsOfFile: d + "/customers.csv", encoding: .utf8)
        #expect(text.contains("\"Smith, \"\"Jr\"\"\"") || !text.contains("Smith"))
        #expect(text.contains("<script>alert(1)</script>"))
        #expect(!text.contains(",two\nlines,") )
    }

    // MARK: the files load cleanly and equal the in-memory dataset

    /// Which rows share a key, as codes renumbered by first appearance.
    static func classes(_ k: KeyColumn?) -> [Int32] {
        guard let k else { return [] }
        var renumber: [Int32: Int32] = [:]
        return k.codes.map { c in
            if c < 0 { return -1 }
            if let r = renumber[c] { return r }
            let r = Int32(renumber.count); renumber[c] = r; return r
        }
    }

    static func values(_ c: CategoricalColumn?) -> [String?] {
        guard let c else { return [] }
        return c.codes.indices.map { c.value(at: $0) }
    }

    static func same(_ a: [Double]?, _ b: [Double]?, tolerance: Double = 1e-9) -> Bool {
        guard let a, let b, a.count == b.count else { return a == nil && b == nil }
        return zip(a, b).allSatisfy { x, y in (x.isNaN && y.isNaN) || abs(x - y) <= tolerance * max(1, abs(y)) }
    }

    static func attribute(_ t: CustomerTable?, _ name: String) -> AttributeColumn? { t?.attributes[name] }

    /// Every file `write(to:)` produces passes `DatasetValidator` with no problem, and
    /// `DatasetLoader` reads back exactly the columns of `dataset()` (the in-memory twin that
    /// analyses' tests use), hostile labels included.
    @Test(arguments: [false, true]) func filesLoadCleanlyAndMatchTheInMemoryDataset(hostile: Bool) throws {
        var config = SynthConfig(customers: 3000, seed: 21)
        if hostile { config.useHostileLabels() }
        let data = try Synth.generate(config: config)
        let d = Self.tempDir("load")
        defer { try? FileManager.default.removeItem(atPath: d) }
        try data.write(to: d)

        let report = DatasetValidator.validate(directory: d)
        #expect(report.problemCount == 0, "validate: \(report.tables.flatMap(\.problems).prefix(3))")
        let allPresent = report.tables.allSatisfy { $0.present }
        #expect(allPresent)

        let loaded = try DatasetLoader.load(directory: d)
        #expect(loaded.rejects.isEmpty)
        let ds = loaded.dataset, mem = data.dataset()
        #expect(ds.customers.ids == mem.customers.ids)
        #expect(ds.asOf <= mem.asOf && ds.asOf > mem.asOf - 7)

        let tx = ds.transactions, mt = mem.transactions
        #expect(tx.customer == mt.customer && tx.day == mt.day)
        #expect(Self.same(tx.amount, mt.amount))
        #expect(Self.classes(tx.orderId) == Self.classes(mt.orderId), "transactions.order_id")
        for (a, b, name) in [(tx.segment, mt.segment, "segment"),
                             (tx.channel, mt.channel, "channel"), (tx.product, mt.product, "product"),
                             (tx.category, mt.category, "category")] {
            #expect(Self.values(a) == Self.values(b), "transactions.\(name)")
        }
        if hostile {
            #expect(Set(tx.segment?.levels ?? []) == Set(SynthConfig.hostileSegmentNames))
            #expect(tx.channel?.levels.contains(SynthConfig.hostileChannelName) == true)
        }

        let ct = try #require(ds.customerTable), mc = try #require(mem.customerTable)
        #expect(ct.customer == mc.customer && ct.signupDay == mc.signupDay)
        #expect(Self.values(ct.segment) == Self.values(mc.segment) && Self.values(ct.channel) == Self.values(mc.channel))
        #expect(Self.same(ct.acquisitionCost, mc.acquisitionCost))
        for name in ["age", "engagement_score"] {
            guard case .numeric(let a)? = Self.attribute(ct, name), case .numeric(let b)? = Self.attribute(mc, name) else {
                Issue.record("customers.\(name) is not numeric"); continue
            }
            #expect(Self.same(a, b), "customers.\(name)")
        }
        for name in ["initiative", "group"] {
            guard case .categorical(let a)? = Self.attribute(ct, name), case .categorical(let b)? = Self.attribute(mc, name) else {
                Issue.record("customers.\(name) is not categorical"); continue
            }
            #expect(Self.values(a) == Self.values(b), "customers.\(name)")
        }

        let s = try #require(ds.subscriptions), ms = try #require(mem.subscriptions)
        #expect(s.customer == ms.customer && s.startDay == ms.startDay && s.endDay == ms.endDay)
        #expect(Self.values(s.plan) == Self.values(ms.plan) && Self.same(s.mrr, ms.mrr))
        #expect(Self.values(s.endReason) == Self.values(ms.endReason))

        let sv = try #require(ds.surveys), msv = try #require(mem.surveys)
        #expect(sv.customer == msv.customer && sv.day == msv.day && sv.kind == msv.kind && sv.score == msv.score)

        let t = try #require(ds.tickets), mtk = try #require(mem.tickets)
        #expect(t.ticketId == mtk.ticketId && t.customer == mtk.customer)
        #expect(Self.same(t.openedAt, mtk.openedAt, tolerance: 0) && Self.same(t.firstResponseAt, mtk.firstResponseAt, tolerance: 0)
                && Self.same(t.resolvedAt, mtk.resolvedAt, tolerance: 0))
        #expect(Self.values(t.channel) == Self.values(mtk.channel))

        let i = try #require(ds.interactions), mi = try #require(mem.interactions)
        #expect(i.customer == mi.customer && Self.same(i.timestamp, mi.timestamp, tolerance: 0))
        #expect(Self.values(i.channel) == Self.values(mi.channel))

        let l = try #require(ds.leads), ml = try #require(mem.leads)
        #expect(l.leadId == ml.leadId && l.createdDay == ml.createdDay && l.convertedDay == ml.convertedDay
                && l.closedDay == ml.closedDay && l.won == ml.won && l.customer == ml.customer)
        #expect(Self.values(l.source) == Self.values(ml.source) && Self.values(l.stage) == Self.values(ml.stage))

        let m = try #require(ds.marketingSpend), mm = try #require(mem.marketingSpend)
        #expect(m.day == mm.day && Self.same(m.amount, mm.amount) && Self.values(m.channel) == Self.values(mm.channel))
    }

    /// Blocks make the output independent of the number of worker threads.
    @Test func sameBytesOnOneThreadAndOnMany() throws {
        let config = SynthConfig(customers: Blocks.customers + 123, seed: 31)   // two blocks of customers and of CSV rows
        let one = try Blocks.$threadLimit.withValue(1) { try Synth.generate(config: config) }
        let many = try Blocks.$threadLimit.withValue(8) { try Synth.generate(config: config) }
        #expect(one.transactions.cents == many.transactions.cents && one.transactions.customer == many.transactions.customer)
        #expect(one.interactions.time == many.interactions.time && one.leads.created == many.leads.created)
        let a = Self.tempDir("t1"), b = Self.tempDir("t8")
        defer { for x in [a, b] { try? FileManager.default.removeItem(atPath: x) } }
        try Blocks.$threadLimit.withValue(1) { try one.write(to: a) }
        try Blocks.$threadLimit.withValue(8) { try many.write(to: b) }
        let fa = try Self.files(a), fb = try Self.files(b)
        #expect(Set(fa.keys) == Set(Self.expectedFiles))
        for name in Self.expectedFiles { #expect(fa[name] == fb[name], "\(name) depends on the thread count") }
    }

    // MARK: the committed sample dataset is current

    /// datasets/sample must be exactly what `tenure generate --customers 2000 --seed 42` writes now
    /// (regenerate with scripts/make-datasets.sh after changing the generator).
    @Test func committedSampleIsCurrent() throws {
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("datasets/sample").path
        let committed = try Self.files(sample).filter { !$0.key.hasPrefix(".") }
        let d = Self.tempDir("sample")
        defer { try? FileManager.default.removeItem(atPath: d) }
        try Synth.generate(config: SynthConfig(customers: Self.sampleCustomers, seed: Self.sampleSeed)).write(to: d)
        let fresh = try Self.files(d)
        #expect(Set(committed.keys) == Set(fresh.keys))
        for (name, bytes) in fresh {
            #expect(committed[name] == bytes, "datasets/sample/\(name) is stale: run scripts/make-datasets.sh")
        }
    }

    static let sampleCustomers = 2000
    static let sampleSeed: UInt64 = 42

    // MARK: leads, tickets and interactions against their parameters

    @Test func leadsTicketsAndInteractionsFollowTheirParameters() throws {
        let data = try Synth.generate(config: SynthConfig(customers: 40_000, seed: 8))
        let ds = data.dataset(orderIds: false)
        let c = data.config

        // Leads: won / created = conversion × close; won / opportunities (converted) = close.
        let l = try #require(ds.leads)
        let won = Double(l.won.filter { $0 == true }.count), created = Double(l.count)
        let converted = Double(l.convertedDay.filter { $0 != Day.missing }.count)
        let p1 = c.leads.conversionRate * c.leads.closeRate
        #expect(abs(won / created - p1) < 4 * (p1 * (1 - p1) / created).squareRoot() + 0.005, "lead conversion \(won / created) vs \(p1)")
        #expect(abs(converted / created - c.leads.conversionRate) < 0.02, "lead → opportunity \(converted / created)")
        #expect(abs(won / converted - c.leads.closeRate) < 0.02, "won / opportunities \(won / converted)")
        #expect(data.truth.leads.leadConversionRate == p1 && data.truth.leads.salesConversionRate == c.leads.closeRate)

        // Tickets: count per alive customer-year; median first response per channel (log-normal median + 60 s).
        let t = try #require(ds.tickets)
        var expectedTickets = 0.0
        for i in 0..<c.customers {
            expectedTickets += c.segments[Int(data.customers.segment[i])].ticketsPerYear * data.latent.aliveWeeks[i] * 7 / 365.25
        }
        let nt = Double(t.count)
        #expect(abs(nt - expectedTickets) < 4 * expectedTickets.squareRoot() + 0.01 * expectedTickets,
                "tickets \(nt) vs \(expectedTickets)")
        for (k, name) in c.tickets.channels.enumerated() {
            var hours = (0..<t.count).filter { t.channel?.value(at: $0) == name && !t.firstResponseAt[$0].isNaN }
                .map { (t.firstResponseAt[$0] - t.openedAt[$0]) / 3600 }
            hours.sort()
            guard hours.count > 200 else { continue }
            let median = hours[hours.count / 2], want = c.tickets.responseMedianHours[k] + 1.0 / 60
            #expect(abs(log(median / want)) < 0.15, "\(name) median response \(median) h vs \(want) h")
        }

        // Interactions: E[count] = perWeek · exp(effect · z) · alive weeks, summed.
        let inter = try #require(ds.interactions)
        var expected = 0.0
        for i in 0..<c.customers {
            expected += c.interactions.perWeek * exp(c.interactions.engagementEffect * data.latent.engagementZ[i]) * data.latent.aliveWeeks[i]
        }
        let ni = Double(inter.count)
        #expect(abs(ni - expected) < 4 * expected.squareRoot() + 0.01 * expected, "interactions \(ni) vs \(expected)")
    }

}
