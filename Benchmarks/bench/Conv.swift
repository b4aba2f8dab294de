// `bench conv`: conv2d forward speed on the shapes (im2col + packed SGEMM, or the direct
// small-layer kernel when C·k·k <= 64, as conv2d chooses), against the naive direct convolution, and one
// training epoch of the LeNet-5 milestone model on Fashion-MNIST; PyTorch on the same, in the same run, when it
// is installed (Benchmarks/torch_compare.py).
//   FLOPs of a convolution: 2·N·O·Ho·Wo·C·k·k. Every result is checked against the direct kernel first.
import ArgumentParser
import CKernels
import Foundation
import SwiftTorch

struct ConvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conv",
        abstract: "Conv2d forward GFLOP/s (as conv2d runs it, vs the naive direct loops) and a LeNet-5 epoch on Fashion-MNIST.")

    @Option(name: .long, help: "Thread counts, comma-separated.")
    var threads: String = "1"

    @Option(name: .long, help: "Measured runs per shape.")
    var `repeat`: Int = 10

    @Flag(name: .long, help: "Skip the LeNet epoch.")
    var noEpoch = false

    @Flag(name: .long, help: "Only the LeNet epoch (no per-shape timings).")
    var epochOnly = false

    @Option(name: .long, help: "Directory of the Fashion-MNIST IDX files.")
    var data: String = FashionMNIST.defaultDirectory

    @Flag(name: .long, help: "Skip the PyTorch comparison (run when $SWIFTTORCH_TORCH_PYTHON or python3 has torch).")
    var noTorch = false

    struct Shape {
        let name: String
        let n, c, o, k, h, pad: Int

        /// x [N, C, H, H] and w [O, C, k, k] from a fixed seed.
        func operands() -> (x: Tensor, w: Tensor) {
            let g = Generator(seed: 1)
            return (Tensor.randn([n, c, h, h], generator: g), Tensor.randn([o, c, k, k], std: 0.1, generator: g))
        }

        /// conv2d as the library runs it (stride 1, this shape's padding), without a graph.
        func forward(_ x: Tensor, _ w: Tensor) -> Tensor { withNoGrad { conv2d(x, weight: w, padding: Pair2D(pad, pad)) } }
    }
    static let shapes = [
        Shape(name: "lenet_conv1", n: 64, c: 1, o: 6, k: 5, h: 28, pad: 0),
        Shape(name: "lenet_conv2", n: 64, c: 6, o: 16, k: 5, h: 12, pad: 0),
        Shape(name: "resnet_3x3", n: 8, c: 64, o: 64, k: 3, h: 56, pad: 1),
    ]

    func run() throws {
        for t in threads.split(separator: ",").compactMap({ Int($0) }) {
            // PyTorch on the same shapes and epoch first, in the same run (nil when it is not installed).
            let torch = noTorch ? nil : PyTorchReference.results(["conv", "--threads", "\(t)", "--repeat", "\(`repeat`)",
                                                                 "--data", data] + (noEpoch ? ["--no-epoch"] : [])
                                                                 + (epochOnly ? ["--no-shapes"] : []))
            try Kernels.withThreads(t) {
                for s in ConvCommand.shapes where !epochOnly {
                    let (x, w) = s.operands()
                    let y = s.forward(x, w)
                    let direct = directConv(x, w, pad: s.pad, outShape: y.shape)
                    try checkConv(y, against: direct, "\(s.name): conv2d")
                    let ho = y.shape[2], flops = 2.0 * Double(s.n * s.o * ho * ho * s.c * s.k * s.k)
                    let tChosen = medianSeconds(warmup: 5, runs: `repeat`) { _ = s.forward(x, w) }
                    Kernels.directConvolution = false // the lowering, for the im2col + GEMM column
                    let lowered = s.forward(x, w)
                    let tIm2col = medianSeconds(warmup: 5, runs: `repeat`) { _ = s.forward(x, w) }
                    Kernels.directConvolution = true
                    try checkConv(lowered, against: direct, "\(s.name): im2col + GEMM")
                    let tDirect = medianSeconds(warmup: 1, runs: 3) { _ = directConv(x, w, pad: s.pad, outShape: y.shape) }
                    print(pad(s.name, 12) + String(format: " %d thr  conv2d %7.3f ms %6.1f GFLOP/s   im2col+GEMM %7.3f ms %6.1f GFLOP/s   naive %8.3f ms %5.1f GFLOP/s   im2col+GEMM %5.1fx naive",
                                 t, tChosen * 1e3, flops / tChosen / 1e9, tIm2col * 1e3, flops / tIm2col / 1e9,
                                 tDirect * 1e3, flops / tDirect / 1e9, tDirect / tIm2col)
                          + (torch?[s.name]?["seconds"] as? Double).map {
                              String(format: "   PyTorch %6.1f GFLOP/s: SwiftTorch's conv2d %.2fx its speed", flops / $0 / 1e9, $0 / tChosen)
                          }.orEmpty)
                }
                if !noEpoch { try lenetEpoch(threads: t, torchSeconds: torch?["lenet_epoch"]?["seconds"] as? Double) }
            }
        }
    }

    /// One training epoch of the LeNet-5 milestone model (batch 64, SGD momentum), data gathering included.
    func lenetEpoch(threads t: Int, torchSeconds: Double?) throws {
        let train = try FashionMNIST.load(directory: data, train: true)
        let s = train.pixelStatistics
        let ds = train.normalized(mean: s.mean, std: s.std).withChannelDimension()
        let g = Generator(seed: 0)
        let model = Milestones.lenet(generator: g)
        let trainer = Trainer(model: model, optimizer: SGD(model.parameters(), lr: 0.02, momentum: 0.9),
                              lossFunction: CrossEntropyLoss())
        trainer.progress.enabled = false
        var loss: Float = 0
        let seconds = elapsedSeconds { loss = trainer.trainEpoch(DataLoader(ds, batchSize: 64, shuffle: true, generator: g)) }
        print(String(format: "lenet_epoch  %d thr  %.2f s per epoch (Fashion-MNIST, batch 64), train loss %.3f", t, seconds, loss)
              + torchSeconds.map { String(format: "   PyTorch %.2f s: SwiftTorch %.2fx its speed", $0, $0 / seconds) }.orEmpty)
    }
}

