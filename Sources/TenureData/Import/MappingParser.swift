import Foundation
import Yams

/// Reads the source parts of a mapping file (`file`, `where`, `columns`, `refunds`, `preset`,
/// `timezone`, `currency`) into a `SourceMapping`. Every key is checked: a misspelt or unknown
/// one is an error with the line and the nearest known key, never ignored.
enum MappingParser {
    static let topKeys = ["timezone", "currency"]
    static let tableKeys = ["preset", "file", "where", "columns", "refunds"]
    static let ruleKeys = ["column", "expr", "value", "format", "decimal", "case", "map", "otherwise",
                           "currency", "currency_code", "per", "per_count", "quantity", "add_minutes", "when"]

    /// Whether a table's mapping describes a source (any of `tableKeys`) rather than only renaming columns.
    static func isSource(_ m: Node.Mapping) -> Bool {
        m.contains { tableKeys.contains($0.key.string ?? "") }
    }

    struct Context {
        let file: String
        func error(_ node: Node?, _ key: String?, _ expected: String, hint: String? = nil) -> DataError {
            DataError(.badSchema, file: file, line: node?.mark?.line ?? 0, column: key, expected: expected, hint: hint)
        }
    }

    static func unknownKey(_ key: Node, _ known: [String], where place: String, _ cx: Context) -> DataError {
        let k = key.string ?? "?"
        return cx.error(key, k, "a key of \(place): \(known.joined(separator: ", "))",
                        hint: Suggest.closest(k, in: known).map { "did you mean '\($0)'?" } ?? "see `tenure help schema`")
    }

    static func string(_ n: Node, _ key: String, _ cx: Context) throws -> String {
        guard let s = n.scalar?.string else { throw cx.error(n, key, "a single value for '\(key)'") }
        return s
    }

    static func strings(_ n: Node, _ key: String, _ cx: Context) throws -> [String] {
        if let seq = n.sequence { return try seq.map { try string($0, key, cx) } }
        return [try string(n, key, cx)]
    }

    static func timeZone(_ n: Node, _ cx: Context) throws -> String {
        let tz = try string(n, "timezone", cx)
        guard tz == "as-written" || TimeZone(identifier: tz) != nil else {
            throw cx.error(n, "timezone", "an IANA time zone such as Europe/Berlin or America/New_York, UTC, or as-written",
                           hint: "as-written takes each date as the export wrote it, ignoring its offset")
        }
        return tz
    }

    static func currency(_ n: Node, _ cx: Context) throws -> CurrencyRule {
        guard let m = n.mapping else { throw cx.error(n, "currency", "a mapping such as `currency: {base: USD, rates: {EUR: 1.08}}`") }
        var base: String?, rates: [String: Decimal] = [:]
        for (k, v) in m {
            switch k.string {
            case "base": base = try string(v, "currency.base", cx).uppercased()
            case "rates":
                guard let r = v.mapping else { throw cx.error(v, "currency.rates", "a mapping of currency code to rate, such as `{EUR: 1.08, GBP: 1.27}`") }
                for (ck, cv) in r {
                    let code = try string(ck, "currency.rates", cx).uppercased()
                    guard let s = cv.scalar?.string, let rate = Decimal(string: s, locale: Locale(identifier: "en_US_POSIX")), rate > 0 else {
                        throw cx.error(cv, "currency.rates.\(code)", "a positive number: units of the base currency per \(code)")
                    }
                    rates[code] = rate
                }
            default: throw unknownKey(k, ["base", "rates"], where: "currency", cx)
            }
        }
        guard let base else { throw cx.error(n, "currency.base", "the base currency every amount is converted to (`base: USD`)") }
        return CurrencyRule(base: base, rates: rates, line: n.mark?.line ?? 0)
    }

