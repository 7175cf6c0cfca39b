import Foundation
import Testing
@testable import TenureReport

@Suite struct ProgressBarTests {
    final class Sink: @unchecked Sendable {
        var text = ""
        let lock = NSLock()
        func add(_ s: String) { lock.lock(); text += s; lock.unlock() }
    }
    static let t0 = Date(timeIntervalSince1970: 0)

    @Test func linesModeWritesOnePlainLinePerStep() {
        let sink = Sink()
        let p = ProgressBar(total: 3, mode: .lines, clock: { Self.t0 }, write: { sink.add($0) })
        p.step("loaded")
        p.note("analysing")          // not a step: nothing in a log
        p.step("finished KPIs")
        p.finish()
        #expect(sink.text == "[1/3] 0.0 s  loaded\n[2/3] 0.0 s  finished KPIs\n")
    }

    @Test func barModeRedrawsOneLineAndClearsIt() {
        let sink = Sink()
        let p = ProgressBar(total: 4, mode: .bar, clock: { Self.t0 }, write: { sink.add($0) })
        p.step("a")
        #expect(p.line(width: 8) == "██░░░░░░ 1/4  0.0 s  a")
        p.step("b"); p.step("c"); p.step("d"); p.step("e")   // more steps than announced: stays full
        #expect(p.line(width: 8) == "████████ 4/4  0.0 s  e")
        p.finish()
        #expect(sink.text.hasPrefix("\r\u{1B}[2K"))
        #expect(sink.text.hasSuffix("\r\u{1B}[2K"))
        #expect(!sink.text.contains("\n"))
    }

    @Test func silentModeWritesNothingAndIsThreadSafe() {
        let sink = Sink()
        let p = ProgressBar(total: 100, mode: .silent, write: { sink.add($0) })
        DispatchQueue.concurrentPerform(iterations: 100) { p.step("step \($0)") }
        p.finish()
        #expect(sink.text.isEmpty)
        #expect(p.line().contains("100/100"))
    }
}
