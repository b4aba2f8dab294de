// `bench ops`: tensor-op overhead and bandwidth.
//   - overhead of a tiny op (4-element add, no grad) and of a tiny forward+backward ((a + b).sum());
//   - add / mul / exp on N floats and softmax over the rows of an R x C tensor, as GB/s and as a
//     fraction of the STREAM triad bandwidth measured in the same run with the same threads.
//   - fused GELU (exact and tanh) against the STREAM copy bandwidth (the same one read, one write), and
//     PyTorch's F.gelu in the same run when it is installed (Benchmarks/torch_compare.py).
// Bytes counted: add and mul read 2 and write 1 float per element (12 B), exp, GELU and softmax 8 B.
import ArgumentParser
import Foundation
import SwiftTorch

struct OpsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ops",
        abstract: "Tensor-op overhead and memory bandwidth against STREAM triad.")

    @Option(name: .long, help: "Thread counts, comma-separated.")
    var threads: String = "1,2"

    @Option(name: .long, help: "Elements of the elementwise benchmarks.")
    var size: Int = 16_777_216

    @Option(name: .long, help: "Softmax shape RxC.")
    var softmax: String = "4096x4096"

    @Option(name: .long, help: "Measured runs per row (warm-up runs are extra).")
    var `repeat`: Int = 20

    @Option(name: .long, help: "Warm-up runs, discarded.")
    var warmup: Int = 3

    @Option(name: .long, help: "Output: table or json (one object per line).")
    var format: OutputFormat = .table

    @Flag(name: .long, help: "Skip the PyTorch GELU comparison (run when $SWIFTTORCH_TORCH_PYTHON or python3 has torch).")
    var noTorch = false

    func run() throws {
        let counts = threads.split(separator: ",").compactMap { Int($0) }
        let dims = softmax.lowercased().split(separator: "x").compactMap { Int($0) }
        guard dims.count == 2, dims.allSatisfy({ $0 > 0 }) else { throw ValidationError("bad softmax shape '\(softmax)'") }
        let overhead = measureOverhead()
        emit(["kernel": "tiny_add", "threads": 1, "elements": 4, "seconds": overhead.add, "microseconds": overhead.add * 1e6])
        emit(["kernel": "tiny_add_sum_backward", "threads": 1, "elements": 4, "seconds": overhead.backward,
              "microseconds": overhead.backward * 1e6])
        Tensor.manualSeed(1)
        let a = Tensor.randn([size]), b = Tensor.randn([size])
        let x = Tensor.randn([dims[0], dims[1]], std: 3)
        try verifyOps(a, b, x)
        for t in counts {
            let torch = noTorch ? nil : PyTorchReference.results(["gelu", "--threads", "\(t)", "--repeat", "\(`repeat`)",
                                                                 "--size", "\(size)"])
            try Kernels.withThreads(t) {
                let triad = Kernels.streamTriadBandwidth(elements: 1 << 24, repetitions: 10)
                emit(["kernel": "stream_triad", "threads": t, "elements": 1 << 24, "gbps": triad / 1e9])
                for (name, bytes, body) in [("add", 12, { _ = a + b }), ("mul", 12, { _ = a * b }),
                                            ("exp", 8, { _ = a.exp() })] as [(String, Int, () -> Void)] {
                    let s = time(body)
                    let gbps = Double(bytes * size) / s / 1e9
                    emit(["kernel": name, "threads": t, "elements": size, "seconds": s, "gbps": gbps,
                          "fraction_of_triad": gbps * 1e9 / triad])
                }
                // Fused GELU (one read, one write per element) against STREAM copy, the same traffic.
                let copy = Kernels.streamCopyBandwidth(elements: 1 << 24, repetitions: 10)
                emit(["kernel": "stream_copy", "threads": t, "elements": 1 << 24, "gbps": copy / 1e9])
                for (name, form) in [("gelu_exact", GELUApproximation.exact), ("gelu_tanh", .tanh)] {
                    let s = time { _ = a.gelu(approximation: form) }
                    let gbps = Double(8 * size) / s / 1e9
                    var fields: [String: Any] = ["kernel": name, "threads": t, "elements": size, "seconds": s, "gbps": gbps,
                                                 "fraction_of_copy": gbps * 1e9 / copy, "fraction_of_triad": gbps * 1e9 / triad]
                    if let ref = torch?[name] { (fields["torch_gbps"], fields["torch_gbps_out"]) = (ref["gbps"], ref["gbps_out"]) }
                    emit(fields)
                }
                let s = time { _ = x.softmax(dim: -1) }
                let gbps = Double(8 * x.count) / s / 1e9
                emit(["kernel": "softmax", "threads": t, "elements": x.count, "rows": dims[0], "cols": dims[1],
                      "seconds": s, "gbps": gbps, "fraction_of_triad": gbps * 1e9 / triad])
                try checkThreads(t)
            }
        }
    }

    func checkThreads(_ t: Int) throws {
        if Kernels.threads != t { throw ValidationError("asked for \(t) threads, kernels use \(Kernels.threads)") }
    }

    /// Median seconds of `repeat` runs after `warmup` discarded runs.
    func time(_ body: () -> Void) -> Double { medianSeconds(warmup: warmup, runs: `repeat`, body) }

    /// Per-call seconds of a tiny add and a tiny forward+backward: median over rounds of many calls.
    func measureOverhead() -> (add: Double, backward: Double) {
        let a = Tensor([1, 2, 3, 4]), b = Tensor([5, 6, 7, 8])
        let ga = Tensor([1, 2, 3, 4], requiresGrad: true), gb = Tensor([5, 6, 7, 8], requiresGrad: true)
        func perCall(_ n: Int, _ body: () -> Void) -> Double {
            medianSecondsPerCall(calls: n, rounds: max(`repeat`, 5), warmupCalls: n / 10, body)
        }
        let add = perCall(100_000) { _ = a + b }
        let backward = perCall(20_000) {
            ga.zeroGrad(); gb.zeroGrad()
            (ga + gb).sum().backward()
        }
        return (add, backward)
    }

    func emit(_ fields: [String: Any]) {
        switch format {
        case .json, .csv:
            print(jsonLine(fields, order: ["kernel", "threads", "elements", "rows", "cols", "seconds", "microseconds", "gbps",
                                           "fraction_of_triad", "fraction_of_copy", "torch_gbps", "torch_gbps_out"]))
        case .table:
            let name = (fields["kernel"] as! String).padding(toLength: 22, withPad: " ", startingAt: 0)
            var line = "\(name) \(fields["threads"]!) thr"
            if let us = fields["microseconds"] as? Double { line += String(format: "  %8.3f µs per call", us) }
            if let s = fields["seconds"] as? Double, fields["microseconds"] == nil { line += String(format: "  median %9.6f s", s) }
            if let g = fields["gbps"] as? Double { line += String(format: "  %7.2f GB/s", g) }
            if let f = fields["fraction_of_triad"] as? Double { line += String(format: "  %5.1f%% of triad", 100 * f) }
            if let f = fields["fraction_of_copy"] as? Double { line += String(format: "  %5.1f%% of copy", 100 * f) }
            if let g = fields["torch_gbps"] as? Double, let o = fields["torch_gbps_out"] as? Double {
                line += String(format: "   PyTorch %.2f GB/s (%.2f into a preallocated output)", g, o)
            }
            print(line)
        }
    }
}

