/// "Did you mean …?": the closest of a set of names to a misspelt one.
public enum Suggest {
    /// The candidate nearest to `name` by edit distance (case-insensitive), when it is close enough
    /// to be a slip: at most a third of the longer name's length, and at least one edit less than
    /// retyping it.
    public static func closest(_ name: String, in candidates: [String]) -> String? {
        let a = Array(name.lowercased())
        var best: (String, Int)?
        for c in candidates {
            let d = distance(a, Array(c.lowercased()))
            if d < (best?.1 ?? Int.max) { best = (c, d) }
        }
        guard let (c, d) = best else { return nil }
        return d <= max(1, max(a.count, c.count) / 3) ? c : nil
    }

    /// " (did you mean 'x'?)" or "".
    public static func phrase(_ name: String, in candidates: [String]) -> String {
        closest(name, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// Levenshtein distance (insertions, deletions, substitutions; transpositions count two).
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count), cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}
