/// Thousands separators, the one place they are inserted (problem counts, report figures, the
/// spreadsheet-style exports of `tenure generate --exports`).
public enum Thousands {
    /// Inserts `separator` every three digits of the whole part of a plain decimal numeral:
    /// `"1234567.891"` → `"1,234,567.891"`, `"-1234"` → `"-1,234"`, `"999"` → `"999"`.
    /// The fraction and a leading sign are left as they are.
    public static func group(_ numeral: String, separator: Character = ",") -> String {
        var whole = Substring(numeral), sign = "", fraction = ""
        if let first = whole.first, first == "-" || first == "+" { sign = String(first); whole = whole.dropFirst() }
        if let dot = whole.firstIndex(of: ".") { fraction = String(whole[dot...]); whole = whole[..<dot] }
        var out = ""
        out.reserveCapacity(numeral.count + whole.count / 3)
        for (i, digit) in whole.enumerated() {
            if i > 0 && (whole.count - i) % 3 == 0 { out.append(separator) }
            out.append(digit)
        }
        return sign + out + fraction
    }

    /// An integer with separators: 21531 → "21,531".
    public static func group(_ n: Int) -> String { group(String(n)) }
}