    /// A table's source description. `preset` is resolved by the caller.
    static func table(_ name: String, _ n: Node, spec: TableSpec, _ cx: Context) throws -> TableSource {
        let m = n.mapping!
        var t = TableSource(table: name, line: n.mark?.line ?? 0)
        for (k, v) in m {
            guard let key = k.string, tableKeys.contains(key) else { throw unknownKey(k, tableKeys, where: "table \(name)", cx) }
            switch key {
            case "preset": t.preset = try string(v, "\(name).preset", cx)
            case "file": t.files = try strings(v, "\(name).file", cx)
            case "where":
                let items = v.sequence.map(Array.init) ?? [v]
                for item in items {
                    let text = try string(item, "\(name).where", cx)
                    switch RowFilter.parse(text) {
                    case .success(let f): t.filters.append(f)
                    case .failure(let e): throw cx.error(item, "\(name).where", e.message, hint: "got '\(text)'")
                    }
                }
            case "columns":
                guard let cols = v.mapping else { throw cx.error(v, "\(name).columns", "a mapping of tenure's column to yours (`customer_id: Email`)") }
                for (ck, cv) in cols {
                    let canon = ck.string ?? ""
                    let known = spec.columns.map(\.name)
                    guard known.contains(canon) || spec.keepExtraColumns else {
                        throw cx.error(ck, "\(name).columns.\(canon)", "a column of \(spec.file): \(known.joined(separator: ", "))",
                                       hint: Suggest.closest(canon, in: known).map { "did you mean '\($0)'?" })
                    }
                    t.columns[canon] = try rule(cv, path: "\(name).columns.\(canon)", cx)
                }
            case "refunds":
                guard name == "transactions" else { throw cx.error(k, "\(name).refunds", "refunds only in transactions") }
                guard let r = v.mapping else { throw cx.error(v, "transactions.refunds", "a mapping such as `{amount: Refunded Amount}`") }
                var amount: ColumnRule?, date: ColumnRule?
                for (rk, rv) in r {
                    switch rk.string {
                    case "amount": amount = try rule(rv, path: "transactions.refunds.amount", cx)
                    case "date": date = try rule(rv, path: "transactions.refunds.date", cx)
                    default: throw unknownKey(rk, ["amount", "date"], where: "transactions.refunds", cx)
                    }
                }
                guard let amount else { throw cx.error(v, "transactions.refunds.amount", "the column holding the refunded amount") }
                t.refunds = RefundRule(amount: amount, date: date)
            default: break
            }
        }
        return t
    }

    /// Which keys the user gave, so a preset's are replaced only where the user said so.
    static func givenKeys(_ n: Node) -> Set<String> { Set(n.mapping?.compactMap { $0.key.string } ?? []) }

    static func rule(_ n: Node, path: String, _ cx: Context) throws -> ColumnRule {
        let line = n.mark?.line ?? 0
        if let s = n.scalar?.string { return ColumnRule(source: .column(s), line: line, path: path) }
        guard let m = n.mapping else { throw cx.error(n, path, "a column name or a mapping such as `{column: Created at, format: \"%Y-%m-%d %H:%M:%S %z\"}`") }
        var source: ColumnRule.Source?
        var r = ColumnRule(source: .constant(""), line: line, path: path)
        func setSource(_ s: ColumnRule.Source, _ k: Node) throws {
            guard source == nil else { throw cx.error(k, path, "one of column, expr or value", hint: "remove all but one") }
            source = s
        }
        for (k, v) in m {
            guard let key = k.string, ruleKeys.contains(key) else { throw unknownKey(k, ruleKeys, where: path, cx) }
            let at = "\(path).\(key)"
            switch key {
            case "column": try setSource(.column(try string(v, at, cx)), k)
            case "value": try setSource(.constant(try string(v, at, cx)), k)
            case "expr":
                let text = try string(v, at, cx)
                switch Expression.parse(text) {
                case .success(let e): try setSource(.expression(e), k)
                case .failure(let e): throw cx.error(v, at, "an expression of columns such as `Total - Taxes - Shipping` (\(e.message))", hint: "got '\(text)'")
                }
            case "format":
                let f = DateFormat(pattern: try string(v, at, cx))
                if let bad = f.unknownDirective {
                    throw cx.error(v, at, "iso, unix, unix_ms, excel or a pattern of %Y %y %m %d %e %H %I %p %M %S %f %z %Z %b %B %a %F %T",
                                   hint: "\(bad) is not one of them")
                }
                r.format = f
            case "decimal":
                let d = try string(v, at, cx)
                guard d == "." || d == "," else { throw cx.error(v, at, "the decimal mark: \".\" or \",\"") }
                r.number = NumberFormat(decimal: d.first!)
            case "case":
                let c = try string(v, at, cx)
                guard c == "lower" || c == "upper" else { throw cx.error(v, at, "lower or upper") }
                r.letterCase = c
            case "map":
                guard let mm = v.mapping else { throw cx.error(v, at, "a mapping of value to value, such as `{closedwon: true}`") }
                var out: [String: String] = [:]
                for (a, b) in mm { out[try string(a, at, cx)] = try string(b, at, cx) }
                r.map = out
            case "otherwise": r.otherwise = try string(v, at, cx)
            case "currency": r.currencyColumn = try string(v, at, cx)
            case "currency_code": r.currencyCode = try string(v, at, cx).uppercased()
            case "per": r.per = try string(v, at, cx)
            case "per_count": r.perCount = try string(v, at, cx)
            case "quantity": r.quantity = try string(v, at, cx)
            case "add_minutes": r.addMinutes = try string(v, at, cx)
            case "when":
                let text = try string(v, at, cx)
                switch RowFilter.parse(text) {
                case .success(let f): r.when = f
                case .failure(let e): throw cx.error(v, at, e.message, hint: "got '\(text)'")
                }
            default: break
            }
        }
        guard let source else { throw cx.error(n, path, "where the value comes from: `column:`, `expr:` or `value:`") }
        r.source = source
        return r
    }
}