/// The naive direct convolution (the reference), stride 1, symmetric padding.
func directConv(_ x: Tensor, _ w: Tensor, pad: Int, outShape: [Int]) -> Tensor {
    var g = st_conv_geometry(C: Int64(x.shape[1]), H: Int64(x.shape[2]), W: Int64(x.shape[3]), kh: Int64(w.shape[2]),
                             kw: Int64(w.shape[3]), sh: 1, sw: 1, ph: Int64(pad), pw: Int64(pad), dh: 1, dw: 1,
                             Ho: Int64(outShape[2]), Wo: Int64(outShape[3]))
    let (xv, wv) = (x.scalars, w.scalars)
    var out = [Float](repeating: 0, count: outShape.reduce(1, *))
    xv.withUnsafeBufferPointer { xb in
        wv.withUnsafeBufferPointer { wb in
            out.withUnsafeMutableBufferPointer { yb in
                st_conv2d_direct(ST_F32, Int64(x.shape[0]), Int64(w.shape[0]), &g, xb.baseAddress, wb.baseAddress, nil,
                                 yb.baseAddress)
            }
        }
    }
    return Tensor(out, shape: outShape)
}

/// Throws when `y` differs from the naive direct loops' `reference` by more than 1e-3 anywhere.
func checkConv(_ y: Tensor, against reference: Tensor, _ what: String) throws {
    let err = zip(y.scalars, reference.scalars).map { Swift.abs($0 - $1) }.max() ?? 0
    if err > 1e-3 { throw ValidationError("\(what) differs from the naive direct loops by \(err)") }
}
