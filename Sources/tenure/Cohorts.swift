import ArgumentParser

// PLACEHOLDER: the 'cohorts' subcommand is wired by its issue.
struct Cohorts: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cohorts", abstract: "(not yet available)")
    func run() throws { throw ValidationError("tenure cohorts is not available yet") }
}
