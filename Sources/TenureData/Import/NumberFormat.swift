import Foundation

/// How an export writes numbers (`decimal:` in a mapping file), read exactly as decimals.
///
/// Accepted around the digits: spaces, a currency symbol or three-letter code before or after
/// (`$1,234.50`, `1.234,50 €`, `USD 12`), a sign before or after the symbol, accounting
/// parentheses for a negative (`(12.00)`), and a trailing `%` (divided by 100). Thousands
/// separators (`,` `.` `'`, space, no-break space — whichever is not the decimal mark) are removed
/// only when they group whole thousands (`1,234,567`), so `1,5` with a `.` decimal mark is an error,
/// not 15.
public struct NumberFormat: Sendable, Equatable {
    /// The decimal mark: `.` (default) or `,`.
    public var decimal: Character
    public init(decimal: Character = ".") { self.decimal = decimal }

    static let symbols: Set<Character> = ["$", "€", "£", "¥", "₹", "₩", "₽", "₺", "₪", "₫", "฿", "¢"]

    public func parse(_ text: String) -> Decimal? {
        var s = Substring(text.trimmingCharacters(in: .whitespaces))
        guard !s.isEmpty else { return nil }
        var negative = false, percent = false
        if s.first == "(" && s.last == ")" { negative = true; s = s.dropFirst().dropLast() }
        func trim() { while let c = s.first, c == " " || c == "\u{00A0}" { s.removeFirst() }; while let c = s.last, c == " " || c == "\u{00A0}" { s.removeLast() } }
        func sign() { if s.first == "-" || s.first == "−" { negative.toggle(); s.removeFirst(); trim() } else if s.first == "+" { s.removeFirst(); trim() } }
        func currency() {
            if let c = s.first, Self.symbols.contains(c) { s.removeFirst(); trim() }
            if let c = s.last, Self.symbols.contains(c) { s.removeLast(); trim() }
            if s.count > 3, s.prefix(3).allSatisfy({ $0.isUppercase && $0.isASCII }), !s.dropFirst(3).first!.isLetter { s.removeFirst(3); trim() }
            if s.count > 3, s.suffix(3).allSatisfy({ $0.isUppercase && $0.isASCII }), !s.dropLast(3).last!.isLetter { s.removeLast(3); trim() }
        }
        trim(); sign(); currency(); sign()
        if s.last == "%" { percent = true; s.removeLast(); trim() }
        if s.last == "-" { negative.toggle(); s.removeLast(); trim() }
        guard !s.isEmpty else { return nil }
        // Split the mantissa from an exponent.
        var mantissa = s, exponent = ""
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = s[..<e]; exponent = String(s[e...])
            guard exponent.count >= 2, exponent.dropFirst().drop(while: { $0 == "+" || $0 == "-" }).allSatisfy(\.isASCIIDigit),
                  exponent.dropFirst().contains(where: \.isASCIIDigit) else { return nil }
        }
        var intPart = mantissa, fracPart: Substring = ""
        if let d = mantissa.lastIndex(of: decimal) {
            intPart = mantissa[..<d]; fracPart = mantissa[mantissa.index(after: d)...]
            guard fracPart.allSatisfy(\.isASCIIDigit) else { return nil }
        }
        guard let digits = Self.ungroup(intPart, decimal: decimal), !(digits.isEmpty && fracPart.isEmpty) else { return nil }
        let plain = (negative ? "-" : "") + (digits.isEmpty ? "0" : digits) + (fracPart.isEmpty ? "" : "." + fracPart) + exponent
        guard var v = Decimal(string: plain, locale: Locale(identifier: "en_US_POSIX")), !v.isNaN else { return nil }
        if percent { v /= 100 }
        return v
    }

    /// The integer digits with thousands separators removed; nil when separators do not group thousands.
    static func ungroup(_ s: Substring, decimal: Character) -> String? {
        if s.allSatisfy(\.isASCIIDigit) { return String(s) }
        let separators: Set<Character> = Set([",", ".", "'", " ", "\u{00A0}", "\u{202F}"]).subtracting([decimal])
        guard let sep = s.first(where: { !$0.isASCIIDigit }), separators.contains(sep) else { return nil }
        let groups = s.split(separator: sep, omittingEmptySubsequences: false)
        guard let first = groups.first, (1...3).contains(first.count), first.allSatisfy(\.isASCIIDigit),
              groups.dropFirst().allSatisfy({ $0.count == 3 && $0.allSatisfy(\.isASCIIDigit) }) else { return nil }
        return groups.joined()
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension Decimal {
    /// The exact decimal text (`1217.2`, `-0.5`), no exponent, no grouping: what tenure's reader parses.
    var plainText: String {
        var v = self
        var r = Decimal()
        NSDecimalRound(&r, &v, 12, .plain)
        let s = NSDecimalNumber(decimal: r).stringValue
        return s
    }
}
