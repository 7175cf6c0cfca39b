import Foundation
import Testing
@testable import TenureData

/// Every transform and filter of a mapping file, on the values exports write, and each on an input
/// it must refuse.
@Suite struct ImportTransformTests {
    func day(_ p: DateFormat.Parsed?) -> String? { p.map { Civil.iso($0.day) } }

    @Test func dateFormats() {
        let shopify = DateFormat(pattern: "%Y-%m-%d %H:%M:%S %z").parse("2023-01-01 22:32:44 +0100")!
        #expect(Civil.iso(shopify.day) == "2023-01-01" && shopify.offset == 3600)
        #expect(shopify.instant == DateParser.timestamp(from: "2023-01-01T21:32:44Z"))
        #expect(day(DateFormat(pattern: "%m/%d/%Y").parse("3/7/2024")) == "2024-03-07")
        #expect(day(DateFormat(pattern: "%d.%m.%Y").parse("07.03.2024")) == "2024-03-07")
        let pm = DateFormat(pattern: "%b %d, %Y %I:%M %p").parse("Mar 7, 2024 12:05 AM")!
        #expect(Civil.iso(pm.day) == "2024-03-07" && pm.secondOfDay == 300)
        #expect(DateFormat(pattern: "unix").parse("1709769600")?.instant == DateParser.timestamp(from: "2024-03-07T00:00:00Z"))
        #expect(DateFormat(pattern: "unix_ms").parse("1709769600500")?.instant == DateParser.timestamp(from: "2024-03-07T00:00:00.5Z"))
        #expect(day(DateFormat(pattern: "excel").parse("45358")) == "2024-03-07")
        // Refused: impossible dates, trailing text, a 13th month, a pattern that does not match.
        #expect(DateFormat(pattern: "%Y-%m-%d").parse("2024-02-30") == nil)
        #expect(DateFormat(pattern: "%Y-%m-%d").parse("2024-02-03 10:00") == nil)
        #expect(DateFormat(pattern: "%d/%m/%Y").parse("01/13/2024") == nil)
        #expect(DateFormat(pattern: "%Q").unknownDirective == "%Q")
        // The hint's guess.
        #expect(DateFormat.guess("2023-01-01 22:32:44 +0100") == "%Y-%m-%d %H:%M:%S %z")
        #expect(DateFormat.guess("13/07/2024") == "%d/%m/%Y")
        #expect(DateFormat.guess("1709769600") == "unix")
        #expect(DateFormat.guess("soon") == nil)
    }

    @Test func numbers() {
        let dot = NumberFormat(), comma = NumberFormat(decimal: ",")
        #expect(dot.parse("1,234.50") == Decimal(string: "1234.5"))
        #expect(comma.parse("1.234,50 €") == Decimal(string: "1234.5"))
        #expect(dot.parse("$1,234,567") == 1234567)
        #expect(dot.parse("(12.00)") == -12)
        #expect(dot.parse("USD 12") == 12)
        #expect(dot.parse("-$5.25") == Decimal(string: "-5.25"))
        #expect(dot.parse("12.5%") == Decimal(string: "0.125"))
        #expect(dot.parse("1e3") == 1000)
        #expect(dot.parse("1,5") == nil)        // not thousands: refused, never 15
        #expect(dot.parse("12,34,567") == nil)
        #expect(dot.parse("abc") == nil)
        #expect(dot.parse("") == nil)
        #expect((Decimal(string: "1217.2")! / 1).plainText == "1217.2")
        #expect((Decimal(29) / 12 * 12).plainText == "29")
    }

