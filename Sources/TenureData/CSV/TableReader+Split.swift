import TenureNumerics

/// Stage 2: the lines (the capacity to preallocate), quotes and non-ASCII bytes counted (a large
/// file's were counted block by block as it was read, `CSVBytes.counts`; other input is counted
/// here in one pass), then the cut of large inputs into chunks at record boundaries.
extension TableReader {
    struct Split {
        /// Chunks to parse in parallel (1 = one single-threaded pass).
        var chunks: Int
        /// Per chunk: byte range, line feeds counted in it (an upper bound on its records) and its
        /// first row in the storage.
        var ranges: [Range<Int>] = []
        var lines: [Int]
        var rowBases: [Int] = []
        var totalLines: Int
        /// Any byte ≥ 0x80 (the chunks then validate UTF-8).
        var anyNonASCII: Bool

        /// Inputs of at least `parallelThreshold` bytes are cut into `threads` chunks.
        ///
        /// Split points: the first record boundary after each nominal point (`size × k / chunks`).
        /// The parity of the quotes before it (counted in the first pass) tells whether that point is
        /// inside a quoted field, so a quoted line break never splits a record. (A file whose quotes
        /// are not paired is invalid; some chunk then fails and the whole table is re-read in one pass.)
        init(_ ctx: Context, threads: Int) {
            let base = ctx.base, bytes = ctx.bytes
            let n = bytes.count, dataStart = ctx.dataStart
            let size = n - dataStart
            let nchunks = size >= parallelThreshold ? max(1, threads) : 1
            var nominal: [Int] = (0 ... nchunks).map { dataStart + size * $0 / nchunks }
            nominal[nchunks] = n
            // (A large file was counted block by block as it was read: only the ends are counted here.)
            let counts = Parallel.map(nchunks) { bytes.counted(nominal[$0] ..< nominal[$0 + 1]) }
            chunks = nchunks
            lines = counts.map { $0.newlines }
            totalLines = lines.reduce(0, +)
            anyNonASCII = counts.contains { $0.nonASCII }
            guard nchunks > 1 else { return }
            var b = [dataStart]
            var quotesBefore = 0
            for k in 1 ..< nchunks {
                quotesBefore += counts[k - 1].quotes
                let p = recordBoundary(base, from: nominal[k], end: n, insideQuotes: quotesBefore & 1 == 1)
                b.append(min(n, max(p, b.last!)))
            }
            b.append(n)
            var bases = [0]
            for k in 0 ..< nchunks { bases.append(bases[k] + lines[k] + 2) }
            ranges = (0 ..< nchunks).map { b[$0] ..< b[$0 + 1] }
            rowBases = Array(bases.prefix(nchunks))
        }
    }
}
