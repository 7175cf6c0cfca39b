import ArgumentParser

// PLACEHOLDER: the 'survival' subcommand is wired by its issue.
struct Survival: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "survival", abstract: "(not yet available)")
    func run() throws { throw ValidationError("tenure survival is not available yet") }
}
