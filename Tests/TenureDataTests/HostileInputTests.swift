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
        #expect(orders.codes[0] == orders.codes[1] && orders.codes[2] != orders.codes[0] && orders.count == 2)
    }
}

/// Issue #20, rows 2, 4, 10, 12, 13: files and YAML.
@Suite struct HostileFileTests {
    func tempDir() throws -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("tenure-hostile-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    func loadError(_ dir: String) -> DataError? {
        do { _ = try DatasetLoader.load(directory: dir); Issue.record("loaded"); return nil }
        catch let e as DataError { return e } catch { Issue.record("\(error)"); return nil }
    }

    // Row 13: transactions.csv a directory, a FIFO (opened without blocking), CR-only line ends.
    @Test func directoryAndFIFOAreNamed() throws {
        let d = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        try FileManager.default.createDirectory(atPath: d + "/transactions.csv", withIntermediateDirectories: true)
        let e = try #require(loadError(d))
        #expect(e.expected == "transactions.csv to be a readable file" && e.hint?.hasPrefix("it is a directory") == true)
        try FileManager.default.removeItem(atPath: d + "/transactions.csv")
        #expect(mkfifo(d + "/transactions.csv", 0o644) == 0)
        let f = try #require(loadError(d))
        #expect(f.hint?.hasPrefix("it is not a regular file (a pipe") == true)
    }