    @Test func expressions() throws {
        let e = try Expression.parse("Total - Taxes - `Ship-ping` * 2").get()
        let cells: [String: Decimal] = ["Total": 124, "Taxes": 19, "Ship-ping": Decimal(string: "2.5")!]
        #expect(try e.evaluate { cells[$0] } == 100)
        #expect(e.columns == ["Total", "Taxes", "Ship-ping"])
        // An empty cell counts as 0; all empty: no value.
        #expect(try e.evaluate { $0 == "Total" ? 10 : nil } == 10)
        #expect(try e.evaluate { _ in nil } == nil)
        #expect(throws: ExpressionError.self) { try Expression.parse("a / b").get().evaluate { $0 == "a" ? 1 : 0 } }
        if case .success = Expression.parse("Total -") { Issue.record("a dangling operator parsed") }
        if case .success = Expression.parse("(Total") { Issue.record("an open parenthesis parsed") }
    }

    @Test func filters() throws {
        let f = try RowFilter.parse("Financial Status in (paid, 'partially, refunded')").get()
        #expect(f.column == "Financial Status" && f.keeps(" paid ") && f.keeps("partially, refunded") && !f.keeps("voided") && !f.keeps(""))
        let n = try RowFilter.parse("Status not in (incomplete)").get()
        #expect(n.keeps("active") && !n.keeps("incomplete"))
        #expect(try RowFilter.parse("Email is not empty").get().keeps("a@b") == true)
        #expect(try RowFilter.parse("Cancelled at is empty").get().keeps("") == true)
        #expect(try RowFilter.parse("Currency = EUR").get().keeps("USD") == false)
        #expect(try RowFilter.parse("Test != true").get().keeps("false") == true)
        if case .success = RowFilter.parse("Status in paid") { Issue.record("values without parentheses parsed") }
        if case .success = RowFilter.parse("Status") { Issue.record("a bare column parsed") }
    }

    @Test func mrrPerMonth() {
        #expect(ColumnRule.monthsPer("year") == 12 && ColumnRule.monthsPer("Monthly") == 1 && ColumnRule.monthsPer("fortnight") == nil)
    }

    func mappingError(_ yaml: String) -> DataError? {
        do { _ = try SchemaFile.parse(yaml, file: "m.yaml"); return nil } catch let e as DataError { return e } catch { return nil }
    }

    @Test func misspeltKeysAreErrorsWithTheNearestKey() {
        #expect(mappingError("transactions:\n  colums: {customer_id: Email}\n")?.hint == "did you mean 'columns'?")
        #expect(mappingError("transactions:\n  columns:\n    date: {column: Created at, fromat: unix}\n")?.hint == "did you mean 'format'?")
        #expect(mappingError("transaction:\n  columns: {customer_id: Email}\n")?.hint == "did you mean 'transactions'?")
        #expect(mappingError("transactions:\n  columns: {custmer_id: Email}\n")?.hint == "did you mean 'customer_id'?")
        #expect(mappingError("transactions: {preset: shopify-order}\n")?.hint == "did you mean 'shopify-orders'?")
        #expect(mappingError("subscriptions: {preset: shopify-orders}\n")?.expected == "a preset for subscriptions")
        #expect(mappingError("transactions:\n  columns: {date: {column: d, format: \"%Q\"}}\n") != nil)
        #expect(mappingError("timezone: Mars/Base\ntransactions: {preset: shopify-orders}\n") != nil)
        #expect(mappingError("transactions:\n  where: [Status in paid]\n  columns: {customer_id: a}\n") != nil)
        // Old files stay valid.
        #expect(mappingError("transactions: {customer_id: cust, date: order_date}\n") == nil)
    }

    func importing(_ files: [String: String], _ yaml: String, onInvalid: LoadOptions.OnInvalid = .fail) throws -> (ImportedTables, Dataset) {
        let dir = NSTemporaryDirectory() + "tenure-imp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (n, t) in files { try t.write(toFile: dir + "/" + n, atomically: true, encoding: .utf8) }
        let schema = try SchemaFile.parse(yaml, file: "m.yaml")
        let imported = try SourceImporter.run(directory: dir, mapping: schema.sources!, onInvalid: onInvalid)
        return (imported, try DatasetLoader.load(directory: dir, imported: imported, options: LoadOptions(schema: schema, onInvalid: onInvalid)).dataset)
    }

