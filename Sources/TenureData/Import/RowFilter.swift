import Foundation

/// One `where:` condition of a mapping file; a row is kept when every condition holds.
///
///     Financial Status in (paid, partially_refunded)
///     Status not in (incomplete, incomplete_expired)
///     Currency = EUR          Test != true
///     Email is not empty      Cancelled at is empty
///
/// The column is named as the export's header writes it (matched case-insensitively, spaces
/// allowed); values are compared to the trimmed cell exactly (case-sensitive), and may be quoted
/// with ' or " (needed for a value holding a comma or parenthesis).
public struct RowFilter: Sendable, Equatable, CustomStringConvertible {
    public enum Test: Sendable, Equatable {
        case oneOf([String]), noneOf([String]), empty, notEmpty
    }
    public var column: String
    public var test: Test
    /// The condition as written.
    public var text: String
    public var description: String { text }

    public func keeps(_ cell: String) -> Bool {
        let v = cell.trimmingCharacters(in: .whitespaces)
        switch test {
        case .oneOf(let vs): return vs.contains(v)
        case .noneOf(let vs): return !vs.contains(v)
        case .empty: return v.isEmpty
        case .notEmpty: return !v.isEmpty
        }
    }

    /// The condition, or what is wrong with it.
    public static func parse(_ text: String) -> Result<RowFilter, ExpressionError> {
        let t = text.trimmingCharacters(in: .whitespaces)
        let lower = t.lowercased()
        func column(_ end: String.Index) -> String { String(t[..<end]).trimmingCharacters(in: .whitespaces) }
        func make(_ col: String, _ test: Test) -> Result<RowFilter, ExpressionError> {
            col.isEmpty ? .failure(ExpressionError(message: "the column before the condition is missing")) : .success(RowFilter(column: col, test: test, text: t))
        }
        for (suffix, test) in [(" is not empty", Test.notEmpty), (" is empty", Test.empty)] where lower.hasSuffix(suffix) {
            return make(column(t.index(t.endIndex, offsetBy: -suffix.count)), test)
        }
        for (word, negated) in [(" not in ", true), (" in ", false)] {
            guard let r = lower.range(of: word) else { continue }
            let start = t.index(t.startIndex, offsetBy: lower.distance(from: lower.startIndex, to: r.lowerBound))
            let rest = t[t.index(start, offsetBy: word.count)...].trimmingCharacters(in: .whitespaces)
            guard rest.hasPrefix("("), rest.hasSuffix(")") else {
                return .failure(ExpressionError(message: "the values after '\(word.trimmingCharacters(in: .whitespaces))' go in parentheses: (a, b)"))
            }
            guard let values = list(String(rest.dropFirst().dropLast())) else {
                return .failure(ExpressionError(message: "a quoted value is not closed"))
            }
            return make(column(start), negated ? .noneOf(values) : .oneOf(values))
        }
        for (op, negated) in [("!=", true), ("=", false)] {
            guard let r = t.range(of: op) else { continue }
            guard let v = list(String(t[r.upperBound...])), v.count == 1 else {
                return .failure(ExpressionError(message: "one value after '\(op)' (for several use `in (a, b)`)"))
            }
            return make(column(r.lowerBound), negated ? .noneOf(v) : .oneOf(v))
        }
        return .failure(ExpressionError(message: "a condition such as `Status in (paid, refunded)`, `Status = paid`, `Email is not empty`"))
    }

    /// Comma-separated values, each optionally quoted; nil when a quote is not closed.
    static func list(_ s: String) -> [String]? {
        var out: [String] = [], cur = "", quote: Character?, quoted = false
        for c in s {
            if let q = quote {
                if c == q { quote = nil } else { cur.append(c) }
            } else if c == "'" || c == "\"" {
                if cur.allSatisfy({ $0 == " " }) { cur = "" }
                quote = c; quoted = true
            } else if c == "," {
                out.append(quoted ? cur : cur.trimmingCharacters(in: .whitespaces)); cur = ""; quoted = false
            } else if !(quoted && c == " ") {
                cur.append(c)
            }
        }
        guard quote == nil else { return nil }
        out.append(quoted ? cur : cur.trimmingCharacters(in: .whitespaces))
        return out
    }
}
