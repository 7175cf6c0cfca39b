import ArgumentParser

// PLACEHOLDER: the 'demo' subcommand is wired by its issue.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "(not yet available)")
    func run() throws { throw ValidationError("tenure demo is not available yet") }
}
