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
        let reader = Thread { _ = try? String(contentsOfFile: path, encoding: .utf8) }
        reader.start()
        try AtomicFile.write("through the pipe\n", to: path)
        var st = stat()
        #expect(stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFIFO)
    }
}
