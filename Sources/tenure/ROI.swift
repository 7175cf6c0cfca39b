import ArgumentParser

// PLACEHOLDER: the 'roi' subcommand is wired by its issue.
struct ROI: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "roi", abstract: "(not yet available)")
    func run() throws { throw ValidationError("tenure roi is not available yet") }
}
