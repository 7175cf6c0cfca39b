import Foundation
import Testing
@testable import TenureData

/// The bad-input corpus (Tests/Fixtures/bad-input): every case gives its exact error, or loads
/// to exactly the values it holds.
@Suite struct BadInputTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/bad-input")

    func dir(_ name: String) -> String { Self.root.appendingPathComponent(name).path }
    func file(_ name: String, _ f: String = "transactions.csv") -> String { dir(name) + "/" + f }

    /// Loads `name` and returns the error it throws (failing the test if it loads).
    func error(_ name: String, options: LoadOptions = LoadOptions()) -> DataError? {
        do {
            _ = try DatasetLoader.load(directory: dir(name), options: options)
            Issue.record("\(name) loaded without error")
            return nil
        } catch let e as DataError {
            return e
        } catch {
            Issue.record("\(name): unexpected \(error)")
            return nil
        }
    }

    @Test func badDate() throws {
        let e = try #require(error("bad-date"))
        #expect(e.kind == .badValue)
        #expect(e.file == file("bad-date"))
        #expect(e.line == 4)
        #expect(e.column == "date")
        #expect(e.value == "03/15/2024")
        #expect(e.expected == "an ISO 8601 date such as 2024-03-01 or 2024-03-01T12:30:00Z")
        #expect(e.hint == "write dates as year-month-day (2024-03-01); 03/01/2024 is ambiguous — or say how yours are written: "
            + "describe the column in a mapping file (--schema): `transactions: {columns: {date: {column: date, format: \"%m/%d/%Y\"}}}` (tenure help schema)")
        #expect(e.description.hasPrefix(file("bad-date") + ":4: column 'date': got '03/15/2024', expected an ISO 8601 date such as "
            + "2024-03-01 or 2024-03-01T12:30:00Z — write dates as year-month-day (2024-03-01); 03/01/2024 is ambiguous"))
    }

    @Test func impossibleDate() throws {
        let e = try #require(error("impossible-date"))
        #expect(e.kind == .badValue && e.line == 3 && e.column == "date" && e.value == "2024-02-30")
        #expect(e.hint == "no such day in the calendar")
    }

    @Test func badNumber() throws {
        let e = try #require(error("bad-number"))
        #expect(e.kind == .badValue)
        #expect(e.line == 3)
        #expect(e.column == "amount")
        #expect(e.value == "1,234.50")
        #expect(e.expected == "a number such as 19.99")
        #expect(e.hint == "use '.' as the decimal point and no thousands separator (1234.56), or read it as written: "
            + "describe the column in a mapping file (--schema): `transactions: {columns: {amount: {column: amount}}}` (tenure help schema)")
    }

    @Test func missingColumn() throws {
        let e = try #require(error("missing-column"))
        #expect(e.kind == .missingColumn)
        #expect(e.line == 1)
        #expect(e.column == "date")
        #expect(e.expected == "a column named 'date' (found: customer_id, order_date, amount)")
        #expect(e.hint == "name the column 'date' or map it with --schema FILE.yaml, e.g. `transactions: {date: your_column}`")
    }

    @Test func semicolonSeparated() throws {
        let e = try #require(error("semicolons"))
        #expect(e.kind == .missingColumn && e.column == "customer_id")
        #expect(e.hint == "the file seems to use ';' between fields; tenure reads comma-separated files")
    }

    @Test func unterminatedQuote() throws {
        let e = try #require(error("unterminated-quote"))
        #expect(e.kind == .unterminatedQuote)
        #expect(e.line == 3)
        #expect(e.column == "amount")
        #expect(e.value == "\"12.50")
        #expect(e.expected == "a closing '\"' for the quoted field opened here (it runs to the end of the file)")
        #expect(e.offset == 58)
    }

    @Test func strayQuote() throws {
        let e = try #require(error("stray-quote"))
        #expect(e.kind == .unterminatedQuote)
        #expect(e.line == 3)
        #expect(e.column == "amount")
        #expect(e.expected == "a '\"' only around a whole field (a stray quote at byte offset 60)")
        #expect(e.offset == 60)
    }

    @Test func emptyFile() throws {
        let e = try #require(error("empty-file"))
        #expect(e.kind == .emptyFile)
        #expect(e.line == 0)
        #expect(e.expected == "a header line naming the columns (customer_id,date,amount)")
        #expect(e.hint == "the file is empty (0 bytes)")
    }

    @Test func headerOnly() throws {
        let e = try #require(error("header-only"))
        #expect(e.kind == .emptyFile)
        #expect(e.expected == "at least one transaction row after the header")
    }

    @Test func invalidUTF8() throws {
        let e = try #require(error("invalid-utf8"))
        #expect(e.kind == .invalidUTF8)
        #expect(e.line == 3)
        #expect(e.column == "customer_id")
        #expect(e.offset == 47)
        #expect(e.expected == "UTF-8 text (byte 0xE9 at byte offset 47 is not valid UTF-8)")
        #expect(e.hint == "re-export the file as UTF-8, e.g. `iconv -f latin1 -t utf-8`")
    }

    @Test func wrongFieldCount() throws {
        let e = try #require(error("wrong-field-count"))
        #expect(e.kind == .wrongFieldCount)
        #expect(e.line == 4)
        #expect(e.value == "C3,2024-01-03,1,234.50")
        #expect(e.expected == "3 fields like the header, got 4")
        #expect(e.hint == "quote fields that contain commas: \"1,234\"")
    }

    @Test func missingTransactions() throws {
        let e = try #require(error("missing-transactions"))
        #expect(e.kind == .missingFile)
        #expect(e.file == file("missing-transactions"))
        #expect(e.hint?.hasPrefix("found: customers.csv") == true)
    }

    @Test func missingDirectory() throws {
        let e = try #require(error("no-such-case"))
        #expect(e.kind == .missingFile && e.hint == "the directory does not exist")
    }

    @Test func surveyScoreRange() throws {
        let e = try #require(error("survey-range"))
        #expect(e.kind == .badValue)
        #expect(e.file == file("survey-range", "surveys.csv"))
        #expect(e.line == 3)
        #expect(e.column == "score")
        #expect(e.value == "6")
        #expect(e.expected == "a csat score from 1 to 5")
        // Under skip, both bad rows are set aside with their reasons.
        let loaded = try DatasetLoader.load(directory: dir("survey-range"), options: LoadOptions(onInvalid: .skip))
        #expect(loaded.rejects.map(\.error.line) == [3, 5])
        #expect(loaded.rejects[1].error.column == "kind")
        #expect(loaded.rejects[1].error.expected == "one of csat, nps, ces")
        #expect(loaded.rejects[1].record == "C1,2024-01-08,stars,3")
        let s = try #require(loaded.dataset.surveys)
        #expect(s.kind == [.nps, .ces])
        #expect(s.score == [9, 7])
    }

    // MARK: valid oddities

    @Test func crlf() throws {
        let d = try DatasetLoader.load(directory: dir("crlf")).dataset
        #expect(d.customers.ids == ["C1", "C2"])
        #expect(d.transactions.customer == [0, 1, 0])
        #expect(d.transactions.day == [19723, 19724, 19754])
        #expect(d.transactions.amount == [10.0, 12.5, -3.25])
        #expect(d.asOf == 19754)
    }

    @Test func bom() throws {
        let d = try DatasetLoader.load(directory: dir("bom")).dataset
        #expect(d.customers.ids == ["C1", "C2"])
        #expect(d.transactions.amount == [10.0, 12.5])
    }

    @Test func quotedNewlineAndEscapes() throws {
        let e = try #require(error("quoted-newline"))
        // The quoted field spans lines 2–3, so the bad amount is on physical line 6.
        #expect(e.line == 6 && e.column == "amount" && e.value == "oops")
        let loaded = try DatasetLoader.load(directory: dir("quoted-newline"), options: LoadOptions(onInvalid: .skip))
        let t = loaded.dataset.transactions
        #expect(loaded.dataset.customers.ids == ["C1", "C2", "C,3"])
        #expect(t.product?.levels == ["two\nlines", "say \"hi\"", "plain"])
        #expect(t.product?.codes == [0, 1, 2])
        #expect(t.amount == [10, 12.5, 1.5])
        #expect(loaded.rejects.count == 1 && loaded.rejects[0].record == "C4,2024-01-04,oops,x")
    }

    @Test func enormousField() throws {
        let d = try DatasetLoader.load(directory: dir("enormous-field")).dataset
        #expect(d.transactions.count == 2)
        #expect(d.transactions.product?.levels.map(\.utf8.count) == [300_000, 5])
    }

    @Test func fieldOverLimit() throws {
        var text = "customer_id,date,amount,note\nC1,2024-01-01,1,ok\nC2,2024-01-02,2,\""
        text += String(repeating: "y", count: Tokenizer.maxFieldBytes + 10) + "\"\n"
        do {
            _ = try DatasetLoader.loadTransactions(csv: Array(text.utf8))
            Issue.record("loaded")
        } catch let e as DataError {
            #expect(e.kind == .badValue && e.line == 3 && e.column == "note")
            #expect(e.expected == "a field of at most 1048576 bytes (this one has 1048586)")
        }
    }

    @Test func schemaMapping() throws {
        let schema = try SchemaFile.load(path: file("schema-mapping", "schema.yaml"))
        let d = try DatasetLoader.load(directory: dir("schema-mapping"), options: LoadOptions(schema: schema)).dataset
        #expect(d.customers.ids == ["A-1", "A-2"])
        #expect(d.transactions.day == [19723, 19724])
        #expect(d.transactions.amount == [10, 12.5])
        // Without the schema: the missing column is named, with the columns found and the fix.
        let e = try #require(error("schema-mapping"))
        #expect(e.kind == .missingColumn && e.column == "customer_id")
        #expect(e.expected == "a column named 'customer_id' (found: cust, order_date, total, Region)")
    }

    @Test func everyTable() throws {
        let d = try DatasetLoader.load(directory: dir("all-tables")).dataset
        #expect(d.customers.ids == ["C1", "C2", "C9"])
        let orders = try #require(d.transactions.orderId)
        #expect(orders.count == 3 && Set(orders.codes) == [0, 1, 2])
        #expect(d.transactions.segment?.codes == [0, 1, 0])
        let c = try #require(d.customerTable)
        #expect(c.customer == [0, 1, 2])
        #expect(c.signupDay == [19692, 19693, 19694])
        #expect(c.acquisitionCost?[0] == 12.5 && c.acquisitionCost?[1].isNaN == true)
        #expect(c.attributeNames == ["age", "tier"])
        if case .numeric(let v)? = c.attributes["age"] { #expect(v[0] == 34 && v[1] == 41 && v[2].isNaN) } else { Issue.record("age not numeric") }
        if case .categorical(let v)? = c.attributes["tier"] { #expect(v.levels == ["gold", "silver"] && v.codes == [0, -1, 1]) } else { Issue.record("tier not categorical") }
        let s = try #require(d.subscriptions)
        #expect(s.endDay == [Day.missing, 19783 - 0])
        #expect(s.mrr == [9.99, 29])
        #expect(d.surveys?.kind == [.nps, .csat, .ces])
        let t = try #require(d.tickets)
        #expect(t.ticketId == ["T1", "T2"])
        #expect(t.openedAt[0] == Double(19725 * 86400 + 9 * 3600))
        #expect(t.resolvedAt[0] == Double(19726 * 86400 + 10 * 3600))
        #expect(t.firstResponseAt[1].isNaN)
        #expect(d.interactions?.channel.levels == ["email", "app"])
        let l = try #require(d.leads)
        #expect(l.won == [true, false, nil])
        #expect(l.customer == [0, -1, -1])
        #expect(l.convertedDay[1] == Day.missing)
        let m = try #require(d.marketingSpend)
        #expect(m.day == [19692, 19723])
        #expect(m.amount == [1000, 250.5])
        #expect(d.asOf == 19783)
    }

    @Test func asOfOption() throws {
        let d = try DatasetLoader.load(directory: dir("crlf"), options: LoadOptions(asOf: 19730)).dataset
        #expect(d.asOf == 19730)
    }

    // MARK: validate

    @Test func validateListsEveryProblem() throws {
        let r = DatasetValidator.validate(directory: dir("many-problems"))
        let tx = try #require(r.tables.first { $0.table == "transactions" })
        #expect(tx.rows == 2)
        #expect(tx.customers == 2)
        #expect(tx.problems.map(\.line) == [3, 4])
        #expect(tx.problems.map(\.column) == ["date", "amount"])
        let cu = try #require(r.tables.first { $0.table == "customers" })
        #expect(cu.problems.map(\.kind) == [.duplicateKey])
        #expect(cu.problems.first?.line == 4)
        #expect(cu.problems.first?.value == "C1")
        #expect(cu.problems.first?.expected == "each customer_id once (first seen on line 2)")
        let su = try #require(r.tables.first { $0.table == "surveys" })
        #expect(su.problems.first?.expected == "a nps score from 0 to 10")
        let sb = try #require(r.tables.first { $0.table == "subscriptions" })
        #expect(sb.problems.map(\.kind) == [.missingColumn])
        #expect(sb.problems.first?.column == "start_date")
        #expect(r.tables.first { $0.table == "tickets" }?.present == false)
        #expect(r.problemCount == 5)
    }

    @Test func validateCleanDataset() {
        let r = DatasetValidator.validate(directory: dir("all-tables"))
        #expect(r.problemCount == 0)
        #expect(r.tables.filter(\.present).count == 8)
        let tx = r.tables[0]
        #expect(tx.rows == 3 && tx.customers == 2 && tx.firstDay == 19723 && tx.lastDay == 19754)
    }

    /// One table checked in memory (what the fuzzer runs) gives what the directory check gives for
    /// its file.
    @Test func validateOneTableInMemory() throws {
        for (name, table) in [("many-problems", Tables.transactions), ("many-problems", Tables.customers),
                              ("many-problems", Tables.subscriptions), ("all-tables", Tables.tickets)] {
            let path = file(name, table.file)
            let full = try #require(DatasetValidator.validate(directory: dir(name)).tables.first { $0.table == table.table })
            let one = DatasetValidator.validate(table: table, csv: Array(try Data(contentsOf: URL(fileURLWithPath: path))), name: path)
            #expect(one.rows == full.rows && one.customers == full.customers && one.header == full.header)
            #expect(one.firstDay == full.firstDay && one.lastDay == full.lastDay)
            #expect(one.problems == full.problems && one.rejects == full.rejects)
        }
    }
}