    static let orders = """
        Name,Email,Financial Status,Currency,Total,Taxes,Shipping,Created at,Refunded Amount
        #1,Ann@x.com,paid,EUR,124.00,19.00,5.00,2024-01-05 00:30:00 +0100,
        #1,Ann@x.com,,,,,,2024-01-05 00:30:00 +0100,
        #2,bob@x.com,voided,USD,50.00,0,0,2024-01-06 10:00:00 -0500,
        #3,bob@x.com,partially_refunded,USD,"1,210.00",0.00,10.00,2024-02-06 23:30:00 -0500,100.00

        """

    @Test func shopifyOrdersWithCurrencyRefundsAndTimeZone() throws {
        let (imp, ds) = try importing(["orders_export.csv": Self.orders], """
            timezone: Europe/Berlin
            currency: {base: EUR, rates: {USD: 0.9}}
            transactions: {preset: shopify-orders}
            """)
        #expect(String(decoding: imp.tables["transactions"]!.csv, as: UTF8.self) == """
            customer_id,date,amount,order_id
            ann@x.com,2024-01-05,100,#1
            bob@x.com,2024-02-07,1080,#3
            bob@x.com,2024-02-07,-90,#3

            """)
        #expect(imp.files[0].removed.map(\.rows) == [2, 0] && imp.files[0].refundRows == 1)
        #expect(ds.transactions.amount == [100, 1080, -90])
        // Without a time zone: the UTC day (2024-01-04 23:30Z).
        let (utc, _) = try importing(["orders_export.csv": Self.orders], "currency: {base: EUR, rates: {USD: 0.9}}\ntransactions: {preset: shopify-orders}\n")
        #expect(String(decoding: utc.tables["transactions"]!.csv, as: UTF8.self).contains("ann@x.com,2024-01-04,100"))
        // as-written: the date the export shows.
        let (aw, _) = try importing(["orders_export.csv": Self.orders], "timezone: as-written\ncurrency: {base: EUR, rates: {USD: 0.9}}\ntransactions: {preset: shopify-orders}\n")
        #expect(String(decoding: aw.tables["transactions"]!.csv, as: UTF8.self).contains("bob@x.com,2024-02-06,1080"))
    }

    @Test func failingInputsNameTheExportLineAndTheKeyThatFixesIt() throws {
        // Mixed currencies without rates.
        #expect { try importing(["orders_export.csv": Self.orders], "transactions: {preset: shopify-orders}\n") } throws: { e in
            let d = e as! DataError
            return d.line == 5 && d.value == "USD" && d.hint!.contains("currency: {base: EUR")
        }
        // A date in another format: the hint names the key and the format that reads it.
        let bad = Self.orders.replacingOccurrences(of: "2024-01-05 00:30:00 +0100", with: "01/05/2024 00:30")
        #expect { try importing(["orders_export.csv": bad], "currency: {base: EUR, rates: {USD: 0.9}}\ntransactions: {preset: shopify-orders}\n") } throws: { e in
            let d = e as! DataError
            return d.file.hasSuffix("orders_export.csv") && d.line == 2 && d.column == "Created at"
                && d.hint == "set `transactions.columns.date.format: \"%m/%d/%Y %H:%M\"` in m.yaml"
        }
        // A column the export lacks: did-you-mean over the header.
        #expect { try importing(["orders_export.csv": Self.orders.replacingOccurrences(of: "Email,", with: "E-mail,")],
                                "currency: {base: EUR, rates: {USD: 0.9}}\ntransactions: {preset: shopify-orders}\n") } throws: { e in
            (e as! DataError).hint == "did you mean 'E-mail'?"
        }
        // No file matches the glob.
        #expect(throws: DataError.self) { try importing(["other.csv": Self.orders], "transactions: {preset: shopify-orders}\n") }
        // An unknown currency, skipped: the row is rejected at its export line, the rest kept.
        let (imp, ds) = try importing(["orders_export.csv": Self.orders.replacingOccurrences(of: "voided,USD", with: "paid,GBP")],
                                      "currency: {base: EUR, rates: {USD: 0.9}}\ntransactions: {preset: shopify-orders}\n", onInvalid: .skip)
        #expect(imp.rejects.map(\.error.line) == [4] && imp.rejects[0].error.hint!.contains("GBP"))
        #expect(ds.transactions.count == 3)
        // A problem the table reader finds (a negative survey score) is reported at the export's line.
        #expect { try importing(["d.csv": "Email,Score,When\na,9,1709769600\nb,-1,1709769600\n"],
                                "surveys:\n  file: d.csv\n  columns: {customer_id: Email, date: {column: When, format: unix}, kind: {value: nps}, score: Score}\n") } throws: { e in
            let d = e as! DataError
            return d.file.hasSuffix("d.csv") && d.line == 3 && d.column == "score (from 'Score')"
        }
    }

    @Test func stripeMRRZendeskMinutesHubSpotStages() throws {
        let (imp, _) = try importing([
            "subscriptions.csv": """
                Customer ID,Plan,Quantity,Currency,Interval,Amount,Status,Start Date (UTC),Ended At (UTC)
                cus_1,pro,2,usd,year,"1,200.00",active,2024-01-05 12:00,
                cus_2,basic,1,usd,week,10.00,canceled,2024-01-06 00:10,2024-02-01 09:00
                cus_3,basic,1,usd,month,10.00,incomplete,2024-01-06 00:10,

                """,
            "export-1.csv": """
                Id,Requester email,Created at,Solved at,First reply time in minutes,Via
                7,A@x.com,2024-03-01 10:00:00,2024-03-02 11:00:00,90.5,Mail
                8,b@x.com,2024-03-01 10:00:00,,,Web form

                """,
            "hubspot-crm-exports-1.csv": """
                Record ID,Create Date,Close Date,Deal Stage,Pipeline
                11,2024-01-02 09:00,2024-02-01 10:00,Closed Won,Sales
                12,2024-01-03 09:00,2030-01-01 00:00,Qualified To Buy,Sales

                """,
        ], """
            timezone: America/New_York
            subscriptions: {preset: stripe-subscriptions}
            tickets: {preset: zendesk-tickets}
            leads: {preset: hubspot-deals}
            """)
        #expect(String(decoding: imp.tables["subscriptions"]!.csv, as: UTF8.self) == """
            customer_id,start_date,end_date,plan,mrr
            cus_1,2024-01-05,,pro,200
            cus_2,2024-01-06,2024-02-01,basic,43.333333333333

            """)
        // Naive Zendesk times are New York wall times: 10:00 EST = 15:00Z; reply 90.5 minutes later.
        #expect(String(decoding: imp.tables["tickets"]!.csv, as: UTF8.self) == """
            ticket_id,customer_id,opened_at,first_response_at,resolved_at,channel
            7,a@x.com,2024-03-01T15:00:00Z,2024-03-01T16:30:30Z,2024-03-02T16:00:00Z,Mail
            8,b@x.com,2024-03-01T15:00:00Z,,,Web form

            """)
        // An open deal's expected close date is not a close.
        #expect(String(decoding: imp.tables["leads"]!.csv, as: UTF8.self) == """
            lead_id,created_at,source,stage,closed_at,won
            11,2024-01-02,Sales,Closed Won,2024-02-01,true
            12,2024-01-03,Sales,Qualified To Buy,,

            """)
    }

    @Test func theReaderPointsAtTheMappingRuleThatReadsAValue() throws {
        let csv = Array("customer_id,Created at,amount\nC1,2023-01-01 22:32:44 +0100,12\n".utf8)
        let schema = Schema(tables: ["transactions": ["date": "Created at"]])
        #expect { try DatasetLoader.loadTransactions(csv: csv, options: LoadOptions(schema: schema)) } throws: { e in
            (e as! DataError).hint!.contains("`transactions: {columns: {date: {column: Created at, format: \"%Y-%m-%d %H:%M:%S %z\"}}}`")
        }
        let comma = Array("customer_id,date,amount\nC1,2023-01-01,\"12,50\"\n".utf8)
        #expect { try DatasetLoader.loadTransactions(csv: comma) } throws: { e in
            (e as! DataError).hint!.hasSuffix("`transactions: {columns: {amount: {column: amount, decimal: \",\"}}}` (tenure help schema)")
        }
        // Following the hint: a description of the one column; the required others are read by name.
        let (_, ds) = try importing(["transactions.csv": "customer_id,Created at,amount\nC1,2023-01-01 22:32:44 +0100,\"1,234.50\"\n"],
                                    "transactions: {columns: {date: {column: Created at, format: \"%Y-%m-%d %H:%M:%S %z\"}}}\n")
        #expect(ds.transactions.amount == [1234.5] && ds.transactions.day == [Civil.day(year: 2023, month: 1, day: 1)])
    }

    @Test func refusedRuleInputsNameTheRowAndTheKey() throws {
        func fails(_ files: [String: String], _ yaml: String, line: Int, _ check: (DataError) -> Bool) {
            #expect { try importing(files, yaml) } throws: { e in
                guard let d = e as? DataError else { return false }
                return d.line == line && check(d)
            }
        }
        let subs = "Customer ID,Start,Interval,Amount,Seats\ncus_1,2024-01-05,month,10,2\ncus_2,2024-01-06,fortnight,10,1\n"
        fails(["s.csv": subs], "subscriptions:\n  file: s.csv\n  columns: {customer_id: Customer ID, start_date: Start, mrr: {column: Amount, per: Interval}}\n",
              line: 3) { $0.value == "fortnight" && $0.expected.contains("subscriptions.columns.mrr.per") }
        fails(["s.csv": subs.replacingOccurrences(of: ",2\n", with: ",two\n")],
              "subscriptions:\n  file: s.csv\n  columns: {customer_id: Customer ID, start_date: Start, mrr: {column: Amount, quantity: Seats}}\n",
              line: 2) { $0.value == "two" && $0.column == "Seats" }
        let tickets = "Id,Who,Opened,Reply\n1,a,2024-03-01 10:00:00,soon\n"
        fails(["t.csv": tickets], """
            tickets:
              file: t.csv
              columns: {ticket_id: Id, customer_id: Who, opened_at: {column: Opened, format: "%Y-%m-%d %H:%M:%S"},
                        first_response_at: {column: Opened, format: "%Y-%m-%d %H:%M:%S", add_minutes: Reply}}
            """, line: 2) { $0.value == "soon" && $0.column == "Reply" }
        fails(["t.csv": tickets.replacingOccurrences(of: "soon", with: "1e12")], """
            tickets:
              file: t.csv
              columns: {ticket_id: Id, customer_id: Who, opened_at: {column: Opened, format: "%Y-%m-%d %H:%M:%S"},
                        first_response_at: {column: Opened, format: "%Y-%m-%d %H:%M:%S", add_minutes: Reply}}
            """, line: 2) { $0.expected.contains("at most 100 years") }
        // An expression is for numbers only; a value mapped to text where a number is expected.
        #expect(throws: DataError.self) {
            try importing(["x.csv": "a,b\n1,2\n"], "transactions:\n  file: x.csv\n  columns: {customer_id: {expr: a + b}, date: b, amount: a}\n")
        }
        fails(["x.csv": "c,d,s\nC1,2024-01-01,big\n"],
              "transactions:\n  file: x.csv\n  columns: {customer_id: c, date: d, amount: {column: s, map: {small: \"1\"}}}\n",
              line: 2) { $0.value == "big" && $0.expected.contains("after `map:`") }
    }
}
