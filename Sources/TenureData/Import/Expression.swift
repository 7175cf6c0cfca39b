import Foundation

/// An amount as arithmetic over an export's columns (`expr: Total - Taxes - Shipping`).
///
/// Operands are column names (as the header writes them; spaces allowed; a name holding an
/// operator character is written in backticks: `` `Net-Sales` ``) or decimal numbers; operators
/// `+ - * /` with the usual precedence, and parentheses. Cells are read with the table's
/// `NumberFormat`. An empty cell counts as 0 (an export leaves Shipping empty when there is none);
/// a row whose operand cells are all empty has no value. Arithmetic is exact in decimal.
public indirect enum Expression: Sendable, Equatable, CustomStringConvertible {
    case column(String)
    case number(Decimal)
    case binary(Character, Expression, Expression)
    case negate(Expression)

    public var description: String {
        switch self {
        case .column(let c): return c.contains(where: { "+-*/()".contains($0) }) ? "`\(c)`" : c
        case .number(let n): return "\(n)"
        case .binary(let op, let a, let b): return "(\(a) \(op) \(b))"
        case .negate(let e): return "-\(e)"
        }
    }

    /// Every column the expression reads.
    public var columns: [String] {
        switch self {
        case .column(let c): return [c]
        case .number: return []
        case .binary(_, let a, let b): return a.columns + b.columns
        case .negate(let e): return e.columns
        }
    }

    /// The expression, or what is wrong with the text.
    public static func parse(_ text: String) -> Result<Expression, ExpressionError> {
        var p = Parser(chars: Array(text))
        do {
            let e = try p.sum()
            p.skipSpaces()
            if p.i < p.chars.count { throw ExpressionError(message: "unexpected '\(p.chars[p.i])' at character \(p.i + 1)") }
            return .success(e)
        } catch let e as ExpressionError { return .failure(e) } catch { return .failure(ExpressionError(message: "\(error)")) }
    }

    /// The value for one row; `cell` gives a column's value (nil = empty), throwing when a cell is
    /// not a number. nil when every operand cell is empty; throws on division by zero.
    public func evaluate(_ cell: (String) throws -> Decimal?) throws -> Decimal? {
        var any = false
        let v = try eval(cell, &any)
        return any || columns.isEmpty ? v : nil
    }

    func eval(_ cell: (String) throws -> Decimal?, _ any: inout Bool) throws -> Decimal {
        switch self {
        case .column(let c):
            if let v = try cell(c) { any = true; return v }
            return 0
        case .number(let n): return n
        case .negate(let e): return -(try e.eval(cell, &any))
        case .binary(let op, let a, let b):
            let x = try a.eval(cell, &any), y = try b.eval(cell, &any)
            switch op {
            case "+": return x + y
            case "-": return x - y
            case "*": return x * y
            default:
                if y == 0 { throw ExpressionError(message: "division by zero") }
                return x / y
            }
        }
    }

    struct Parser {
        var chars: [Character]
        var i = 0
        mutating func skipSpaces() { while i < chars.count, chars[i] == " " { i += 1 } }
        mutating func sum() throws -> Expression {
            var e = try product()
            while true {
                skipSpaces()
                guard i < chars.count, chars[i] == "+" || chars[i] == "-" else { return e }
                let op = chars[i]; i += 1
                e = .binary(op, e, try product())
            }
        }
        mutating func product() throws -> Expression {
            var e = try unary()
            while true {
                skipSpaces()
                guard i < chars.count, chars[i] == "*" || chars[i] == "/" else { return e }
                let op = chars[i]; i += 1
                e = .binary(op, e, try unary())
            }
        }
        mutating func unary() throws -> Expression {
            skipSpaces()
            if i < chars.count, chars[i] == "-" { i += 1; return .negate(try unary()) }
            return try atom()
        }
        mutating func atom() throws -> Expression {
            skipSpaces()
            guard i < chars.count else { throw ExpressionError(message: "a column name or number is missing at the end") }
            if chars[i] == "(" {
                i += 1
                let e = try sum()
                skipSpaces()
                guard i < chars.count, chars[i] == ")" else { throw ExpressionError(message: "a ')' is missing") }
                i += 1
                return e
            }
            if chars[i] == "`" {
                guard let close = chars[(i + 1)...].firstIndex(of: "`") else { throw ExpressionError(message: "a closing ` is missing") }
                let name = String(chars[(i + 1)..<close])
                i = close + 1
                return .column(name)
            }
            var j = i
            while j < chars.count, !"+-*/()`".contains(chars[j]) { j += 1 }
            let token = String(chars[i..<j]).trimmingCharacters(in: .whitespaces)
            guard !token.isEmpty else { throw ExpressionError(message: "a column name or number is missing at character \(i + 1)") }
            i = j
            if token.first!.isASCIIDigit || token.first == ".", let n = Decimal(string: token, locale: Locale(identifier: "en_US_POSIX")),
               token.allSatisfy({ $0.isASCIIDigit || $0 == "." }) {
                return .number(n)
            }
            return .column(token)
        }
    }
}

public struct ExpressionError: Error, Sendable, Equatable {
    public var message: String
}
