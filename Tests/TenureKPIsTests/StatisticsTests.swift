import Foundation
import Testing
import TenureData
@testable import TenureKPIs

/// The choices the split into statistics (`KPIStatistics`, what warehouse mode has the engine
/// compute) fixed where the rows alone left them open.
@Suite struct KPIStatisticsTests {
    /// Channel names from the tables' own channel columns follow the customers' channels in byte order
    /// (as the engine can list them), whatever order the rows come in.
    @Test func tableChannelsAreInByteOrder() {
        #expect(KPIFrame.channelLevels(customer: ["web", "app"], tables: ["phone", "app", "Email", "chat", "phone"])
                == ["web", "app", "Email", "chat", "phone"])
    }

    /// An order is an order id of a customer: two customers with the same id are two orders, one
    /// customer's id on two days is one order, in the period it was first seen; rows without an id
    /// count one each; refunds are not orders.
    @Test func ordersAreDistinctIdsPerCustomer() {
        var b = DatasetBuilder()
        b.transactions([("A", "2024-01-05", 10), ("B", "2024-01-06", 20), ("A", "2024-02-03", 5),
                        ("A", "2024-02-04", 7), ("B", "2024-02-10", -20), ("C", "2024-02-11", 3)])
        b.tx.orderId = KeyColumn(values: ["O1", "O1", "O1", nil, "O9", "O2"])
        let r = KPIAnalysis.compute(b.dataset(asOf: "2024-02-29"), options: KPIOptions())
        #expect(r["orders"]?.value == 4)                  // A:O1, B:O1, A:no id, C:O2
        #expect(r.period("2024-01")?["orders"]?.value == 2)
        #expect(r.period("2024-02")?["orders"]?.value == 2)
        #expect(r["revenue"]?.value == 25)
    }

    /// Product tiers are mean prices in whole cents: two products at the same price tie exactly, so a
    /// repeat purchase of the other one is not an upsell, however many rows each has.
    @Test func productsAtTheSamePriceAreTheSameTier() {
        var b = DatasetBuilder()
        // 0.05 + 0.05 + 0.05 > 3 × 0.05 in binary floating point: P2's mean in amounts would exceed P1's
        b.transactions([("A", "2024-01-05", 0.05), ("B", "2024-01-05", 0.05), ("C", "2024-01-06", 0.05),
                        ("A", "2024-02-05", 0.05), ("A", "2024-03-05", 0.10)],
                       product: ["P1", "P2", "P2", "P2", "P3"])
        let r = KPIAnalysis.compute(b.dataset(asOf: "2024-03-31"), options: KPIOptions())
        #expect(r.period("2024-02")?["upsell_rate_product"]?.value == 0)
        #expect(r.period("2024-03")?["upsell_rate_product"]?.value == 1)
    }
}
