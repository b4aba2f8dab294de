// `swift run -c release milestone <name> [options]`: trains one milestone model, prints progress on
// stderr and a summary (or, with --json, one JSON object of its metrics) on stdout. Exits 1 when the
// milestone misses its target.
import ArgumentParser
import Foundation
import SwiftTorch

@main
struct Milestone: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Runs a milestone of the curriculum: perceptron, xor, mlp, mlp-manual, cnn.")

    @Argument(help: "perceptron | xor | mlp | mlp-manual | cnn")
    var name: String

    @Option(help: "Epochs (perceptron, xor: full-batch steps). Default: per milestone.")
    var epochs: Int?

    @Option(help: "Batch size (mlp: default 128, cnn: 64).")
    var batchSize: Int?

    @Option(help: "Learning rate. Default: per milestone.")
    var lr: Double?

    @Option(help: "Seed of the random generator.")
    var seed: UInt64 = 0

    @Option(help: "Data for mlp and cnn: fashion (Fashion-MNIST from dataset-fashion-mnist) or tiny (shipped 8x8 digits).")
    var data: String = "fashion"

    @Option(help: "Directory of the Fashion-MNIST IDX files.")
    var dataDir: String = FashionMNIST.defaultDirectory

    @Option(help: "Kernel threads (default: OMP_NUM_THREADS, else all cores).")
    var threads: Int?

    @Option(help: "Write the training curves as CSV here (mlp).")
    var csv: String?

    @Option(help: "Write the training curves as SVG here (mlp).")
    var svg: String?

    @Flag(help: "Print one JSON object of the metrics on stdout.")
    var json = false

    func run() throws {
        if let threads { Kernels.threads = threads }
        var o = MilestoneOptions()
        o.epochs = epochs
        o.batchSize = batchSize
        o.lr = lr
        o.seed = seed
        o.data = data
        o.dataDirectory = dataDir
        o.csv = csv.map { URL(fileURLWithPath: $0) }
        o.svg = svg.map { URL(fileURLWithPath: $0) }
        guard ["fashion", "tiny"].contains(data) else { throw ValidationError("--data must be fashion or tiny") }
        let start = Date()
        let result: MilestoneResult
        switch name {
        case "perceptron": result = Milestones.perceptron(o)
        case "xor": result = Milestones.xor(o)
        case "mlp": result = try Milestones.mlp(o)
        case "mlp-manual": result = try Milestones.mlpManual(o)
        case "cnn": result = try Milestones.cnn(o)
        default: throw ValidationError("unknown milestone \(name): perceptron, xor, mlp, mlp-manual, cnn")
        }
        let seconds = Date().timeIntervalSince(start)
        if json {
            print(result.json.dropLast() + ", \"seconds\": \(String(format: "%.3f", seconds)), \"threads\": \(Kernels.threads)}")
        } else {
            print("\(result.name): \(result.passed ? "PASSED" : "MISSED") (target: \(result.target))")
            for (k, v) in result.metrics { print("  \(k): \(v)") }
            print(String(format: "  seconds: %.2f, threads: %d", seconds, Kernels.threads))
        }
        if !result.passed { throw ExitCode(1) }
    }
}
