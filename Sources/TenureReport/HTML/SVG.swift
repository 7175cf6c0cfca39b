import Foundation
import TenureData

/// Small building blocks for hand-written SVG: an element writer that escapes every text and
/// attribute, linear/log scales with "nice" ticks, the colour palettes and a text-width estimate.
/// Layout only; no statistics.
struct SVGWriter {
    private(set) var out: String = ""

    init() { out.reserveCapacity(16_384) }

    /// A number as an SVG coordinate: at most 2 decimals, no exponent, "-0" avoided.
    @inline(__always) static func n(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        let r = (x * 100).rounded() / 100
        if r == r.rounded() && abs(r) < 1e12 { return String(Int64(r)) }
        return formatFixed(r, decimals: 2).replacingOccurrences(of: ".00", with: "")
    }

    mutating func raw(_ s: String) { out += s }

    /// Opens an element; `attrs` values are escaped.
    mutating func open(_ name: String, _ attrs: [(String, String)] = []) {
        out += "<" + name
        for (k, v) in attrs { out += " \(k)=\"\(Escape.attribute(v))\"" }
        out += ">"
    }
    mutating func close(_ name: String) { out += "</\(name)>" }

    mutating func empty(_ name: String, _ attrs: [(String, String)]) {
        out += "<" + name
        for (k, v) in attrs { out += " \(k)=\"\(Escape.attribute(v))\"" }
        out += "/>"
    }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, cls: String? = nil, style: [(String, String)] = []) {
        var a: [(String, String)] = [("x1", Self.n(x1)), ("y1", Self.n(y1)), ("x2", Self.n(x2)), ("y2", Self.n(y2))]
        if let cls { a.append(("class", cls)) }
        empty("line", a + style)
    }

    mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String? = nil, cls: String? = nil,
                       extra: [(String, String)] = [], title: String? = nil) {
        var a: [(String, String)] = [("x", Self.n(x)), ("y", Self.n(y)), ("width", Self.n(max(0, w))), ("height", Self.n(max(0, h)))]
        if let fill { a.append(("fill", fill)) }
        if let cls { a.append(("class", cls)) }
        a += extra
        if let title {
            open("rect", a); open("title"); out += Escape.svg(title); close("title"); close("rect")
        } else {
            empty("rect", a)
        }
    }

    /// Text at (x, y); `anchor` start|middle|end. The string is escaped.
    mutating func text(_ s: String, _ x: Double, _ y: Double, anchor: String = "start", cls: String? = nil,
                       extra: [(String, String)] = []) {
        var a: [(String, String)] = [("x", Self.n(x)), ("y", Self.n(y))]
        if anchor != "start" { a.append(("text-anchor", anchor)) }
        if let cls { a.append(("class", cls)) }
        a += extra
        open("text", a)
        out += Escape.svg(s)
        close("text")
    }

    mutating func title(_ s: String) { open("title"); out += Escape.svg(s); close("title") }
}

/// Maps data values to pixels. `log` uses log10 (values ≤ 0 are clamped to the domain's low end).
struct Scale {
    var d0: Double, d1: Double, r0: Double, r1: Double, log: Bool

    init(domain: (Double, Double), range: (Double, Double), log: Bool = false) {
        self.log = log
        if log {
            d0 = log10(max(domain.0, 1e-300)); d1 = log10(max(domain.1, 1e-300))
        } else {
            d0 = domain.0; d1 = domain.1
        }
        if d1 == d0 { d1 = d0 + 1 }
        r0 = range.0; r1 = range.1
    }

    func callAsFunction(_ v: Double) -> Double {
        let t = log ? log10(max(v, 1e-300)) : v
        return r0 + (t - d0) / (d1 - d0) * (r1 - r0)
    }
}

/// Axis ticks: round numbers 1, 2, 2.5, 5 × 10^k covering [lo, hi] with about `count` steps.
enum Ticks {
    static func nice(_ lo: Double, _ hi: Double, count: Int = 5) -> (ticks: [Double], step: Double, lo: Double, hi: Double) {
        var lo = lo, hi = hi
        if !lo.isFinite || !hi.isFinite { lo = 0; hi = 1 }
        if hi < lo { swap(&lo, &hi) }
        if hi == lo { let pad = lo == 0 ? 1 : abs(lo) * 0.1; lo -= pad; hi += pad }
        let raw = (hi - lo) / Double(max(1, count))
        var p = 1.0
        while p * 10 <= raw { p *= 10 }
        while p > raw { p /= 10 }
        let m = raw / p
        let step = (m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10) * p
        let a = (lo / step).rounded(.down) * step
        let b = (hi / step).rounded(.up) * step
        var t: [Double] = []
        var v = a
        var guardCount = 0
        while v <= b + step * 1e-9 && guardCount < 200 {
            t.append(abs(v) < step * 1e-9 ? 0 : v)
            v += step; guardCount += 1
        }
        return (t, step, a, b)
    }

    /// Ticks inside a fixed [lo, hi] (no extension of the ends).
    static func within(_ lo: Double, _ hi: Double, count: Int = 5) -> (ticks: [Double], step: Double) {
        let n = nice(lo, hi, count: count)
        return (n.ticks.filter { $0 >= lo - n.step * 1e-9 && $0 <= hi + n.step * 1e-9 }, n.step)
    }

