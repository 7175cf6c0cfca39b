import ArgumentParser

// PLACEHOLDER: the 'generate' subcommand is wired by its issue.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "generate", abstract: "(not yet available)")
    func run() throws { throw ValidationError("tenure generate is not available yet") }
}
