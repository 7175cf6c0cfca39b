import TenureData

/// The `--by` breakdown: one level per customer (code into `levels`; every customer has one,
/// customers without a value are in the last level, `(missing)`). Resolved by `CustomerAttribute`.
struct Grouping {
    var levels: [String]
    var code: [Int32]

    static func resolve(by: String?, dataset ds: Dataset) throws -> Grouping {
        guard let by else { return Grouping(levels: ["all"], code: [Int32](repeating: 0, count: ds.customers.count)) }
        let g = try CustomerAttribute(ds, column: by).withMissingGroup()
        return Grouping(levels: g.levels, code: g.codes)
    }
}
