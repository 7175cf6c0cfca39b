import Foundation
import Testing
@testable import TenureReport

/// `-o /dev/null` (or a FIFO) is written to, never replaced: before this, the temporary file was
/// renamed onto /dev/null, turning the device into a regular file for every later program.
@Suite struct AtomicFileDeviceTests {
    @Test func aCharacterDeviceStaysADevice() throws {
        var st = stat()
        // Another program on the machine may already have replaced /dev/null (an older tenure did);
        // then there is no device here to test with, and the FIFO test below still covers the path.
        guard stat("/dev/null", &st) == 0, (st.st_mode & S_IFMT) == S_IFCHR else { return }
        try AtomicFile.write("discarded\n", to: "/dev/null")
        #expect(stat("/dev/null", &st) == 0)
        #expect((st.st_mode & S_IFMT) == S_IFCHR, "/dev/null is no longer a character device")
    }

    @Test func aFIFOIsWrittenThrough() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fifo-\(UUID())").path
        #expect(mkfifo(path, 0o600) == 0)
        defer { unlink(path) }
        // The reader drains the FIFO to end of file with plain read(2): Foundation's file reading may
        // size the file by fstat (0 for a FIFO) and close early, and the writer then dies of SIGPIPE.
        let received = Received()
        let done = DispatchSemaphore(value: 0)
        let reader = Thread {
            defer { done.signal() }
            let fd = open(path, O_RDONLY)
            guard fd >= 0 else { return }
            defer { close(fd) }
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n <= 0 { break }
                received.append(buffer[0..<n])
            }
        }
        reader.start()
        try AtomicFile.write("through the pipe\n", to: path)
        done.wait()
        #expect(received.text == "through the pipe\n")
        var st = stat()
        #expect(stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFIFO)
    }
}

private final class Received: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    func append(_ b: ArraySlice<UInt8>) { lock.lock(); bytes += b; lock.unlock() }
    var text: String { lock.lock(); defer { lock.unlock() }; return String(decoding: bytes, as: UTF8.self) }
}
