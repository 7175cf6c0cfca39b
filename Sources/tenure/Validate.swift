import ArgumentParser

// PLACEHOLDER: the 'validate' subcommand is wired by its issue.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate", abstract: "(not yet available)")
    func run() throws { throw ValidationError("tenure validate is not available yet") }
}
