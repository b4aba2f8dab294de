// What a kernel must do at minimum: its FLOPs and the bytes it must move between memory and the core
// (each input read once, each output written once; float32 = 4 bytes). Arithmetic intensity AI =
// FLOPs / bytes decides which roof bounds the kernel: below the ridge point (peak / bandwidth) memory,
// above it compute.
//
// Shape letters: GEMM op(A) [M, K], op(B) [K, N], C [M, N]; convolution x [N, C, H, W], weight [O, C, k, k],
// y [N, O, Ho, Wo]; softmax x [R, L].
import SwiftTorch

/// FLOPs and minimum bytes moved of one kernel call.
public struct KernelCost: Equatable, Codable, Sendable {
    public var flops: Double
    public var bytes: Double

    public init(flops: Double, bytes: Double) {
        self.flops = flops
        self.bytes = bytes
    }

    /// FLOPs per byte moved.
    public var arithmeticIntensity: Double { bytes > 0 ? flops / bytes : .infinity }

    /// fp32 GEMM C = A·B: 2·M·N·K FLOPs over 4·(M·K + K·N + M·N) bytes (A and B read, C written once).
    /// Square N: AI = N / 6 (170.7 at 1024).
    public static func sgemm(m: Int, n: Int, k: Int) -> KernelCost {
        let (m, n, k) = (Double(m), Double(n), Double(k))
        return KernelCost(flops: 2 * m * n * k, bytes: 4 * (m * k + k * n + m * n))
    }

    /// An elementwise op over `count` float32 elements: `inputs` tensors read and `outputs` written, each
    /// element costing `flopsPerElement`. add: 1 FLOP over 12 bytes, AI = 1/12.
    public static func elementwise(count: Int, inputs: Int, outputs: Int = 1, flopsPerElement: Double) -> KernelCost {
        KernelCost(flops: flopsPerElement * Double(count), bytes: 4 * Double(count * (inputs + outputs)))
    }

    /// Fused GELU: one read and one write per element (8 bytes) and ~8 FLOPs (the curriculum's count:
    /// x³ and the polynomial or erf approximation), AI ≈ 1.0. Unfused, seven temporaries move 64 bytes.
    public static func gelu(count: Int) -> KernelCost {
        elementwise(count: count, inputs: 1, flopsPerElement: 8)
    }

    /// Row softmax over [R, L]: read and write each element once (8 bytes); max, subtract, exp (counted as
    /// one), sum and scale: 5 FLOPs per element.
    public static func softmax(rows: Int, cols: Int) -> KernelCost {
        elementwise(count: rows * cols, inputs: 1, flopsPerElement: 5)
    }

    /// Conv2d forward: 2·N·O·Ho·Wo·C·k·k FLOPs over input, weight and output bytes (the im2col matrix is the
    /// implementation's extra traffic, not the problem's).
    public static func conv2d(batch n: Int, inChannels c: Int, outChannels o: Int, kernel k: Int,
                              height h: Int, width w: Int, outHeight ho: Int, outWidth wo: Int) -> KernelCost {
        let flops = 2 * Double(n * o * ho * wo) * Double(c * k * k)
        let bytes = 4 * Double(n * c * h * w + o * c * k * k + n * o * ho * wo)
        return KernelCost(flops: flops, bytes: bytes)
    }

    /// A traced model or function: the ledger's FLOPs over its parameter bytes plus its activation
    /// (output) bytes. The model: each parameter is read once and each activation written once; inputs and
    /// re-reads of activations that stay in cache are not counted. At batch 1 the parameters dominate, the
    /// usual estimate for inference.
    ///
    ///     let cost = KernelCost(ledger: Ledger.trace { _ = model(x) })
    public init(ledger: LedgerReport) {
        self.init(flops: Double(ledger.totalFLOPs), bytes: Double(ledger.totalParameterBytes + ledger.totalOutputBytes))
    }
}
