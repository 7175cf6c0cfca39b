import Foundation
import TenureNumerics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An output that could not be written: the path and the system's reason ("No space left on
/// device", "Read-only file system"). The CLI prints it and exits 74 (EX_IOERR).
public struct OutputError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var code: Int32
    public init(path: String, code: Int32) {
        self.path = path; self.code = code; reason = String(cString: strerror(code))
    }
    public init(path: String, reason: String) { self.path = path; self.reason = reason; code = 0 }
    public var description: String { "cannot write \(path): \(reason)" }
}

/// Writes files atomically: the content goes to a temporary file beside the target, then is renamed
/// over it, so a reader never sees half a file and a failure leaves the old file untouched (and no
/// temporary file behind). Every failure is an `OutputError` with the system's reason.
public enum AtomicFile {
    public static func write(_ text: String, to path: String) throws {
        var text = text
        try text.withUTF8 { try write(bytes: UnsafeRawBufferPointer($0), to: path) }
    }
    public static func write(_ data: Data, to path: String) throws {
        try data.withUnsafeBytes { try write(bytes: $0, to: path) }
    }

    static func write(bytes: UnsafeRawBufferPointer, to path: String) throws {
        try stream(to: path) { try $0.write(bytes) }
    }

    /// Calls `body` with a writer into a temporary file beside `path`; when `body` returns, the file
    /// is closed and renamed onto `path`. When `body` or a write throws, `path` is left as it was.
    /// (Devices and pipes are written to directly, as they are.)
    public static func stream(to path: String, _ body: (inout ByteWriter) throws -> Void) throws {
        let dir = (path as NSString).deletingLastPathComponent
        try makeDirectories(dir.isEmpty ? "." : dir)
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
            throw OutputError(path: path, reason: "it is a directory")
        }
        // A device or a pipe (`-o /dev/null`, `-o /dev/stdout`, a FIFO) is written to as it is:
        // renaming a temporary file onto it would replace the device with a regular file.
        var st = stat()
        if stat(path, &st) == 0, (st.st_mode & S_IFMT) != S_IFREG {
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { throw OutputError(path: path, code: errno) }
            var w = ByteWriter(fd: fd, path: path)
            do { try body(&w); try w.flush() } catch { close(fd); throw error }
            guard close(fd) == 0 else { throw OutputError(path: path, code: errno) }
            return
        }
        let name = (path as NSString).lastPathComponent
        var template = Array(((dir.isEmpty ? "." : dir) + "/." + name + ".tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw OutputError(path: path, code: errno) }
        let tmp = String(cString: template)
        var ok = false
        defer { if !ok { unlink(tmp) } }
        _ = fchmod(fd, 0o644)
        var w = ByteWriter(fd: fd, path: path)
        do { try body(&w); try w.flush() } catch { close(fd); throw error }
        guard close(fd) == 0 else { throw OutputError(path: path, code: errno) }
        guard rename(tmp, path) == 0 else { throw OutputError(path: path, code: errno) }
        ok = true
    }

    /// `write(2)` until every byte is out; EINTR retried, any other failure thrown.
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var done = 0
        while done < bytes.count {
            let r = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if r < 0 {
                if errno == EINTR { continue }
                throw OutputError(path: path, code: errno)
            }
            done += r
        }
    }

    /// `mkdir -p`, with the failing component and the system's reason on failure.
    public static func makeDirectories(_ dir: String) throws {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) {
            if isDir.boolValue { return }
            throw OutputError(path: dir, reason: "it exists and is not a directory")
        }
        let parent = (dir as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != dir { try makeDirectories(parent) }
        if mkdir(dir, 0o755) != 0 && errno != EEXIST { throw OutputError(path: dir, code: errno) }
    }
}

/// Standard output, checked: a failed write (a full disk, `/dev/full`, a closed pipe) throws an
/// `OutputError` instead of being lost in a buffer.
public enum StandardOutput {
    public static func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try AtomicFile.writeAll(1, UnsafeRawBufferPointer($0), path: "standard output") }
    }

    /// Calls `body` with a buffered writer to standard output (flushed when it returns).
    public static func stream(_ body: (inout ByteWriter) throws -> Void) throws {
        var w = ByteWriter(fd: 1, path: "standard output")
        try body(&w)
        try w.flush()
    }
}

/// Bytes on their way to a file descriptor, written in blocks of about 1 MiB; every failed
/// `write(2)` is an `OutputError` naming `path`.
public struct ByteWriter {
    let fd: Int32
    let path: String
    /// Bytes not written yet: append to it, then `flushIfFull()`.
    public var buffer: [UInt8] = []
    static let block = 1 << 20

    init(fd: Int32, path: String) {
        self.fd = fd; self.path = path
        buffer.reserveCapacity(Self.block + 64 * 1024)
    }

    public mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        try flush()
        try AtomicFile.writeAll(fd, bytes, path: path)
    }

    public mutating func write(_ bytes: [UInt8]) throws {
        if buffer.count + bytes.count <= Self.block { buffer.append(contentsOf: bytes); try flushIfFull(); return }
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Writes rows `0 ..< count` formatted by `format(range, &bytes)`: the rows in the fixed blocks
    /// of `Parallel.forEachBlock`, formatted on every core (formatting numbers is the cost), written
    /// in row order.
    public mutating func writeRows(count n: Int, minimumPerBlock m: Int, bytesPerRow: Int,
                                   _ format: (Range<Int>, inout [UInt8]) -> Void) throws {
        guard n > 0 else { return }
        var pieces = [[UInt8]](repeating: [], count: Parallel.blocks)
        pieces.withUnsafeMutableBufferPointer { out in
            let out = out
            Parallel.forEachBlock(count: n, minimumPerBlock: m) { k, range in
                var p: [UInt8] = []
                p.reserveCapacity(range.count * bytesPerRow)
                format(range, &p)
                out[k] = p
            }
        }
        for p in pieces where !p.isEmpty { try write(p) }
    }

    public mutating func flushIfFull() throws { if buffer.count >= Self.block { try flush() } }

    public mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try AtomicFile.writeAll(fd, $0, path: path) }
        buffer.removeAll(keepingCapacity: true)
    }
}
