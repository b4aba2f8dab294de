// The `bench` executable: measures SwiftTorch's kernels. See `bench --help`.
import ArgumentParser

@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure SwiftTorch's kernels on this machine.",
        discussion: """
            Every kernel is checked against a float64 reference before it is timed; warm-up runs are \
            discarded and the median is reported. Build with -c release: debug timings are meaningless.
            """,
        subcommands: [MatmulCommand.self],
        defaultSubcommand: MatmulCommand.self
    )
}
