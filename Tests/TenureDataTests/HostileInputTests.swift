import Foundation
import Testing
@testable import TenureData

/// Issue #20: inputs a hostile (or careless) user gives, each with the error or the value it must
/// give. Each test failed before its fix.
@Suite struct HostileInputTests {
    func load(_ text: String, options: LoadOptions = LoadOptions()) throws -> DatasetLoader.Loaded {
        try DatasetLoader.loadTransactions(csv: Array(text.utf8), options: options)
    }

    func error(_ text: String, options: LoadOptions = LoadOptions()) -> DataError? {
        do { _ = try load(text, options: options); Issue.record("loaded without error"); return nil }
        catch let e as DataError { return e }
        catch { Issue.record("unexpected \(error)"); return nil }
    }

    // Row 1: a far-off date is a data error with file:line, not a matrix of centuries.
    @Test func farFutureDateIsAnError() throws {
        let e = try #require(error("customer_id,date,amount\nC1,2024-01-01,10.00\nC2,2024-02-01,20.00\nC1,9999-12-31,5.00\n"))
        #expect(e.kind == .badValue)
        #expect(e.line == 4)
        #expect(e.column == "date")
        #expect(e.value == "9999-12-31")
        #expect(e.expected.hasPrefix("a date from 1900-01-01 to "))
    }

    @Test func ancientDatesAreErrors() throws {
        for d in ["0001-01-01", "1899-12-31", "1899-12-31T23:59:59Z", "3000-01-01T00:00:00+02:00"] {
            let e = try #require(error("customer_id,date,amount\nC1,2024-01-01,10.00\nC1,\(d),5.00\n"))
            #expect(e.line == 3 && e.column == "date" && e.value == d && e.expected.hasPrefix("a date from 1900-01-01"))
        }
        // the edges are fine
        let ok = try load("customer_id,date,amount\nC1,1900-01-01,10.00\nC1,\(Civil.iso(PlausibleDates.latest())),5.00\n")
        #expect(ok.dataset.transactions.count == 2)
    }

    @Test func farOffTimestampsAndPeriodsAreErrors() throws {
        var cust = ByteInterner()
        let tickets = "ticket_id,customer_id,opened_at\nT1,C1,2024-01-01T10:00:00Z\nT2,C1,9999-01-01T10:00:00Z\n"
        #expect(throws: DataError.self) {
            _ = try TableReader.read(Tables.tickets, bytes: CSVBytes(bytes: Array(tickets.utf8)), display: "tickets.csv",
                                     schema: Schema(), customers: &cust, onInvalid: .fail, threads: 1)
        }
        let spend = "date,channel,amount\n2024-01,web,10\n0999-01,web,10\n"
        do {
            _ = try TableReader.read(Tables.marketingSpend, bytes: CSVBytes(bytes: Array(spend.utf8)), display: "marketing_spend.csv",
                                     schema: Schema(), customers: &cust, onInvalid: .fail, threads: 1)
            Issue.record("year 999 accepted")
        } catch let e as DataError {
            #expect(e.line == 3 && e.expected.hasPrefix("a date from 1900-01-01"))
        }
    }

    // Row 7: ids and labels are trimmed like dates and amounts.
    @Test func idsAreTrimmed() throws {
        let l = try load("customer_id,date,amount,segment,order_id\nC1 ,2024-01-01,1,retail ,O1\n C1,2024-01-02,2, retail,O1 \n\tC1\t,2024-01-03,3,retail,\" O2\"\n")
        let ds = l.dataset
        #expect(ds.customers.count == 1)
        #expect(ds.customers.ids == ["C1"])
        #expect(Set(ds.transactions.customer) == [0])
        let seg = try #require(ds.transactions.segment)
        #expect(seg.levels == ["retail"])
        let orders = try #require(ds.transactions.orderId)
        #expect(orders.codes == [0, 0, 1])
    }
}
