import ArgumentParser

// PLACEHOLDER: the 'report' subcommand is wired by its issue.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "(not yet available)")
    func run() throws { throw ValidationError("tenure report is not available yet") }
}