/// Checks add, mul, exp (on a, b) and the row softmax (of x) against float64 references.
func verifyOps(_ a: Tensor, _ b: Tensor, _ x: Tensor) throws {

    let av = a.scalars, bv = b.scalars
    let sum = (a + b).scalars, prod = (a * b).scalars, e = a.exp().scalars
    for i in stride(from: 0, to: av.count, by: 97) {
        guard sum[i] == av[i] + bv[i], prod[i] == av[i] * bv[i] else {
            throw ValidationError("add/mul: element \(i) differs from the reference")
        }
        let ref = Foundation.exp(Double(av[i]))
        guard abs(Double(e[i]) - ref) <= 4e-7 * ref else {
            throw ValidationError("exp: element \(i) = \(e[i]), reference \(ref)")
        }
    }
    let cols = x.shape[1], xv = x.doubles, y = x.softmax(dim: -1).doubles
    for r in stride(from: 0, to: x.shape[0], by: max(1, x.shape[0] / 16)) {
        let row = xv[(r * cols)..<((r + 1) * cols)], m = row.max()!
        let s = row.reduce(0.0) { $0 + Foundation.exp($1 - m) }
        for j in stride(from: 0, to: cols, by: 7) {
            let ref = Foundation.exp(xv[r * cols + j] - m) / s
            // float32: exp's argument x - max carries a rounding error of ε·|x - max|, plus a few ulps of exp and sum.
            let bound = (Double(Float.ulpOfOne) * (abs(xv[r * cols + j] - m) + 8)) * ref + 1e-12
            guard abs(y[r * cols + j] - ref) <= bound else {
                throw ValidationError("softmax: [\(r), \(j)] = \(y[r * cols + j]), reference \(ref)")
            }
        }
    }
}
