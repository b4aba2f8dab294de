// Convolution and pooling against float64 references written here (six nested loops), the direct C
// kernel, gradCheck in float64, the output-size rule, errors and the ledger row.
import CKernels
import Foundation
import Testing
@testable import SwiftTorch

/// Reference convolution in Swift: x [N, C, H, W], w [O, C, kh, kw], b [O] → y [N, O, Ho, Wo].
func referenceConv(_ x: [Double], _ xs: [Int], _ w: [Double], _ ws: [Int], _ b: [Double]?, stride: (Int, Int),
                   padding: (Int, Int), dilation: (Int, Int)) -> (values: [Double], shape: [Int]) {
    let (n, c, h, wd) = (xs[0], xs[1], xs[2], xs[3]), (o, kh, kw) = (ws[0], ws[2], ws[3])
    let ho = (h + 2 * padding.0 - dilation.0 * (kh - 1) - 1) / stride.0 + 1
    let wo = (wd + 2 * padding.1 - dilation.1 * (kw - 1) - 1) / stride.1 + 1
    var y = [Double](repeating: 0, count: n * o * ho * wo)
    for i in 0..<n { for oc in 0..<o { for oh in 0..<ho { for ow in 0..<wo {
        var s = b?[oc] ?? 0
        for ic in 0..<c { for ki in 0..<kh { for kj in 0..<kw {
            let ih = oh * stride.0 - padding.0 + ki * dilation.0, iw = ow * stride.1 - padding.1 + kj * dilation.1
            if ih >= 0 && ih < h && iw >= 0 && iw < wd {
                s += w[((oc * c + ic) * kh + ki) * kw + kj] * x[((i * c + ic) * h + ih) * wd + iw]
            }
        } } }
        y[((i * o + oc) * ho + oh) * wo + ow] = s
    } } } }
    return (y, [n, o, ho, wo])
}

