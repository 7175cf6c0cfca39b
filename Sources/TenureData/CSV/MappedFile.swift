#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a whole file, memory-mapped read-only (or held in memory for in-memory input).
///
/// Pages are mapped, not copied: the text never lives on the heap. Readers call
/// `release(_:)` on ranges they have finished with so that the resident set stays proportional
/// to the columns being built, not to the file size.
public final class CSVBytes: @unchecked Sendable {
    public let base: UnsafePointer<UInt8>
    public let count: Int
    private let mapped: Bool
    private let owned: UnsafeMutablePointer<UInt8>?

    /// Maps `path`. Throws `DataError(.missingFile)` when it cannot be opened.
    public init(path: String, displayName: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw DataError(.missingFile, file: displayName, expected: "a readable file") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw DataError(.missingFile, file: displayName, expected: "a readable file") }
        let n = Int(st.st_size)
        if n == 0 {
            owned = .allocate(capacity: 1)
            base = UnsafePointer(owned!); count = 0; mapped = false
            return
        }
        guard let p = mmap(nil, n, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            // Not mappable (a pipe, a special file): read it.
            let buf = UnsafeMutablePointer<UInt8>.allocate(capacity: n)
            var got = 0
            while got < n {
                let r = read(fd, buf + got, n - got)
                if r <= 0 { break }
                got += r
            }
            owned = buf; base = UnsafePointer(buf); count = got; mapped = false
            return
        }
        #if canImport(Glibc)
        _ = madvise(p, n, MADV_SEQUENTIAL)
        #endif
        owned = nil
        base = UnsafePointer(p.assumingMemoryBound(to: UInt8.self)); count = n; mapped = true
    }

    /// Copies `bytes` (for in-memory input: tests, generated data).
    public init<C: Collection>(bytes: C) where C.Element == UInt8 {
        let n = bytes.count
        let buf = UnsafeMutablePointer<UInt8>.allocate(capacity: max(n, 1))
        _ = UnsafeMutableBufferPointer(start: buf, count: n).initialize(from: bytes)
        owned = buf; base = UnsafePointer(buf); count = n; mapped = false
    }

    /// Tells the kernel the pages of `range` are no longer needed (they are re-read from the page
    /// cache if touched again). No effect for in-memory input.
    public func release(_ range: Range<Int>) {
        guard mapped else { return }
        let page = 4096
        let lo = (range.lowerBound + page - 1) / page * page
        let hi = range.upperBound / page * page
        guard hi > lo else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base + lo), hi - lo, MADV_DONTNEED)
    }

    deinit {
        if mapped { munmap(UnsafeMutableRawPointer(mutating: base), count) }
        owned?.deallocate()
    }
}