    @Test func crOnlyLineEnds() throws {
        let text = "customer_id,date,amount\rC1,2024-01-01,1\rC2,2024-01-02,2\r"
        do { _ = try DatasetLoader.loadTransactions(csv: Array(text.utf8)); Issue.record("loaded") }
        catch let e as DataError { #expect(e.line == 1 && e.expected == "lines ending in LF or CRLF") }
    }

    // Row 10: a number too large to sum is a bad value.
    @Test func hugeAmountsAreBadValues() throws {
        for v in ["1e308", "-1e16", "1e400"] {
            do { _ = try DatasetLoader.loadTransactions(csv: Array("customer_id,date,amount\nC1,2024-01-01,\(v)\n".utf8)); Issue.record("\(v) loaded") }
            catch let e as DataError { #expect(e.line == 2 && e.column == "amount" && e.expected == "a number of at most 1e15 in magnitude") }
        }
    }

    // Row 12: a repeated header, a repeated YAML key, an unknown schema table are errors.
    @Test func repeatedHeaderIsAnError() throws {
        do { _ = try DatasetLoader.loadTransactions(csv: Array("customer_id,date,amount,Amount\nC1,2024-01-01,1,2\n".utf8)); Issue.record("loaded") }
        catch let e as DataError { #expect(e.line == 1 && e.column == "Amount" && e.expected.hasPrefix("each column name once")) }
    }

    @Test func schemaChoicesAreErrors() throws {
        #expect(throws: DataError.self) { try SchemaFile.parse("orders: {customer_id: cust}\n", file: "s.yaml") }
        #expect(throws: DataError.self) { try SchemaFile.parse("transactions: {custome_id: cust}\n", file: "s.yaml") }
        do { _ = try SchemaFile.parse("transactions:\n  date: a\n  date: b\n", file: "s.yaml"); Issue.record("parsed") }
        catch let e as DataError { #expect(e.line == 3 && e.expected == "each key once in a mapping ('date' is also on line 2)") }
        #expect(try SchemaFile.parse("transactions: {date: order_date}\n", file: "s.yaml").tables == ["transactions": ["date": "order_date"]])
    }

    // Row 4: deep nesting is refused before the parser recurses.
    @Test func deepYAMLIsRefused() throws {
        let deep = ["x: " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000),
                    "x: " + String(repeating: "{a: ", count: 5000) + "1" + String(repeating: "}", count: 5000),
                    (0 ..< 3000).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n"),
                    String(repeating: "- ", count: 5000) + "x"]
        for text in deep {
            do { _ = try SchemaFile.parse(text, file: "deep.yaml"); Issue.record("parsed") }
            catch let e as DataError { #expect(e.kind == .badSchema && e.expected.contains("nested at most 64 levels")) }
        }
    }

    // Row 2: a file that changes while it is read is an error, never a SIGBUS (the bytes are a snapshot).
    @Test func bytesAreASnapshot() throws {
        let d = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let path = d + "/t.csv"
        try String(repeating: "C1,2024-01-01,1\n", count: 100_000).write(toFile: path, atomically: false, encoding: .utf8)
        let b = try CSVBytes(path: path, displayName: "t.csv")
        truncate(path, 0)
        var sum = 0
        for i in stride(from: 0, to: b.count, by: 4096) { sum &+= Int(b.base[i]) }   // mapped pages would SIGBUS here
        #expect(sum > 0 && b.count == 1_600_000)
    }
}

/// A record ended by CR alone is the same error in the serial and the chunked reader. The chunked
/// reader used to take it as a line end (FuzzCSV, 2026-12-04): its chunks have one row of slack
/// more than the serial read, which noticed CR-only line ends only when the rows overflowed.
@Suite struct LoneCRTests {
    @Test func loneCRIsAnErrorInEveryReader() throws {
        var text = "customer_id,date,amount\n"
        for i in 0 ..< 70_000 { text += "C\(i % 5000),2024-01-0\(1 + i % 9),\(i % 97).5" + (i == 50_000 ? "\r" : "\n") }
        let bytes = Array(text.utf8)
        #expect(bytes.count > TableReader.parallelThreshold)
        for threads in [1, 2, 3] {
            var interner = ByteInterner()
            do {
                _ = try TableReader.read(Tables.transactions, bytes: CSVBytes(bytes: bytes), display: "transactions.csv",
                                         schema: Schema(), customers: &interner, onInvalid: .fail, threads: threads)
                Issue.record("\(threads) threads read a lone CR as a line end")
            } catch let e as DataError {
                #expect(e.line == 50_002 && "\(e)".contains("CR alone"), "\(threads) threads: \(e)")
            }
        }
        // CR LF, and a CR as the very last byte, stay line ends.
        let ok = "customer_id,date,amount\r\nC1,2024-01-01,10\r\nC2,2024-01-02,12.5\r"
        let loaded = try DatasetLoader.loadTransactions(csv: Array(ok.utf8), options: LoadOptions(onInvalid: .fail, threads: 1))
        #expect(loaded.dataset.transactions.count == 2)
    }
}

/// `CSVRecords` (statistics read back with `--aggregates`, import sources) says what the table
/// reader says about a broken record: which problem, on which line, at which byte.
@Suite struct CSVRecordsErrorTests {
    func error(_ text: String) -> DataError? {
        do { _ = try CSVRecords.parse(text, file: "cells.csv"); return nil } catch let e as DataError { return e } catch { return nil }
    }

    @Test func eachTokenizerProblemIsNamed() throws {
        #expect(try CSVRecords.parse("a,b\n\"x,\"\"y\"\"\",2\n", file: "cells.csv").map(\.fields) == [["a", "b"], ["x,\"y\"", "2"]])
        let stray = try #require(error("a,b\n1,2\n3,x\"y\n"))
        #expect(stray.line == 3 && stray.offset == 11 && stray.expected.contains("stray quote"), "\(stray)")
        let unclosed = try #require(error("a,b\n1,2\n\"3,4\n5,6\n"))
        #expect(unclosed.line == 3 && unclosed.offset == 8 && unclosed.expected.contains("closing"), "\(unclosed)")
        let long = try #require(error("a,b\n1," + String(repeating: "x", count: (1 << 20) + 1) + "\n"))
        #expect(long.kind == .badValue && long.line == 2 && long.expected.contains("at most"), "\(long)")
        let cr = try #require(error("a,b\n1,2\r3,4\n"))
        #expect(cr.line == 2 && "\(cr)".contains("CR alone"), "\(cr)")
    }
}
