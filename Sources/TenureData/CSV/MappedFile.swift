#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TenureNumerics

/// The bytes of a whole file, read into memory (a snapshot: a file rewritten or truncated while it is
/// read can never fault the parser, as a memory map would with SIGBUS), or held in memory for
/// in-memory input.
///
/// Only regular files are read (a FIFO would block forever, a directory is not a table). A file
/// whose size or modification time changes while it is read is an error — the export was still
/// being written — rather than half of one version and half of another.
public final class CSVBytes: @unchecked Sendable {
    public let base: UnsafePointer<UInt8>
    public let count: Int
    private let owned: UnsafeMutablePointer<UInt8>?
    /// Line feeds, quotes and non-ASCII bytes per block, counted as a large file was read; nil for
    /// small files and in-memory bytes.
    let counts: Counts?

    /// The size of the blocks of `counts`.
    let blockBytes: Int

    /// The error for a path whose `st_mode` is not a regular file (nil when it is one): the one wording
    /// of this check, for the reader here and for the loader's look at a table before reading it.
    static func notARegularFile(_ mode: mode_t, file: String) -> DataError? {
        let kind = mode & S_IFMT
        guard kind != S_IFREG else { return nil }
        let name = file.split(separator: "/").last.map(String.init) ?? file
        let hint = kind == S_IFDIR ? "it is a directory; put the CSV file itself at this path"
            : "it is not a regular file (a pipe, socket or device); copy the data into a file"
        return DataError(.missingFile, file: file, expected: "\(name) to be a readable file", hint: hint)
    }

    /// Reads `path`. Throws `DataError(.missingFile)` when it cannot be opened or is not a regular
    /// file, `DataError(.other)` when it changed while being read. Files of `countedFrom` bytes or
    /// more are read in blocks of `blockBytes` on every core, each block counted (`counts`) right
    /// after it is read, while it is still in cache.
    public init(path: String, displayName: String, countedFrom: Int = 16 << 20, blockBytes: Int = 4 << 20) throws {
        self.blockBytes = blockBytes
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw DataError(.missingFile, file: displayName, expected: "a readable file", hint: reason)
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw DataError(.missingFile, file: displayName, expected: "a readable file") }
        if let e = Self.notARegularFile(st.st_mode, file: displayName) { throw e }
        let n = Int(st.st_size)
        let buf = UnsafeMutablePointer<UInt8>.allocate(capacity: max(n, 1))
        var got = 0, failure: Int32 = 0
        if n >= countedFrom {
            let blocks = (n + blockBytes - 1) / blockBytes
            let out = UnsafeMutablePointer<Counts.Block>.allocate(capacity: blocks)
            out.initialize(repeating: Counts.Block(), count: blocks)
            defer { out.deallocate() }
            let job = BlockRead(fd: fd, buf: buf, size: n, blockBytes: blockBytes, out: out)
            Parallel.forEach(blocks) { job.read($0) }
            let all = UnsafeBufferPointer(start: out, count: blocks)
            got = all.reduce(0) { $0 + $1.got }
            failure = all.first { $0.errno != 0 }?.errno ?? 0
            counts = Counts(blocks: Array(all))
        } else {
            while got < n {
                let r = read(fd, buf + got, n - got)
                if r < 0 && errno == EINTR { continue }
                if r < 0 { failure = errno; break }
                if r == 0 { break }
                got += r
            }
            counts = nil
        }
        if failure != 0 {
            buf.deallocate()
            throw DataError(.missingFile, file: displayName, expected: "a readable file", hint: String(cString: strerror(failure)))
        }
        var after = stat()
        let changed = fstat(fd, &after) != 0 || got != n || after.st_size != st.st_size
            || after.st_mtim.tv_sec != st.st_mtim.tv_sec || after.st_mtim.tv_nsec != st.st_mtim.tv_nsec
        if changed {
            buf.deallocate()
            throw DataError(.other, file: displayName, expected: "a file that does not change while it is read",
                            hint: "it changed while tenure read it (\(n) bytes at the start, \(Int(after.st_size)) at the end); "
                                + "wait until the export is finished, or copy it first")
        }
        owned = buf; base = UnsafePointer(buf); count = n
    }

    /// Copies `bytes` (for in-memory input: tests, generated data).
    public init<C: Collection>(bytes: C) where C.Element == UInt8 {
        let n = bytes.count
        let buf = UnsafeMutablePointer<UInt8>.allocate(capacity: max(n, 1))
        _ = UnsafeMutableBufferPointer(start: buf, count: n).initialize(from: bytes)
        owned = buf; base = UnsafePointer(buf); count = n; counts = nil; blockBytes = 0
    }

    /// Readers call this on ranges they have finished with. The bytes are a private copy, which
    /// must stay whole (a table may be re-read), so nothing is released.
    public func release(_ range: Range<Int>) {}

    /// Gives the memory of the bytes back to the system while the object lives on (its bytes then
    /// read as zeros): for a reader that has copied out everything it still needs.
    public func discard() {
        guard let owned else { return }
        ByteInterner.releasePages(UnsafeRawPointer(owned), UnsafeRawPointer(owned + count))
    }

    deinit {
        owned?.deallocate()
    }
}

extension CSVBytes {
    /// What the split's first pass needs (`countNewlines`), per block of `blockBytes`.
    struct Counts {
        struct Block { var newlines = 0, quotes = 0, nonASCII = false, got = 0, errno: Int32 = 0 }
        let blocks: [Block]
    }

    /// Counts of `range` of `bytes`: the whole blocks inside from the counts, the partial ones at
    /// either end counted now.
    func counted(_ range: Range<Int>) -> (newlines: Int, quotes: Int, nonASCII: Bool) {
        guard let counts else { return countNewlines(base, range) }
        let b = blockBytes
        let firstWhole = (range.lowerBound + b - 1) / b, endWhole = range.upperBound / b
        guard firstWhole < endWhole else { return countNewlines(base, range) }
        var total = countNewlines(base, range.lowerBound ..< firstWhole * b)
        for k in firstWhole ..< endWhole {
            let c = counts.blocks[k]
            total.newlines += c.newlines; total.quotes += c.quotes; total.nonASCII = total.nonASCII || c.nonASCII
        }
        let tail = countNewlines(base, endWhole * b ..< range.upperBound)
        return (total.newlines + tail.newlines, total.quotes + tail.quotes, total.nonASCII || tail.nonASCII)
    }

    /// One block of a parallel read: `pread` until it is full (or the file ends), then counted.
    private struct BlockRead: @unchecked Sendable {
        let fd: Int32, buf: UnsafeMutablePointer<UInt8>, size: Int, blockBytes: Int, out: UnsafeMutablePointer<Counts.Block>
        func read(_ k: Int) {
            let lo = k * blockBytes, hi = min(size, lo + blockBytes)
            var at = lo
            while at < hi {
                let r = pread(fd, buf + at, hi - at, off_t(at))
                if r < 0 && errno == EINTR { continue }
                if r < 0 { out[k].errno = errno; return }
                if r == 0 { break }
                at += r
            }
            let c = countNewlines(UnsafePointer(buf), lo ..< at)
            out[k] = Counts.Block(newlines: c.newlines, quotes: c.quotes, nonASCII: c.nonASCII, got: at - lo)
        }
    }
}
