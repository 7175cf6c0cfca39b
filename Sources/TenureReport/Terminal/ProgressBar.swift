import Foundation

/// Progress of a long command on stderr. On a terminal it redraws one line — a bar, `done/total`,
/// elapsed seconds and what is happening now — and clears it at the end. Elsewhere (a log, a pipe)
/// it either stays silent (`.silent`) or writes one plain line per completed step (`.lines`), so a
/// CI log still shows where the time went. Safe to call from several threads.
public final class ProgressBar: @unchecked Sendable {
    public enum Mode: Sendable, Equatable {
        /// Redraw one line in place (ANSI), for a terminal.
        case bar
        /// One plain line per step, no escape codes.
        case lines
        /// Nothing.
        case silent
    }

    /// The mode for stderr: `.bar` on a terminal (unless `TERM=dumb`), else `whenNotTerminal`.
    public static func mode(whenNotTerminal: Mode, environment: [String: String] = ProcessInfo.processInfo.environment) -> Mode {
        guard isatty(2) != 0, environment["TERM"] != "dumb" else { return whenNotTerminal }
        return .bar
    }

    private var total: Int
    private var done = 0
    private var message = ""
    private let start: Date
    private let lock = NSLock()
    private let mode: Mode
    private let write: @Sendable (String) -> Void
    private let clock: @Sendable () -> Date
    private var drawn = false

    /// - Parameters:
    ///   - total: steps expected (the bar is full after that many `step` calls).
    ///   - write: where text goes (default stderr); tests pass a collector.
    ///   - clock: time source for the elapsed seconds (tests pass a fixed one).
    public init(total: Int, mode: Mode, clock: @escaping @Sendable () -> Date = { Date() },
                write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.total = max(1, total); self.mode = mode; self.write = write; self.clock = clock
        self.start = clock()
    }

    /// Completes one step; `message` says what has just finished or is starting.
    public func step(_ message: String) {
        lock.lock(); defer { lock.unlock() }
        done = min(total, done + 1)
        self.message = message
        switch mode {
        case .bar: draw()
        case .lines: write("[\(done)/\(total)] \(elapsed()) s  \(message)\n")
        case .silent: break
        }
    }

    /// Sets the number of steps expected, once it is known (a report learns it from the data).
    public func expect(total: Int) {
        lock.lock(); defer { lock.unlock() }
        self.total = max(1, total, done)
    }

    /// Shows `message` without advancing (terminal only).
    public func note(_ message: String) {
        lock.lock(); defer { lock.unlock() }
        self.message = message
        if mode == .bar { draw() }
    }

    /// Clears the bar line (terminal), leaving the screen as it was.
    public func finish() {
        lock.lock(); defer { lock.unlock() }
        if mode == .bar && drawn { write("\r\u{1B}[2K") }
        drawn = false
    }

    /// Seconds since the start, one decimal.
    private func elapsed() -> String { String(format: "%.1f", clock().timeIntervalSince(start)) }

    /// The bar line for the current state (no escape codes), e.g. `██████░░░░ 3/5  1.2 s  analysing`.
    func line(width: Int = 24) -> String {
        let filled = width * done / total
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        return "\(bar) \(done)/\(total)  \(elapsed()) s  \(message)"
    }

    private func draw() {
        drawn = true
        write("\r\u{1B}[2K" + line())
    }
}
