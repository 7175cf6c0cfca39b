import ArgumentParser

// PLACEHOLDER: the 'clv' subcommand is wired by its issue.
struct CLV: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "clv", abstract: "(not yet available)")
    func run() throws { throw ValidationError("tenure clv is not available yet") }
}