    /// Powers of ten (and 2, 5 between them when few decades) for a log axis.
    static func log(_ lo: Double, _ hi: Double) -> [Double] {
        var t: [Double] = []
        var p = 1.0
        while p > lo { p /= 10 }
        while p * 10 <= lo { p *= 10 }
        let decades = log10(hi / max(lo, 1e-300))
        while p <= hi * 1.0000001 && t.count < 60 {
            for m in decades < 2 ? [1.0, 2, 5] : [1.0] where p * m >= lo * 0.9999999 && p * m <= hi * 1.0000001 { t.append(p * m) }
            p *= 10
        }
        return t
    }
}

extension Ticks {
    /// Ticks on the first day of months for a day-number axis: every 1, 2, 3, 6 or 12 months, or
    /// every k years, whichever gives at most `count` ticks.
    static func dates(_ lo: Double, _ hi: Double, count: Int = 8) -> (ticks: [Double], monthOnly: Bool, yearOnly: Bool) {
        guard lo.isFinite, hi.isFinite, hi > lo else { return ([lo], false, false) }
        let span = (hi - lo) / Civil.daysPerMonth
        if span < 2 {  // under two months: nice day steps
            let n = Ticks.within(lo, hi, count: count)
            return (n.ticks, false, false)
        }
        let steps = [1, 2, 3, 6, 12, 24, 60, 120]
        let step = steps.first { span / Double($0) <= Double(count) } ?? 120
        let a = Civil.date(Day(clamping: Int64(lo.rounded(.down))))
        var y = a.year, m = a.month
        if a.day != 1 { m += 1; if m > 12 { m = 1; y += 1 } }
        // align to the step (quarters start in Jan/Apr/Jul/Oct, years in January)
        while (m - 1) % min(step, 12) != 0 { m += 1; if m > 12 { m = 1; y += 1 } }
        if step > 12 { while y % (step / 12) != 0 { y += 1 } }
        var out: [Double] = []
        while out.count < 200 {
            let d = Double(Civil.day(year: y, month: m, day: 1))
            if d > hi { break }
            out.append(d)
            m += step
            while m > 12 { m -= 12; y += 1 }
        }
        return (out, true, step >= 12)
    }
}

/// Colour-blind-safe colours: Okabe & Ito (2008) for categories, viridis for sequential scales.
enum Palette {
    /// Okabe–Ito, reordered so the first colours are the most distinct on white and in greyscale.
    static let categorical = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442"]
    static func color(_ i: Int) -> String { categorical[((i % categorical.count) + categorical.count) % categorical.count] }

    /// Dash patterns that also tell series apart when printed in black and white.
    static let dashes = ["", "7 3", "2 3", "9 3 2 3"]

    /// viridis, 11 stops (matplotlib's `viridis` sampled at 0, 0.1, …, 1).
    static let viridis: [(Double, Double, Double)] = [
        (68, 1, 84), (72, 36, 117), (65, 68, 135), (53, 95, 141), (42, 120, 142), (33, 145, 140),
        (34, 168, 132), (68, 191, 112), (122, 209, 81), (189, 223, 38), (253, 231, 37),
    ]

    /// Colour of t in [0, 1] on viridis (linear interpolation between stops).
    static func sequential(_ t: Double) -> (r: Double, g: Double, b: Double) {
        let t = Swift.max(0, Swift.min(1, t.isFinite ? t : 0))
        let pos = t * Double(viridis.count - 1)
        let i = Swift.min(Int(pos), viridis.count - 2)
        let f = pos - Double(i)
        let a = viridis[i], b = viridis[i + 1]
        return (a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f, a.2 + (b.2 - a.2) * f)
    }

    static func hex(_ c: (r: Double, g: Double, b: Double)) -> String {
        func h(_ v: Double) -> String {
            let i = Swift.max(0, Swift.min(255, Int(v.rounded())))
            return (i < 16 ? "0" : "") + String(i, radix: 16)
        }
        return "#" + h(c.r) + h(c.g) + h(c.b)
    }

    /// Relative luminance (sRGB, WCAG), to pick black or white text on a fill.
    static func luminance(_ c: (r: Double, g: Double, b: Double)) -> Double {
        func lin(_ v: Double) -> Double { let s = v / 255; return s <= 0.03928 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4) }
        return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b)
    }
}

/// Rough width of a text run in pixels (no font metrics available offline): average advance of a
/// sans-serif face is ~0.58 em, digits ~0.56 em.
func textWidth(_ s: String, size: Double) -> Double {
    var w = 0.0
    for ch in s {
        switch ch {
        case "i", "l", "j", "t", "f", "r", ".", ",", ":", ";", "'", "|", "!", "(", ")", " ", "[", "]", "/": w += 0.36
        case "m", "w", "M", "W", "%": w += 0.92
        case "A"..."Z", "<", ">", "=", "+", "−", "–", "~": w += 0.72
        default: w += 0.62
        }
    }
    return w * size
}

/// Shortens a label to at most `maxWidth` pixels with an ellipsis.
func fitLabel(_ s: String, size: Double, maxWidth: Double) -> String {
    if textWidth(s, size: size) <= maxWidth { return s }
    var t = s
    while !t.isEmpty && textWidth(t + "…", size: size) > maxWidth { t.removeLast() }
    return t + "…"
}
