// Activations against their float64 formulas (forward and derivative), goldens from the spec, the
// fused GELU kernels on contiguous float32, and gradCheck in float64.
import Foundation
import Testing
@testable import SwiftTorch

private func phi(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }
private let k = (2 / Double.pi).squareRoot()
private func geluExact(_ x: Double) -> Double { x * phi(x) }
private func geluTanh(_ x: Double) -> Double { 0.5 * x * (1 + Foundation.tanh(k * (x + 0.044715 * x * x * x))) }
private func geluExactGrad(_ x: Double) -> Double { phi(x) + x * Foundation.exp(-x * x / 2) / (2 * Double.pi).squareRoot() }
private func geluTanhGrad(_ x: Double) -> Double {
    let t = Foundation.tanh(k * (x + 0.044715 * x * x * x))
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x)
}
private func sigma(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }

@Suite("Activations")
struct ActivationTests {
    /// Forward and derivative of `f` on `xs` (float32 contiguous, float32 strided, float64) against references.
    func check(_ name: String, _ xs: [Double], forward: (Tensor) -> Tensor, _ ref: (Double) -> Double,
               _ dref: (Double) -> Double, tol32: Tolerance = Tolerance(rtol: 2e-6, atol: 1e-7)) {
        for dtype in [DType.float32, .float64] {
            let inputs = xs.map { dtype == .float32 ? Double(Float($0)) : $0 }
            let tol = dtype == .float32 ? tol32 : Tolerance(rtol: 1e-13, atol: 1e-15)
            for strided in [false, true] {
                // strided: every other element of a doubled tensor (the non-fused path)
                let base = Tensor(float64: strided ? inputs.flatMap { [$0, 0] } : inputs, dtype: dtype)
                let x = strided ? base[Swift.stride(from: 0, to: 2 * inputs.count, by: 2)] : base
                x.requiresGrad = true
                let y = forward(x)
                expectClose(y, inputs.map(ref), shape: [inputs.count], tol, "\(name) \(dtype) strided=\(strided)")
                y.backward(gradient: Tensor.ones([inputs.count], dtype: dtype))
                expectClose(x.grad!, inputs.map(dref), shape: [inputs.count], tol, "\(name)' \(dtype) strided=\(strided)")
            }
        }
    }

    static let grid: [Double] = Swift.stride(from: -9.0, through: 9.0, by: 0.0137).map { $0 } + [0, -0.0, 1e-20, -1e-20, 30, -30]

    @Test("ReLU, LeakyReLU, SiLU, sigmoid, tanh vs float64 formulas and derivatives")
    func simpleActivations() {
        let xs = ActivationTests.grid.filter { $0 != 0 } // kinks: relu' at 0 is a convention
        check("relu", xs, forward: { $0.relu() }, { Swift.max($0, 0) }, { $0 > 0 ? 1 : 0 })
        check("leakyRelu", xs, forward: { $0.leakyRelu(negativeSlope: 0.2) }, { $0 > 0 ? $0 : 0.2 * $0 }, { $0 > 0 ? 1 : 0.2 })
        check("silu", xs, forward: { $0.silu() }, { $0 * sigma($0) }, { sigma($0) * (1 + $0 * (1 - sigma($0))) })
        check("sigmoid", xs, forward: { $0.sigmoid() }, sigma, { sigma($0) * (1 - sigma($0)) })
        check("tanh", xs, forward: { $0.tanh() }, Foundation.tanh, { 1 - Foundation.tanh($0) * Foundation.tanh($0) })
        // Goldens: ReLU([-1, 0, 1, 2]) and about half of N(0, 1) zeroed.
        #expect(ReLU()(Tensor([-1, 0, 1, 2])).scalars == [0, 0, 1, 2])
        let z = Tensor.randn([100_000], generator: seeded(5)).relu()
        let zeroFraction = Double((z .== 0).sum().item()) / 100_000
        #expect(Swift.abs(zeroFraction - 0.5) < 0.01)
        // ReLU's backward: 0 where x <= 0, else dY (a NaN x passes its dY, as PyTorch's threshold_backward);
        // float32 and float64.
        for dtype in [DType.float32, .float64] {
            let x = Tensor([-1, 0, 2, .nan, 3, -0.5], dtype: dtype, requiresGrad: true)
            (x.relu() * Tensor([10, 20, 30, 40, 50, 60], dtype: dtype)).sum().backward()
            #expect(x.grad!.to(.float64).doubles == [0, 0, 30, 40, 50, 0])
            let y = Tensor([[-1, 4], [5, -2]], dtype: dtype, requiresGrad: true)
            y.relu().sum().backward()
            #expect(y.grad!.to(.float64).doubles == [0, 1, 1, 0])
        }
    }

