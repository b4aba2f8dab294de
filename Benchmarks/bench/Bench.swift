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
        #if DEBUG
        FileHandle.standardError.write(Data("WARNING: debug build: timings are meaningless; use swift run -c release bench\n".utf8))
        #endif
        Bench.main(arguments(Array(CommandLine.arguments.dropFirst())))
    }

    /// `bench --roofline [options]` is `bench roofline [options]`: the flag names the headline subcommand
    /// (a root-level option group would also swallow the subcommands' options of the same names).
    static func arguments(_ args: [String]) -> [String] {
        guard let i = args.firstIndex(of: "--roofline"),
              !args[..<i].contains(where: { a in configuration.subcommands.contains { $0._commandName == a } }) else { return args }
        var rest = args
        rest.remove(at: i)
        return ["roofline"] + rest
    }

    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure SwiftTorch's kernels on this machine.",
        discussion: """
            bench --roofline measures this machine's ceilings (FP32 FMA peak per ISA against the theoretical \
            peak, INT8 VNNI peak where the CPU has it, copy and triad bandwidth in L1, L2, L3 and memory), runs \
            the kernel suite (SGEMM naive / tiled / packed, elementwise ops, softmax, GELU, Conv2d), prints where \
            each kernel lands under its roof, and writes roofline.svg, roofline.json and roofline.csv. \
            The subcommands compare matmul implementations, sweep the SGEMM blocking, and time tensor ops, \
            training and convolution. Every kernel is checked against a reference before it is timed; warm-up \
            runs are discarded and the median is reported. Build with -c release: debug timings are meaningless.
            """,
        subcommands: [RooflineCommand.self, MatmulCommand.self, SweepCommand.self, OpsCommand.self, TrainCommand.self,
                      ConvCommand.self]
    )

    @Flag(name: .long, help: "Same as the roofline subcommand: bench --roofline [options].")
    var roofline = false

    func run() throws { print(Bench.helpMessage()) }
}

struct RooflineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roofline",
        abstract: "Measure the ceilings, run the kernel suite and write the roofline (SVG, JSON, CSV). Also: bench --roofline.")

    @OptionGroup var options: RooflineOptions

    func run() throws { try RooflineRun(options: options).run() }
}
