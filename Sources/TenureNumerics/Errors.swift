/// A numerical routine or model fit that failed; `model` names what was being computed.
public struct FitError: Error, Sendable, Codable, Equatable, CustomStringConvertible {
    public var model: String
    public var reason: String
    public init(model: String, reason: String) { self.model = model; self.reason = reason }
    public var description: String { "\(model): \(reason)" }
}
