import TenureData
import TenureNumerics

/// Locale-independent number formatting for people: thousands separators, fixed decimals,
/// percentages, money and dates. Display only; values are never rounded in data files.
public enum Format {
    public static func value(_ x: Double, _ f: ValueFormat) -> String {
        guard x.isFinite else { return x.isNaN ? "–" : (x > 0 ? "∞" : "−∞") }
        switch f {
        case .number(let d): return grouped(x, decimals: d)
        case .percent(let d): return grouped(100 * x, decimals: d) + "%"
        case .currency(let c, let d):
            let body = grouped(abs(x), decimals: d)
            let sign = x < 0 && body.contains(where: { $0 != "0" && $0 != "." && $0 != "," }) ? "−" : ""
            switch c {
            case "USD", "$": return sign + "$" + body
            case "EUR", "€": return sign + "€" + body
            case "GBP", "£": return sign + "£" + body
            default: return sign + body + (c.isEmpty ? "" : " " + c)
            }
        case .date(let monthOnly):
            let iso = Civil.iso(Day(clamping: Int64(x.rounded(.down))))
            return monthOnly ? String(iso.prefix(7)) : iso
        }
    }

    /// `1234567.891` → `1,234,567.89` (decimals 2). Negative numbers use a true minus sign.
    public static func grouped(_ x: Double, decimals: Int) -> String {
        guard x.isFinite else { return x.isNaN ? "–" : (x > 0 ? "∞" : "−∞") }
        guard abs(x) < 1e15 else { return "\(x)" }
        let s = formatFixed(abs(x), decimals: decimals)
        let g = Thousands.group(s)
        let isZero = !s.contains(where: { $0 >= "1" && $0 <= "9" })
        return (x < 0 && !isZero ? "−" : "") + g
    }

    /// An integer count with separators.
    public static func count(_ n: Int) -> String { grouped(Double(n), decimals: 0) }

    /// A compact tick label: drops trailing zero decimals and abbreviates large magnitudes (12k, 3.4M).
    public static func tick(_ x: Double, _ f: ValueFormat, step: Double) -> String {
        switch f {
        case .date: return value(x, f)
        case .percent:
            let d = decimalsFor(step: step * 100)
            return grouped(100 * x, decimals: d) + "%"
        case .number, .currency:
            let a = abs(x)
            var scaled = x, suffix = "", s = step
            if a >= 1e9 || step >= 1e9 { scaled = x / 1e9; s = step / 1e9; suffix = "B" }
            else if a >= 1e6 || step >= 1e6 { scaled = x / 1e6; s = step / 1e6; suffix = "M" }
            else if a >= 1e4 || step >= 1e4 { scaled = x / 1e3; s = step / 1e3; suffix = "k" }
            let body = grouped(scaled, decimals: decimalsFor(step: s)) + suffix
            if case .currency(let c, _) = f {
                let neg = body.hasPrefix("−")
                let b = neg ? String(body.dropFirst()) : body
                switch c {
                case "USD", "$": return (neg ? "−" : "") + "$" + b
                case "EUR", "€": return (neg ? "−" : "") + "€" + b
                case "GBP", "£": return (neg ? "−" : "") + "£" + b
                default: return body
                }
            }
            return body
        }
    }

    /// Decimals needed so that ticks `step` apart print distinctly.
    static func decimalsFor(step: Double) -> Int {
        guard step.isFinite, step > 0 else { return 0 }
        var d = 0, s = step
        while d < 6 && abs(s - s.rounded()) > 1e-9 * max(1, abs(s)) { s *= 10; d += 1 }
        return d
    }
}

extension Format {
    /// A fit's parameters in a sentence, "r = 0.243 (SE 0.013), alpha = 4.414 (SE 0.38)": the
    /// report's one wording for fitted parameters (the tables go through `ReportTable.parameters`).
    static func parameters(_ fit: ModelFit, decimals: Int, standardErrors: Bool = true) -> String {
        fit.parameters.map { p in
            "\(p.name) = \(grouped(p.estimate, decimals: decimals))" + (standardErrors ? " (SE \(grouped(p.standardError, decimals: decimals)))" : "")
        }.joined(separator: ", ")
    }
}
