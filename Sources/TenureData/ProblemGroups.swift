/// Many rows failing the same way, said once: problems grouped by (file, column, what was
/// expected), each group with its count, its first three lines and values, and its hint.
public enum ProblemGroups {
    public struct Group: Sendable {
        public var first: DataError
        public var count: Int
        /// The first three (line, value) pairs.
        public var examples: [(line: Int, value: String?)]
    }

    /// Groups in the order of their first problem.
    public static func group(_ problems: [DataError]) -> [Group] {
        var order: [String] = []
        var groups: [String: Group] = [:]
        for e in problems {
            let key = "\(e.file)\u{1}\(e.column ?? "")\u{1}\(e.expected)\u{1}\(e.kind.rawValue)"
            if groups[key] == nil { order.append(key); groups[key] = Group(first: e, count: 0, examples: []) }
            groups[key]!.count += 1
            if groups[key]!.examples.count < 3 { groups[key]!.examples.append((e.line, e.value)) }
        }
        return order.map { groups[$0]! }
    }

    /// One line per problem when a group has at most three, else one line for the group:
    /// `orders.csv: column 'Created at': 21,531 rows, expected … — first at line 2 ('…'), 3 ('…'), 4 ('…') — hint`.
    public static func render(_ problems: [DataError], indent: String = "  ") -> String {
        var out = ""
        for g in group(problems) {
            if g.count <= 3 {
                for e in problems where sameGroup(e, g.first) { out += indent + e.description + "\n" }
                continue
            }
            let e = g.first
            var s = e.file
            if let c = e.column { s += ": column '\(c)'" }
            s += ": \(Thousands.group(g.count)) rows, expected \(e.expected)"
            let ex = g.examples.map { ex in
                ex.value.map { v in "\(ex.line) ('\(v.count > 40 ? String(v.prefix(40)) + "…" : v)')" } ?? "\(ex.line)"
            }
            s += " — first at line\(ex.count == 1 ? "" : "s") " + ex.joined(separator: ", ")
            if let h = e.hint { s += " — \(h)" }
            out += indent + s + "\n"
        }
        return out
    }

    static func sameGroup(_ a: DataError, _ b: DataError) -> Bool {
        a.file == b.file && a.column == b.column && a.expected == b.expected && a.kind == b.kind
    }
}
