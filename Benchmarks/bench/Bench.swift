// The `bench` executable: measures SwiftTorch's kernels. See `bench --help`.
import ArgumentParser
import Foundation

@main
struct Bench: ParsableCommand {
    /// Pins OpenMP threads to distinct cores unless the user chose otherwise: on a shared machine the
    /// scheduler can leave both threads of a short run on one core (seen here: half the speed, whole runs).
    /// libomp reads the variable when its first parallel region starts, so this runs before any kernel.
    static func main() {
        setenv("OMP_PROC_BIND", "spread", 0)
        setenv("OMP_PLACES", "cores", 0)
        Bench.main(nil)
    }

    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure SwiftTorch's kernels on this machine.",
        discussion: """
            Every kernel is checked against a float64 reference before it is timed; warm-up runs are \
            discarded and the median is reported. Build with -c release: debug timings are meaningless.
            """,
        subcommands: [MatmulCommand.self, OpsCommand.self, TrainCommand.self, ConvCommand.self],
        defaultSubcommand: MatmulCommand.self
    )
}