@Suite("Convolution and pooling")
struct ConvTests {
    typealias Config = (x: [Int], w: [Int], stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int))
    static let configs: [Config] = [
        ([2, 3, 7, 9], [4, 3, 3, 3], (1, 1), (0, 0), (1, 1)),
        ([1, 2, 8, 7], [3, 2, 3, 2], (2, 1), (1, 2), (1, 1)),
        ([2, 1, 11, 10], [2, 1, 3, 3], (3, 2), (2, 1), (2, 3)),
        ([1, 5, 5, 5], [6, 5, 5, 5], (1, 1), (2, 2), (1, 1)),
        ([3, 2, 4, 13], [1, 2, 1, 4], (1, 3), (0, 1), (1, 2)),
    ]

    @Test("conv2d (im2col + GEMM) vs the float64 reference and the direct C kernel, with stride, padding, dilation",
          arguments: [DType.float32, .float64])
    func forward(dtype: DType) {
        for (i, cfg) in ConvTests.configs.enumerated() {
            let (x, xv) = randomTensor(cfg.x, dtype: dtype, seed: UInt64(10 + i))
            let (w, wv) = randomTensor(cfg.w, dtype: dtype, seed: UInt64(20 + i))
            let (b, bv) = randomTensor([cfg.w[0]], dtype: dtype, seed: UInt64(30 + i))
            let ref = referenceConv(xv, cfg.x, wv, cfg.w, bv, stride: cfg.stride, padding: cfg.padding, dilation: cfg.dilation)
            let y = conv2d(x, weight: w, bias: b, stride: Pair2D(cfg.stride.0, cfg.stride.1),
                           padding: Pair2D(cfg.padding.0, cfg.padding.1), dilation: Pair2D(cfg.dilation.0, cfg.dilation.1))
            expectClose(y, ref.values, shape: ref.shape, dtype == .float32 ? Tolerance(rtol: 1e-5, atol: 1e-5) : .float64, "config \(i)")
            let noBias = conv2d(x, weight: w, stride: Pair2D(cfg.stride.0, cfg.stride.1),
                                padding: Pair2D(cfg.padding.0, cfg.padding.1), dilation: Pair2D(cfg.dilation.0, cfg.dilation.1))
            let refNoBias = referenceConv(xv, cfg.x, wv, cfg.w, nil, stride: cfg.stride, padding: cfg.padding, dilation: cfg.dilation)
            expectClose(noBias, refNoBias.values, shape: ref.shape, dtype == .float32 ? Tolerance(rtol: 1e-5, atol: 1e-5) : .float64)
            // The direct kernel (the benchmark baseline) agrees too.
            var g = windowGeometry("Conv2d", x, kernel: Pair2D(cfg.w[2], cfg.w[3]), stride: Pair2D(cfg.stride.0, cfg.stride.1),
                                   padding: Pair2D(cfg.padding.0, cfg.padding.1), dilation: Pair2D(cfg.dilation.0, cfg.dilation.1))
            let direct = Tensor.empty(ref.shape, dtype: dtype)
            withExtendedLifetime((x, w, b)) { st_conv2d_direct(dtype.c, Int64(cfg.x[0]), Int64(cfg.w[0]), &g, x.data, w.data, b.data, direct.data) }
            expectClose(direct, ref.values, shape: ref.shape, dtype == .float32 ? Tolerance(rtol: 1e-5, atol: 1e-5) : .float64)
        }
    }

    @Test("gradCheck in float64: conv2d (input, weight, bias) on every configuration, a non-contiguous input")
    func gradients() {
        for (i, cfg) in ConvTests.configs.enumerated() where cfg.x.reduce(1, *) * cfg.w[0] < 4000 {
            let s = Pair2D(cfg.stride.0, cfg.stride.1), p = Pair2D(cfg.padding.0, cfg.padding.1), d = Pair2D(cfg.dilation.0, cfg.dilation.1)
            expectGradCheck("conv2d config \(i)", [input(cfg.x, UInt64(40 + i)), input(cfg.w, UInt64(50 + i)), input([cfg.w[0]], UInt64(60 + i))]) {
                conv2d($0[0], weight: $0[1], bias: $0[2], stride: s, padding: p, dilation: d)
            }
        }
        expectGradCheck("conv2d of a permuted input", [input([1, 5, 4, 2], 70), input([2, 2, 2, 3], 71)]) {
            conv2d($0[0].permute([0, 3, 2, 1]), weight: $0[1], padding: 1)
        }
    }

    @Test("direct small-layer kernel (C·kh·kw <= 1024): the AVX2 kernel and its portable twin vs the float64 reference")
    func smallLayerKernel() {
        // O not a multiple of the 3-channel block, Wo not a multiple of the 24-column block (and above it),
        // padding, a non-square kernel, with and without bias.
        let cases: [(x: [Int], w: [Int], pad: (Int, Int))] = [([3, 2, 9, 30], [7, 2, 5, 3], (2, 1)), ([2, 1, 28, 28], [6, 1, 5, 5], (0, 0)),
                                                            ([1, 3, 4, 5], [2, 3, 3, 3], (1, 1)), ([2, 64, 3, 3], [1, 64, 1, 1], (0, 0)),
                                                            ([2, 6, 12, 12], [16, 6, 5, 5], (0, 0)), ([1, 20, 7, 11], [5, 20, 3, 3], (1, 0)),
                                                            ([1, 16, 20, 20], [12, 16, 3, 3], (1, 1))]
        for (i, cse) in cases.enumerated() {
            let (x, xv) = randomTensor(cse.x, dtype: .float32, seed: UInt64(80 + i))
            let (w, wv) = randomTensor(cse.w, dtype: .float32, seed: UInt64(90 + i))
            let (b, bv) = randomTensor([cse.w[0]], dtype: .float32, seed: UInt64(100 + i))
            var g = windowGeometry("Conv2d", x, kernel: Pair2D(cse.w[2], cse.w[3]), stride: 1,
                                   padding: Pair2D(cse.pad.0, cse.pad.1), dilation: 1)
            #expect(st_conv2d_small_applies(&g) == 1)
            for withBias in [true, false] {
                let ref = referenceConv(xv, cse.x, wv, cse.w, withBias ? bv : nil, stride: (1, 1), padding: cse.pad, dilation: (1, 1))
                for isa in [ISA.scalar] + Kernels.supportedISAs.filter({ $0 == .avx2 || $0 == .avx512 }) {
                    var bits: [[UInt32]] = []
                    for threads in [1, 2] { // two threads split images and channel groups (one image: groups only)
                        let y = Tensor.empty(ref.shape, dtype: .float32)
                        let status = Kernels.withThreads(threads) {
                            withExtendedLifetime((x, w, b)) {
                                st_conv2d_small_f32(isa.cValue, Int64(cse.x[0]), Int64(cse.w[0]), &g, x.data.assumingMemoryBound(to: Float.self),
                                                    w.data.assumingMemoryBound(to: Float.self),
                                                    withBias ? b.data.assumingMemoryBound(to: Float.self) : nil, y.data.assumingMemoryBound(to: Float.self))
                            }
                        }
                        #expect(status == ST_OK)
                        expectClose(y, ref.values, shape: ref.shape, Tolerance(rtol: 1e-5, atol: 1e-5), "case \(i) \(isa) \(threads)t bias=\(withBias)")
                        bits.append(y.scalars.map(\.bitPattern))
                    }
                    #expect(bits[0] == bits[1], "case \(i) \(isa): 1 and 2 threads differ")
                }
            }
        }
        // The weight gradient: dW[o, c, i, j] = Σ dY[n, o, oh, ow] · x[n, c, oh + i − ph, ow + j − pw] in float64;
        // the AVX2 kernel, its twin, and 1 vs 2 threads (bit-identical: threads split weights, not images).
        for (i, cse) in cases.enumerated() {
            let (x, xv) = randomTensor(cse.x, dtype: .float32, seed: UInt64(110 + i))
            var g = windowGeometry("Conv2d", x, kernel: Pair2D(cse.w[2], cse.w[3]), stride: 1,
                                   padding: Pair2D(cse.pad.0, cse.pad.1), dilation: 1)
            let (n, c, h, wd, o, kh, kw) = (cse.x[0], cse.x[1], cse.x[2], cse.x[3], cse.w[0], cse.w[2], cse.w[3])
            let (ho, wo) = (Int(g.Ho), Int(g.Wo))
            let (dy, dyv) = randomTensor([n, o, ho, wo], dtype: .float32, seed: UInt64(120 + i))
            var ref = [Double](repeating: 0, count: o * c * kh * kw)
            for b in 0..<n { for oc in 0..<o { for oh in 0..<ho { for ow in 0..<wo {
                let d = dyv[((b * o + oc) * ho + oh) * wo + ow]
                for ic in 0..<c { for ki in 0..<kh { for kj in 0..<kw {
                    let ih = oh + ki - cse.pad.0, iw = ow + kj - cse.pad.1
                    if ih >= 0 && ih < h && iw >= 0 && iw < wd {
                        ref[((oc * c + ic) * kh + ki) * kw + kj] += d * xv[((b * c + ic) * h + ih) * wd + iw]
                    }
                } } }
            } } } }
            for isa in [ISA.scalar] + Kernels.supportedISAs.filter({ $0 == .avx2 || $0 == .avx512 }) {
                var bits: [[UInt32]] = []
                for threads in [1, 2] {
                    let dw = Tensor.empty([o, c, kh, kw], dtype: .float32)
                    let status = Kernels.withThreads(threads) {
                        withExtendedLifetime((x, dy)) {
                            st_conv2d_small_dw_f32(isa.cValue, Int64(n), Int64(o), &g, x.data.assumingMemoryBound(to: Float.self),
                                                   dy.data.assumingMemoryBound(to: Float.self), dw.data.assumingMemoryBound(to: Float.self))
                        }
                    }
                    #expect(status == ST_OK)
                    expectClose(dw, ref, shape: [o, c, kh, kw], Tolerance(rtol: 1e-4, atol: 1e-4), "dW case \(i) \(isa) \(threads)t")
                    bits.append(dw.scalars.map(\.bitPattern))
                }
                #expect(bits[0] == bits[1], "dW case \(i) \(isa): 1 and 2 threads differ")
            }
        }
        // Outside its domain the kernel refuses instead of computing something else.
        var strided = windowGeometry("Conv2d", Tensor.zeros([1, 1, 8, 8]), kernel: 3, stride: 2, padding: 0, dilation: 1)
        #expect(st_conv2d_small_applies(&strided) == 0)
        var wide = windowGeometry("Conv2d", Tensor.zeros([1, 128, 8, 8]), kernel: 3, stride: 1, padding: 0, dilation: 1)
        #expect(st_conv2d_small_applies(&wide) == 0) // 1152 taps
        #expect(st_conv2d_small_f32(ISA.scalar.cValue, 1, 1, &strided, nil, nil, nil, nil) != ST_OK)
        #expect(st_conv2d_small_dw_f32(ISA.scalar.cValue, 1, 1, &strided, nil, nil, nil) != ST_OK)
    }

    @Test("float32 backward (dX, dW, db) agrees with float64, including the valid-convolution fast path")
    func float32Backward() {
        // The first two take the direct kernels (forward and dW; dX through col2im); the third, unit column
        // stride with row dilation 2, the unit-stride im2col/col2im kernels; configs[1] the general ones.
        let valid: [Config] = [([2, 3, 7, 9], [4, 3, 3, 2], (1, 1), (0, 0), (1, 1)), ([3, 1, 12, 12], [6, 1, 5, 5], (1, 1), (0, 0), (1, 1)),
                               ([1, 2, 9, 8], [3, 2, 3, 3], (1, 1), (1, 1), (2, 1))]
        for (i, cfg) in (valid + [ConvTests.configs[1]]).enumerated() {
            var grads: [[[Double]]] = []
            for dtype in [DType.float32, .float64] {
                let (x, _) = randomTensor(cfg.x, dtype: dtype, seed: UInt64(40 + i))
                let (w, _) = randomTensor(cfg.w, dtype: dtype, seed: UInt64(50 + i))
                let (b, _) = randomTensor([cfg.w[0]], dtype: dtype, seed: UInt64(60 + i))
                for t in [x, w, b] { t.requiresGrad = true }
                let y = conv2d(x, weight: w, bias: b, stride: Pair2D(cfg.stride.0, cfg.stride.1),
                               padding: Pair2D(cfg.padding.0, cfg.padding.1), dilation: Pair2D(cfg.dilation.0, cfg.dilation.1))
                let (upstream, _) = randomTensor(y.shape, dtype: dtype, seed: UInt64(70 + i))
                (y * upstream).sum().backward()
                grads.append([x.grad!.doubles, w.grad!.doubles, b.grad!.doubles])
            }
            for (name, (g32, g64)) in zip(["dX", "dW", "db"], zip(grads[0], grads[1])) {
                expectClose(g32, g64, Tolerance(rtol: 1e-4, atol: 1e-4), "config \(i) \(name)")
            }
        }
    }

    @Test("dX and dW of a batch computed a group of images at a time (dcol, and the dW kernel's planes, in L2)")
    func groupedInputGradient() {
        // LeNet conv2 on 40 images: dcol is 38 KiB per image, so a half-L2 group holds a few images and the
        // batch takes several groups, the last one short (any L2 below 3 MiB gives at least two groups). An image alone is one group of one. The float32 dW
        // comes from the direct kernel (groups of ~25 images' padded planes), the float64 one from im2col + GEMM.
        var dws: [[Double]] = []
        for dtype in [DType.float32, .float64] {
            let (x, _) = randomTensor([40, 6, 12, 12], dtype: dtype, seed: 80)
            let (w, _) = randomTensor([16, 6, 5, 5], dtype: dtype, seed: 81)
            let (upstream, _) = randomTensor([40, 16, 8, 8], dtype: dtype, seed: 82)
            x.requiresGrad = true
            w.requiresGrad = true
            (conv2d(x, weight: w) * upstream).sum().backward()
            dws.append(w.grad!.doubles)
            w.requiresGrad = false
            let batch = x.grad!.doubles
            for i in [0, 5, 6, 17, 36, 39] {
                let xi = x.narrow(dim: 0, start: i, length: 1).detach().contiguous()
                xi.requiresGrad = true
                (conv2d(xi, weight: w) * upstream.narrow(dim: 0, start: i, length: 1)).sum().backward()
                let per = 6 * 12 * 12
                expectClose(Array(batch[(i * per)..<((i + 1) * per)]), xi.grad!.doubles, Tolerance(rtol: 1e-5, atol: 1e-5),
                            "\(dtype) image \(i)")
            }
        }
        expectClose(dws[0], dws[1], Tolerance(rtol: 1e-4, atol: 1e-4), "dW float32 (direct, grouped) vs float64 (GEMM)")
    }

    @Test("output size rule, the classic off-by-one: 224, kernel 11, stride 4, padding 2 gives 55 (not 56)")
    func outputSize() {
        let conv = Conv2d(3, 2, kernelSize: 11, stride: 4, padding: 2, generator: seeded(1))
        #expect(conv(Tensor.zeros([1, 3, 224, 224])).shape == [1, 2, 55, 55])
        #expect(Conv2d(1, 1, kernelSize: 3, generator: seeded(2))(Tensor.zeros([2, 1, 5, 6])).shape == [2, 1, 3, 4])
        #expect(Conv2d(1, 1, kernelSize: Pair2D(3, 1), padding: Pair2D(1, 0), generator: seeded(3))(Tensor.zeros([1, 1, 4, 4])).shape == [1, 1, 4, 4])
        #expect(maxPool2d(Tensor.zeros([1, 1, 7, 7]), kernelSize: 2).shape == [1, 1, 3, 3])
        #expect(avgPool2d(Tensor.zeros([1, 1, 7, 7]), kernelSize: 3, stride: 2, padding: 1).shape == [1, 1, 4, 4])
        // He init: std √(2 / (C·k·k)).
        let w = Conv2d(16, 64, kernelSize: 3, generator: seeded(4)).weight.doubles
        let std = (w.reduce(0) { $0 + $1 * $1 } / Double(w.count)).squareRoot()
        #expect(Swift.abs(std - (2.0 / 144).squareRoot()) < 0.01 && Conv2d(16, 64, kernelSize: 3).parameterCount == 64 * 16 * 9 + 64)
    }

    @Test("max pooling: window maxima with −inf padding, NaN propagates, gradients go to the maxima; average pooling")
    func pooling() {
        // x = [[0, 7, 14, 5], [12, 3, 10, 1], [8, 15, 6, 13], [4, 11, 2, 9]]
        let x = Tensor(float64: [0, 7, 14, 5, 12, 3, 10, 1, 8, 15, 6, 13, 4, 11, 2, 9], shape: [1, 1, 4, 4])
        let m = maxPool2d(x, kernelSize: 2)
        #expect(m.shape == [1, 1, 2, 2] && m.doubles == [12, 14, 15, 13])
        // float32 without padding takes the unchecked fast path: same values and argmax routing.
        let x32 = x.to(.float32)
        x32.requiresGrad = true
        let m32 = maxPool2d(x32, kernelSize: 2)
        #expect(m32.scalars == [12, 14, 15, 13])
        m32.sum().backward()
        #expect(x32.grad!.scalars == [0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0])
        let wide = maxPool2d(Tensor.randn([3, 2, 9, 7], generator: seeded(9)), kernelSize: 3, stride: 2)
        let wide64 = maxPool2d(Tensor.randn([3, 2, 9, 7], generator: seeded(9)).to(.float64), kernelSize: 3, stride: 2)
        #expect(wide.doubles == wide64.doubles)
        let padded = maxPool2d(Tensor(float64: [-5, -6, -7, -8], shape: [1, 1, 2, 2]), kernelSize: 2, stride: 1, padding: 1)
        #expect(padded.doubles == [-5, -5, -6, -5, -5, -6, -7, -7, -8]) // padding never wins: −inf
        let withNaN = Tensor([Float](arrayLiteral: 1, .nan, 3, 4), shape: [1, 1, 2, 2])
        #expect(maxPool2d(withNaN, kernelSize: 2).scalars[0].isNaN)
        let a = avgPool2d(x, kernelSize: 2)
        expectClose(a, [22.0 / 4, 30.0 / 4, 38.0 / 4, 30.0 / 4], Tolerance(rtol: 1e-12, atol: 0))
        // Distinct values (no ties): finite differences are valid for max pooling.
        let distinct = Tensor(float64: (0..<72).map { Double(($0 * 37) % 72) / 10 }, shape: [2, 1, 6, 6])
        expectGradCheck("maxPool2d", [distinct]) { maxPool2d($0[0], kernelSize: 2) }
        expectGradCheck("maxPool2d stride 1, padding 1", [distinct]) { maxPool2d($0[0], kernelSize: 3, stride: 1, padding: 1) }
        expectGradCheck("avgPool2d", [input([2, 3, 5, 5], 80)]) { avgPool2d($0[0], kernelSize: 2, stride: 1) }
        expectGradCheck("avgPool2d padded", [input([1, 2, 5, 4], 81)]) { avgPool2d($0[0], kernelSize: 3, stride: 2, padding: 1) }
    }

    @Test("2×2 stride-2 max pooling: hand-made windows for every tie position, −inf, and NaN in each slot")
    func maxPool2x2Windows() {
        // Each window [v0 v1; v2 v3] as one 2×2 plane; expected (value, flat index of the first maximum in
        // window order; a NaN wins, the first NaN).
        let inf = Float.infinity, nan = Float.nan
        let windows: [([Float], Float, Int)] = [
            ([1, 2, 3, 4], 4, 3), ([4, 3, 2, 1], 4, 0), ([5, 5, 1, 1], 5, 0), ([1, 5, 5, 1], 5, 1), ([1, 1, 5, 5], 5, 2),
            ([5, 1, 1, 5], 5, 0), ([2, 2, 2, 2], 2, 0), ([-inf, -inf, -inf, -inf], -inf, 0), ([-inf, -inf, -inf, 3], 3, 3),
            ([nan, 1, 2, 3], nan, 0), ([1, nan, 9, 3], nan, 1), ([1, 2, nan, 9], nan, 2), ([9, 2, 3, nan], nan, 3),
            ([1, nan, nan, 3], nan, 1),
        ]
        for isa in Kernels.supportedISAs {
            Kernels.withISA(isa) {
                for (values, value, at) in windows {
                    let x = Tensor(values, shape: [1, 1, 2, 2])
                    x.requiresGrad = true
                    let y = maxPool2d(x, kernelSize: 2)
                    let got = y.scalars[0]
                    #expect(got == value || (got.isNaN && value.isNaN), "\(isa) \(values): \(got), expected \(value)")
                    y.sum().backward()
                    #expect(x.grad!.scalars == (0..<4).map { $0 == at ? 1 : 0 }, "\(isa) \(values): gradient not at \(at)")
                }
                // Many planes (two threads share them) give the same results as the general float64 path.
                let big = Tensor.randn([8, 16, 24, 24], generator: seeded(77))
                #expect(maxPool2d(big, kernelSize: 2).doubles == maxPool2d(big.to(.float64), kernelSize: 2).doubles)
            }
        }
    }

    @Test("2×2 stride-2 max pooling (the float32 fast path, every ISA) matches the general float64 path: ties, NaN, odd sizes")
    func maxPool2x2FastPath() {
        // Small integers make ties common (the first maximum in window order wins); a few NaNs win outright.
        let shape = [3, 4, 9, 11]
        var values = (0..<shape.reduce(1, *)).map { Double(($0 * 7919) % 5) }
        for i in stride(from: 13, to: values.count, by: 97) { values[i] = .nan }
        for isa in Kernels.supportedISAs {
            Kernels.withISA(isa) {
                let x32 = Tensor(values.map(Float.init), shape: shape), x64 = Tensor(float64: values, shape: shape)
                x32.requiresGrad = true
                x64.requiresGrad = true
                let (y32, y64) = (maxPool2d(x32, kernelSize: 2), maxPool2d(x64, kernelSize: 2))
                #expect(y32.shape == [3, 4, 4, 5])
                let same = zip(y32.doubles, y64.doubles).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
                #expect(same, "\(isa): values differ from the general path")
                y32.sum().backward()
                y64.sum().backward()
                #expect(x32.grad!.doubles == x64.grad!.doubles, "\(isa): gradients routed to different elements")
            }
        }
    }

    @Test("a 3-D input is refused with the layer's message")
    func notFourD() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Conv2d(3, 8, kernelSize: 3, generator: seeded(5))(Tensor.zeros([3, 224, 224]))
        }
        #expect(standardError(result).contains("Conv2d expects [N, C, H, W], got [3, 224, 224]"))
    }

    @Test("ledger: one conv2d row with parameters, FLOPs 2·N·O·Ho·Wo·C·k·k and the im2col workspace")
    func ledger() {
        let conv = Conv2d(1, 6, kernelSize: 5, generator: seeded(6))
        let report = Ledger.trace { _ = maxPool2d(conv(Tensor.zeros([64, 1, 28, 28])).relu(), kernelSize: 2) }
        #expect(report.entries.map(\.op) == ["conv2d", "relu", "maxPool2d"])
        let row = report.entries[0]
        #expect(row.outputShape == [64, 6, 24, 24] && row.parameters == 6 * 25 + 6)
        #expect(row.flops == 2 * 64 * 6 * 24 * 24 * 25 && row.macs == 64 * 6 * 24 * 24 * 25)
        #expect(row.workspaceBytes == 25 * 24 * 24 * 64 * 4 && report.description.contains("workspace")) // K·N·L floats
    }
}
