/// A numerical routine or model fit that failed; `model` names what was being computed.
public struct FitError: Error, Sendable, Codable, Equatable, CustomStringConvertible {
    public var model: String
    public var reason: String
    public init(model: String, reason: String) { self.model = model; self.reason = reason }
    public var description: String { "\(model): \(reason)" }
}

/// A matrix or simulation that would not fit, refused before anything is allocated. Names the
/// option that would make it fit; the CLI turns it into a usage error (exit 64).
public struct SizeLimitError: Error, Sendable, Codable, Equatable, CustomStringConvertible {
    /// What would be built: "the cohort matrix (3 groups × 46,000 cohorts × 46,000 ages)".
    public var what: String
    public var size: Int
    public var limit: Int
    /// The option that changes it: "--period".
    public var option: String
    /// How to use it: "use a coarser --period (week, month)".
    public var hint: String
    public init(what: String, size: Int, limit: Int, option: String, hint: String) {
        self.what = what; self.size = size; self.limit = limit; self.option = option; self.hint = hint
    }
    public var description: String {
        "\(what) exceeds the limit of \(limit) — \(hint)"
    }

    /// Throws when `size` exceeds `limit`; computed with overflow checks so a product of
    /// huge factors is refused rather than wrapped.
    public static func check(_ factors: [Int], limit: Int, what: String, option: String, hint: String) throws {
        var size = 1
        for f in factors {
            let (p, o) = size.multipliedReportingOverflow(by: max(f, 0))
            size = o ? Int.max : p
        }
        if size > limit { throw SizeLimitError(what: what, size: size, limit: limit, option: option, hint: hint) }
    }
}