    @Test("GELU exact and tanh: forward and derivative vs their own float64 formulas, fused and strided paths")
    func geluForms() {
        // Long enough for the SIMD body and a tail; large |x| and signed zeros.
        var xs = ActivationTests.grid + [-40, -20, -12, 12, 20, 40, 1e4, -1e4]
        xs.append(0.37)
        check("gelu exact", xs, forward: { $0.gelu() }, geluExact, geluExactGrad)
        check("gelu tanh", xs, forward: { $0.gelu(approximation: .tanh) }, geluTanh, geluTanhGrad)
        #expect(GELU()(Tensor([Float.infinity])).scalars == [.infinity])
        #expect(GELU(approximation: .tanh)(Tensor([-Float.infinity])).scalars.allSatisfy { $0 == 0 })
        #expect(GELU()(Tensor([Float.nan])).scalars[0].isNaN)
    }

    @Test("golden: max |GELU exact − GELU tanh| ≈ 4.73e-4 near x ≈ −2.70, in float64 and in the float32 kernels")
    func geluGolden() {
        let xs = Swift.stride(from: -6.0, through: 6.0, by: 0.0005).map { $0 }
        let d64 = xs.map { Swift.abs(geluExact($0) - geluTanh($0)) }
        let i64 = d64.indices.max { d64[$0] < d64[$1] }!
        #expect(Swift.abs(d64[i64] - 4.73e-4) < 0.01e-4 && Swift.abs(xs[i64] + 2.70) < 0.02)
        let x = Tensor(float64: xs, dtype: .float32)
        let diff = (x.gelu() - x.gelu(approximation: .tanh)).abs().doubles
        let i32 = diff.indices.max { diff[$0] < diff[$1] }!
        // The difference is even in x (both forms satisfy f(x) − f(−x) = x): the float32 maximum may be at +2.70.
        #expect(Swift.abs(diff[i32] - 4.73e-4) < 0.02e-4 && Swift.abs(Swift.abs(xs[i32]) - 2.70) < 0.05)
    }

    @Test("gradCheck in float64: leakyRelu, silu, gelu (both forms), softmax layers")
    func gradChecks() {
        let x = input([3, 5], 7, -3, 3)
        expectGradCheck("leakyRelu", [x]) { $0[0].leakyRelu(negativeSlope: 0.1) }
        expectGradCheck("silu", [x]) { $0[0].silu() }
        expectGradCheck("gelu", [x]) { $0[0].gelu() }
        expectGradCheck("gelu tanh", [x]) { $0[0].gelu(approximation: .tanh) }
        expectGradCheck("gelu on a transposed view", [x]) { $0[0].T.gelu() }
        expectGradCheck("Softmax(dim: 0)", [x]) { Softmax(dim: 0)($0[0]) }
        expectGradCheck("LogSoftmax", [x]) { LogSoftmax()($0[0]) }
    }

    @Test("activation layers match the tensor functions; free functions")
    func layers() { stableKernels { layersBody() } }

    func layersBody() {
        let x = Tensor.randn([4, 6], generator: seeded(3))
        let pairs: [(any Layer, Tensor)] = [(ReLU(), x.relu()), (LeakyReLU(), x.leakyRelu()), (GELU(), x.gelu()),
                                             (SiLU(), x.silu()), (Tanh(), x.tanh()), (Sigmoid(), x.sigmoid()),
                                             (Softmax(), x.softmax()), (LogSoftmax(dim: 0), x.logSoftmax(dim: 0))]
        for (layer, expected) in pairs {
            #expect(layer(x).scalars == expected.scalars, "\(type(of: layer))")
            #expect(layer.parameters().isEmpty)
        }
        #expect(gelu(x, approximation: .tanh).scalars == x.gelu(approximation: .tanh).scalars)
        #expect(silu(x).scalars == x.silu().scalars && leakyRelu(x, negativeSlope: 0.3).scalars == x.leakyRelu(negativeSlope: 0.3).scalars)
    }
}
