#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
    /// file, `DataError(.other)` when it changed while being read.
    public init(path: String, displayName: String) throws {
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
        var got = 0
        while got < n {
            let r = read(fd, buf + got, n - got)
            if r < 0 && errno == EINTR { continue }
            if r < 0 {
                buf.deallocate()
                throw DataError(.missingFile, file: displayName, expected: "a readable file", hint: String(cString: strerror(errno)))
            }
            if r == 0 { break }
            got += r
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
        owned = buf; base = UnsafePointer(buf); count = n
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
