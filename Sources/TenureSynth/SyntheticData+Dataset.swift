import TenureData

extension SyntheticData {
    /// The same data as the CSV files would load to, built in memory without text: customer `i`
    /// has index `i` (order of first appearance in transactions.csv), categorical levels are in
    /// order of first appearance in their file, empty fields are missing, `asOf` is the
    /// configured end of observation. Tables not generated are nil.
    ///
    /// - Parameter orderIds: include `transactions.orderId` (one order per row).
    public func dataset(orderIds: Bool = true, source: String = "synthetic") -> Dataset {
        var index = CustomerIndex()
        for i in 0..<customers.count { _ = index.intern(Self.customerId(i)) }

        let segNames = config.segments.map(\.name), chanNames = config.channels.map(\.name)
        var tx = Transactions()
        tx.customer = transactions.customer
        tx.day = transactions.day
        tx.amount = transactions.cents.map { Double($0) / 100 }
        if orderIds {
            tx.orderId = KeyColumn(codes: (0..<transactions.count).map { Int32($0) }, count: transactions.count)
        }
        tx.segment = firstAppearance(transactions.customer.map { Int(customers.segment[Int($0)]) }, segNames)
        tx.channel = firstAppearance(transactions.customer.map { Int(customers.channel[Int($0)]) }, chanNames)
        let productCount = config.products.productsPerCategory * config.products.categories.count
        tx.product = firstAppearance(transactions.product.map { Int($0) }, (0..<productCount).map(productName))
        let per = config.products.productsPerCategory
        tx.category = firstAppearance(transactions.product.map { Int($0) / per }, config.products.categories)

        var table: CustomerTable?
        if config.tables.contains(.customers) {
            var t = CustomerTable()
            t.customer = (0..<customers.count).map { Int32($0) }
            t.signupDay = customers.signupDay
            t.segment = firstAppearance(customers.segment.map { Int($0) }, segNames)
            t.channel = firstAppearance(customers.channel.map { Int($0) }, chanNames)
            t.acquisitionCost = customers.acquisitionCents.map { Double($0) / 100 }
            t.attributeNames = ["age", "engagement_score", "initiative", "group"]
            t.attributes["age"] = .numeric(customers.age.map { Double($0) })
            t.attributes["engagement_score"] = .numeric(customers.engagementTenths.map { Double($0) / 10 })
            let name = config.initiative?.name ?? ""
            t.attributes["initiative"] = .categorical(firstAppearance(customers.initiativeGroup.map { $0 >= 0 ? 0 : -1 }, [name]))
            t.attributes["group"] = .categorical(firstAppearance(customers.initiativeGroup.map { Int($0) },
                                                                 ["control", "treatment"]))
            table = t
        }

        var subs: Subscriptions?
        if config.tables.contains(.subscriptions) {
            var s = Subscriptions()
            s.customer = subscriptions.customer; s.startDay = subscriptions.start; s.endDay = subscriptions.end
            s.plan = firstAppearance(subscriptions.plan.map { Int($0) }, config.plans.map(\.name))
            s.mrr = subscriptions.plan.map { config.plans[Int($0)].mrr }
            let e = config.endReasons, k = e.churn.count
            typealias R = SyntheticData.SubscriptionRows
            s.endReason = firstAppearance(subscriptions.reason.map { r -> Int in
                switch r {
                case R.reasonNone: return -1
                case R.reasonUpgrade: return k
                case R.reasonDowngrade: return k + 1
                default: return Int(r)
                }
            }, e.churn + [e.upgrade, e.downgrade])
            subs = s
        }

        var surv: Surveys?
        if config.tables.contains(.surveys) {
            var s = Surveys()
            s.customer = surveys.customer; s.day = surveys.day
            let kinds: [SurveyKind] = [.csat, .nps, .ces]
            s.kind = surveys.kind.map { kinds[Int($0)] }
            s.score = surveys.score.map { Double($0) }
            surv = s
        }

        func seconds(_ t: Int64) -> Double { t == Self.missingTime ? .nan : Double(t) }
        var tick: Tickets?
        if config.tables.contains(.tickets) {
            var t = Tickets()
            t.ticketId = (0..<tickets.count).map { "T\($0 + 1)" }
            t.customer = tickets.customer
            t.openedAt = tickets.opened.map(seconds)
            t.firstResponseAt = tickets.firstResponse.map(seconds)
            t.resolvedAt = tickets.resolved.map(seconds)
            t.channel = firstAppearance(tickets.channel.map { Int($0) }, config.tickets.channels)
            tick = t
        }

        var inter: Interactions?
        if config.tables.contains(.interactions) {
            var t = Interactions()
            t.customer = interactions.customer
            t.timestamp = interactions.time.map(seconds)
            t.channel = firstAppearance(interactions.channel.map { Int($0) }, config.interactions.channels)
            inter = t
        }

        var lead: Leads?
        if config.tables.contains(.leads) {
            var l = Leads()
            l.leadId = (0..<leads.count).map { "L\($0 + 1)" }
            l.createdDay = leads.created
            l.source = firstAppearance(leads.source.map { Int($0) }, leadSources)
            l.stage = firstAppearance(leads.stage.map { Int($0) }, Self.leadStages)
            l.convertedDay = leads.converted
            l.closedDay = leads.closed
            l.won = leads.won.map { $0 < 0 ? nil : $0 == 1 }
            l.customer = leads.customer
            lead = l
        }

        var spend: MarketingSpend?
        if config.tables.contains(.marketingSpend) {
            var m = MarketingSpend()
            m.day = marketingSpend.month
            m.channel = firstAppearance(marketingSpend.channel.map { Int($0) }, chanNames)
            m.amount = marketingSpend.cents.map { Double($0) / 100 }
            spend = m
        }

        return Dataset(source: source, customers: index, transactions: tx, customerTable: table, subscriptions: subs,
                       surveys: surv, tickets: tick, interactions: inter, leads: lead, marketingSpend: spend,
                       asOf: config.observationEnd)
    }
}

/// Re-codes `codes` (indices into `names`, negative = missing) so levels are in order of first appearance.
func firstAppearance<C: Collection>(_ codes: C, _ names: [String]) -> CategoricalColumn where C.Element: BinaryInteger {
    var map = [Int32](repeating: -1, count: names.count)
    var levels: [String] = []
    var out = [Int32](); out.reserveCapacity(codes.count)
    for c in codes {
        guard c >= 0 else { out.append(-1); continue }
        let k = Int(c)
        if map[k] < 0 { map[k] = Int32(levels.count); levels.append(names[k]) }
        out.append(map[k])
    }
    return CategoricalColumn(codes: out, levels: levels)
}
