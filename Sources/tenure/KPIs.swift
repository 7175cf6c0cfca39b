import ArgumentParser

// PLACEHOLDER: the 'kpis' subcommand is wired by its issue.
struct KPIs: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "kpis", abstract: "(not yet available)")
    func run() throws { throw ValidationError("tenure kpis is not available yet") }
}
