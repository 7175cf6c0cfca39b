import Dispatch

/// A value computed on another thread while the caller goes on with other work; `value()` waits
/// for it and returns it, or rethrows its error. For independent stages of an analysis (e.g. the
/// spend model fitted while the purchase model is), so the second core is not idle during serial
/// passes.
public final class Concurrent<T>: @unchecked Sendable {
    private var result: Result<T, Error>?
    private let done = DispatchSemaphore(value: 0)

    public init(_ body: @escaping () throws -> T) {
        DispatchQueue.global().async {
            self.result = Result { try body() }
            self.done.signal()
        }
    }

    /// Waits for the value (each call after the first returns at once).
    public func value() throws -> T {
        done.wait()
        defer { done.signal() }
        return try result!.get()
    }
}
