// `bench train`: the training-loop benchmarks of the neural-network issue.
//   - one epoch of the 784→256→10 ReLU MLP on Fashion-MNIST (batch 128, SGD momentum 0.9, shuffled,
//     data loading included), median of the epochs after the first, on each thread count; in the same
//     run the NumPy script Benchmarks/mlp_numpy.py (hand-written backward) on the same threads;
//   - one training step of a 64→32→10 MLP at batch 128 (zeroGrad, forward, cross-entropy, backward,
//     SGD step): framework overhead, in µs;
//   - both also in PyTorch, in the same run, when it is installed (Benchmarks/torch_compare.py).
//   FLOPs of an MLP epoch: 60,000 · 2 · 203,264 forward + the same for the weight gradients ≈ 48.8 GFLOP.
import ArgumentParser
import Foundation
import SwiftTorch

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "MLP epoch time on Fashion-MNIST (vs NumPy and PyTorch) and the overhead of a tiny training step.")

    @Option(name: .long, help: "Thread counts, comma-separated.")
    var threads: String = "1,2"

    @Option(name: .long, help: "Epochs per measurement (the first is a warm-up).")
    var epochs: Int = 4

    @Option(name: .long, help: "Directory of the Fashion-MNIST IDX files.")
    var data: String = FashionMNIST.defaultDirectory

    @Flag(name: .long, help: "Skip the NumPy comparison.")
    var noNumpy = false

    @Flag(name: .long, help: "Skip the PyTorch comparison (run when $SWIFTTORCH_TORCH_PYTHON or python3 has torch).")
    var noTorch = false

    @Flag(name: .long, help: "Only the tiny training step (no Fashion-MNIST epochs).")
    var stepOnly = false

    @Option(name: .long, help: "Output: table or json (one object per line).")
    var format: OutputFormat = .table

    func run() throws {
        let counts = stepOnly ? [] : threads.split(separator: ",").compactMap { Int($0) }
        for t in counts {
            let train = try FashionMNIST.load(directory: data, train: true)
            let stats = train.pixelStatistics
            let dataset = train.normalized(mean: stats.mean, std: stats.std)
            try Kernels.withThreads(t) {
                if Kernels.threads != t { throw ValidationError("asked for \(t) threads, kernels use \(Kernels.threads)") }
                let g = Generator(seed: 0)
                let model = Sequential(Flatten(), Linear(784, 256, generator: g), ReLU(), Linear(256, 10, generator: g))
                let trainer = Trainer(model: model, optimizer: SGD(model.parameters(), lr: 0.05, momentum: 0.9),
                                      lossFunction: CrossEntropyLoss())
                trainer.progress.enabled = false
                let loader = DataLoader(dataset, batchSize: 128, shuffle: true, generator: g)
                var seconds: [Double] = []
                var loss: Float = 0
                for _ in 0..<max(epochs, 2) { seconds.append(elapsedSeconds { loss = trainer.trainEpoch(loader) }) }
                let median = Summary(Array(seconds.dropFirst())).median
                var fields: [String: Any] = ["kernel": "mlp_epoch", "threads": t, "seconds": median,
                                             "gflops": 48.8 / median, "train_loss": Double(loss)]
                if !noNumpy, let numpy = runNumpy(threads: t) {
                    fields["numpy_seconds"] = numpy
                    fields["speedup_vs_numpy"] = numpy / median
                }
                if !noTorch, let torch = PyTorchReference.results(["mlp", "--threads", "\(t)", "--epochs", "\(max(epochs, 2))",
                                                                  "--data", data])?["mlp_epoch"]?["seconds"] as? Double {
                    fields["torch_seconds"] = torch
                    fields["speedup_vs_torch"] = torch / median
                }
                emit(fields)
            }
        }
        let step = tinyStep()
        var fields: [String: Any] = ["kernel": "tiny_mlp_step", "threads": 1, "seconds": step, "microseconds": step * 1e6]
        if !noTorch, let torch = PyTorchReference.results(["step"])?["tiny_mlp_step"]?["seconds"] as? Double {
            fields["torch_seconds"] = torch
            fields["speedup_vs_torch"] = torch / step
        }
        emit(fields)
    }

    /// Median seconds of one 64→32→10 training step at batch 128, on one thread.
    func tinyStep() -> Double {
        Kernels.withThreads(1) {
            let g = Generator(seed: 1)
            let model = Sequential(Linear(64, 32, generator: g), ReLU(), Linear(32, 10, generator: g))
            let opt = SGD(model.parameters(), lr: 0.01, momentum: 0.9)
            let x = Tensor.randn([128, 64], generator: g)
            let y = Tensor(integers: (0..<128).map { $0 % 10 })
            let loss = CrossEntropyLoss()
            func step() {
                opt.zeroGrad()
                loss(model(x), y).backward()
                opt.step()
            }
            return medianSecondsPerCall(calls: 500, rounds: 15, warmupCalls: 200, step)
        }
    }

    /// Median epoch seconds of Benchmarks/mlp_numpy.py on `threads` threads (nil when it cannot run).
    func runNumpy(threads: Int) -> Double? {
        let (status, objects) = runPython("python3", script: benchmarkScript("mlp_numpy.py"),
                                          ["--threads", "\(threads)", "--epochs", "\(max(epochs, 2))", "--data", data])
        return status == 0 ? objects.first?["median_epoch_seconds"] as? Double : nil
    }

    func emit(_ fields: [String: Any]) {
        switch format {
        case .json:
            print(jsonLine(fields, order: ["kernel", "threads", "seconds", "microseconds", "gflops", "numpy_seconds",
                                           "speedup_vs_numpy", "torch_seconds", "speedup_vs_torch", "train_loss"]))
        default:
            var line = pad(fields["kernel"] as! String, 14) + " \(fields["threads"] as! Int) thr"
            if let us = fields["microseconds"] as? Double { line += String(format: "  %8.2f µs per step", us) }
            else if let s = fields["seconds"] as? Double { line += String(format: "  %.3f s per epoch (%.1f GFLOP/s)", s, fields["gflops"] as! Double) }
            if let n = fields["numpy_seconds"] as? Double {
                line += String(format: "   NumPy %.3f s   SwiftTorch %.2fx faster", n, fields["speedup_vs_numpy"] as! Double)
            }
            if let t = fields["torch_seconds"] as? Double {
                let us = fields["microseconds"] != nil
                line += String(format: us ? "   PyTorch %.2f µs   SwiftTorch %.2fx its speed" : "   PyTorch %.3f s   SwiftTorch %.2fx its speed",
                               us ? t * 1e6 : t, fields["speedup_vs_torch"] as! Double)
            }
            print(line)
        }
    }
}
