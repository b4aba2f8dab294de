// gradCheck (central finite differences in float64) for every differentiable op, with broadcasting,
// dims and keepDims, and non-contiguous inputs; and a deliberately wrong backward rule that must fail.
import Testing
@testable import SwiftTorch

/// Runs gradCheck and also checks that every floating-point input really receives a nonzero gradient
/// (so a function that ignores an input cannot pass trivially).
func expectGradCheck(_ name: String, _ inputs: [Tensor], eps: Double = 1e-6, sourceLocation: SourceLocation = #_sourceLocation,
                     _ f: ([Tensor]) -> Tensor) {
    let r = gradCheck(f, inputs: inputs, eps: eps)
    #expect(r.passed, "\(name): \(r)", sourceLocation: sourceLocation)
    let xs: [Tensor] = inputs.map { x in
        guard x.dtype.isFloatingPoint else { return x }
        let c = x.to(.float64).clone()
        c.requiresGrad = true
        return c
    }
    let y = f(xs)
    let n = xs.filter(\.dtype.isFloatingPoint).reduce(0) { $0 + $1.count }
    #expect(r.checked == y.count * n, "\(name): \(r.checked) Jacobian entries, expected \(y.count * n)", sourceLocation: sourceLocation)
    y.backward(gradient: Tensor.randn(y.shape, dtype: .float64, generator: seeded(99)))
    for (i, x) in xs.enumerated() where x.dtype.isFloatingPoint {
        #expect(x.grad?.doubles.contains { $0 != 0 } == true, "\(name): input \(i) got no gradient", sourceLocation: sourceLocation)
    }
}

/// Uniform float64 values in [low, high) of `shape`.
func input(_ shape: [Int], _ seed: UInt64, _ low: Double = -1, _ high: Double = 1) -> Tensor {
    randomTensor(shape, dtype: .float64, seed: seed, low: low, high: high).0
}

@Suite("Gradient checks")
struct GradCheckTests {
    @Test("arithmetic with broadcasting: [3, 1, 4] op [2, 4], and scalar operands")
    func arithmetic() {
        let a = input([3, 1, 4], 1), b = input([2, 4], 2), pos = input([2, 4], 3, 0.5, 2)
        expectGradCheck("add", [a, b]) { $0[0] + $0[1] }
        expectGradCheck("sub", [a, b]) { $0[0] - $0[1] }
        expectGradCheck("mul", [a, b]) { $0[0] * $0[1] }
        expectGradCheck("div", [a, pos]) { $0[0] / $0[1] }
        expectGradCheck("div (broadcast numerator)", [pos, a]) { $0[1] / $0[0] }
        expectGradCheck("sub, mul of a transposed operand", [input([4, 3], 4), input([3, 1], 5)]) { ($0[0].T - $0[1]) * $0[0].T }
        let x = input([2, 5], 6), nz = awayFromZero([2, 5], seed: 7, margin: 0.3)
        expectGradCheck("x + s", [x]) { $0[0] + 1.5 }
        expectGradCheck("s + x", [x]) { 1.5 + $0[0] }
        expectGradCheck("x - s", [x]) { $0[0] - 0.25 }
        expectGradCheck("s - x", [x]) { 0.25 - $0[0] }
        expectGradCheck("x * s", [x]) { $0[0] * -3 }
        expectGradCheck("s * x", [x]) { 2.5 * $0[0] }
        expectGradCheck("x / s", [x]) { $0[0] / 4 }
        expectGradCheck("s / x", [nz]) { 2 / $0[0] }
        expectGradCheck("neg", [x]) { -$0[0] }
    }

    @Test("powers: pow(Float) and pow(Tensor) with a broadcast exponent")
    func powers() {
        let pos = input([3, 4], 11, 0.5, 2)
        expectGradCheck("pow(2.5)", [pos]) { $0[0].pow(2.5) }
        expectGradCheck("pow(-1.5)", [pos]) { $0[0].pow(-1.5) }
        expectGradCheck("pow(3) of negatives", [input([3, 4], 12)]) { $0[0].pow(3) }
        expectGradCheck("pow(Tensor)", [pos, input([4], 13)]) { $0[0].pow($0[1]) }
        expectGradCheck("pow(Tensor) of a transpose", [input([4, 3], 14, 0.5, 2), input([3, 1], 15)]) { $0[0].T.pow($0[1]) }
    }

    @Test("unary math functions (away from kinks and outside their domains' edges)")
    func unaryFunctions() {
        let x = input([3, 4], 21), pos = input([3, 4], 22, 0.2, 2), nz = awayFromZero([3, 4], seed: 23)
        expectGradCheck("exp", [x]) { $0[0].exp() }
        expectGradCheck("log", [pos]) { $0[0].log() }
        expectGradCheck("sqrt", [pos]) { $0[0].sqrt() }
        expectGradCheck("abs", [nz]) { $0[0].abs() }
        expectGradCheck("tanh", [x]) { $0[0].tanh() }
        expectGradCheck("sigmoid", [input([3, 4], 24, -4, 4)]) { $0[0].sigmoid() }
        expectGradCheck("relu", [nz]) { $0[0].relu() }
        expectGradCheck("sin", [input([3, 4], 25, -3, 3)]) { $0[0].sin() }
        expectGradCheck("cos", [input([3, 4], 26, -3, 3)]) { $0[0].cos() }
        expectGradCheck("square", [x]) { $0[0].square() }
        // Bounds at ±0.35: the data keeps at least 0.01 away from them (and from 0 for relu/abs).
        let c = Tensor(float64: [-0.9, -0.5, -0.2, 0.1, 0.3, 0.6, 0.95, -0.05, 0.2, -0.36, 0.34, 0.5], shape: [3, 4])
        expectGradCheck("clamp", [c]) { $0[0].clamp(min: -0.35, max: 0.35) * $0[0] }
        expectGradCheck("clamp(min:)", [c]) { $0[0].clamp(min: -0.35) * $0[0] }
        expectGradCheck("clamp(max:)", [c]) { $0[0].clamp(max: 0.35) * $0[0] }
        expectGradCheck("free functions", [pos]) { SwiftTorch.sqrt(SwiftTorch.exp(SwiftTorch.log($0[0]))) + SwiftTorch.tanh($0[0]) }
        expectGradCheck("unary ops on a strided slice", [input([3, 8], 27, 0.2, 2)]) { $0[0][.all, .slice(1, nil, step: 2)].log().sigmoid() }
    }

    @Test("maximum, minimum (no ties) and where, with broadcasting")
    func selection() {
        let a = input([3, 4], 31), b = input([4], 32)
        expectGradCheck("maximum", [a, b]) { Tensor.maximum($0[0], $0[1]) }
        expectGradCheck("minimum", [a, b]) { Tensor.minimum($0[0], $0[1]) }
        expectGradCheck("minimum of a transpose", [input([4, 3], 33), b]) { Tensor.minimum($0[1], $0[0].T) }
        let mask = Tensor(float64: [1, 0, 0, 1, 1, 0, 1, 0, 0, 1, 1, 1], shape: [3, 4])
        expectGradCheck("where", [a, b]) { Tensor.where(mask, $0[0], $0[1]) }
        let rowMask = Tensor(float64: [0, 1, 1], shape: [3, 1])
        expectGradCheck("where with a row mask", [a, input([], 34)]) { Tensor.where(rowMask, $0[0].exp(), $0[1]) }
    }

    @Test("reductions over dims with and without keepDims")
    func reductions() {
        let x = input([3, 4, 2], 41)
        for dims in [[0], [1], [2], [-1], [0, 2], [0, 1, 2]] as [[Int]] {
            for keep in [false, true] {
                expectGradCheck("sum \(dims) keep \(keep)", [x]) { $0[0].sum(dims: dims, keepDims: keep) }
                expectGradCheck("mean \(dims) keep \(keep)", [x]) { $0[0].mean(dims: dims, keepDims: keep) }
                expectGradCheck("max \(dims) keep \(keep)", [x]) { $0[0].max(dims: dims, keepDims: keep) }
                expectGradCheck("min \(dims) keep \(keep)", [x]) { $0[0].min(dims: dims, keepDims: keep) }
                expectGradCheck("variance \(dims) keep \(keep)", [x]) { $0[0].variance(dims: dims, keepDims: keep) }
            }
        }
        expectGradCheck("sum all", [x]) { $0[0].sum() }
        expectGradCheck("mean(dim:)", [x]) { $0[0].mean(dim: 1, keepDim: true) }
        expectGradCheck("max all", [x]) { $0[0].max() }
        expectGradCheck("variance(correction: 0)", [x]) { $0[0].variance(dim: 0, correction: 0) }
        expectGradCheck("sum of a permuted view", [x]) { $0[0].permute(2, 0, 1).sum(dims: [1]) }
        expectGradCheck("max of a transpose", [input([4, 3], 42)]) { $0[0].T.max(dim: 0) }
    }

    @Test("softmax and logSoftmax along every dim")
    func softmaxes() {
        let x = input([3, 4], 51, -2, 2)
        for dim in [0, 1, -1] {
            expectGradCheck("softmax dim \(dim)", [x]) { $0[0].softmax(dim: dim) }
            expectGradCheck("logSoftmax dim \(dim)", [x]) { $0[0].logSoftmax(dim: dim) }
        }
        let x3 = input([2, 3, 4], 52, -2, 2)
        expectGradCheck("softmax of a rank-3 middle dim", [x3]) { $0[0].softmax(dim: 1) }
        expectGradCheck("logSoftmax of a transpose", [x]) { $0[0].T.logSoftmax() }
    }

    @Test("matmul: 2-D, 1-D cases, batched with broadcasting, the folded [B, T, C] @ [C, D]; linear")
    func products() {
        expectGradCheck("[3, 4] @ [4, 2]", [input([3, 4], 61), input([4, 2], 62)]) { matmul($0[0], $0[1]) }
        expectGradCheck("transposed operands", [input([4, 3], 63), input([2, 4], 64)]) { matmul($0[0].T, $0[1].T) }
        expectGradCheck("[4] @ [4]", [input([4], 65), input([4], 66)]) { matmul($0[0], $0[1]) }
        expectGradCheck("[4] @ [4, 3]", [input([4], 67), input([4, 3], 68)]) { matmul($0[0], $0[1]) }
        expectGradCheck("[3, 4] @ [4]", [input([3, 4], 69), input([4], 70)]) { matmul($0[0], $0[1]) }
        expectGradCheck("[2, 1, 2, 3] @ [3, 3, 2]", [input([2, 1, 2, 3], 71), input([3, 3, 2], 72)]) { matmul($0[0], $0[1]) }
        expectGradCheck("[3, 4] @ [2, 4, 3]", [input([3, 4], 73), input([2, 4, 3], 74)]) { matmul($0[0], $0[1]) }
        expectGradCheck("[2, 3, 4] @ [4, 2] (folded)", [input([2, 3, 4], 75), input([4, 2], 76)]) { matmul($0[0], $0[1]) }
        expectGradCheck("[2, 3, 4] (permuted) @ [4, 2]", [input([3, 2, 4], 77), input([4, 2], 78)]) {
            matmul($0[0].permute(1, 0, 2), $0[1])
        }
        expectGradCheck("[2, 1, 3] @ [2, 3, 2]", [input([2, 1, 3], 79), input([2, 3, 2], 80)]) { $0[0].matmul($0[1]) }
        expectGradCheck("linear", [input([3, 4], 81), input([4, 2], 82), input([2], 83)]) { linear($0[0], weight: $0[1], bias: $0[2]) }
        expectGradCheck("linear without bias", [input([3, 4], 84), input([4, 2], 85)]) { linear($0[0], weight: $0[1]) }
        expectGradCheck("linear on [B, T, C]", [input([2, 2, 3], 86), input([3, 2], 87), input([2], 88)]) {
            linear($0[0], weight: $0[1], bias: $0[2])
        }
    }

    @Test("shape ops: reshape, permute, transpose, slicing with steps, squeeze, unsqueeze, expand, contiguous")
    func shapeOps() {
        let x = input([2, 3, 4], 91), w = input([24], 92)
        // Each is weighted by a fixed tensor so every element gets its own gradient.
        expectGradCheck("reshape", [x, w]) { $0[0].reshape(6, -1) * $0[1].reshape(6, 4) }
        expectGradCheck("reshape of a transpose (copy)", [x]) { $0[0].transpose(0, 2).reshape(-1).square() }
        expectGradCheck("permute", [x]) { $0[0].permute(2, 0, 1).square() * Tensor.arange(0, 24, dtype: .float64).reshape(4, 2, 3) }
        expectGradCheck("transpose", [x]) { $0[0].transpose(0, 1).exp() }
        expectGradCheck("T", [input([3, 5], 93)]) { $0[0].T.square() }
        expectGradCheck("slicing with steps", [x]) { $0[0][.all, .slice(0, nil, step: 2), 1...].square() }
        expectGradCheck("integer index and stride", [x]) { $0[0][1, stride(from: 0, to: 3, by: 2)].sin() }
        expectGradCheck("negative index, .newAxis", [x]) { $0[0][-1, .newAxis, .all, 2].exp() }
        expectGradCheck("squeeze", [input([1, 3, 1, 2], 94)]) { $0[0].squeeze().square() }
        expectGradCheck("squeeze(dim)", [input([3, 1, 2], 95)]) { $0[0].squeeze(1).tanh() }
        expectGradCheck("unsqueeze", [input([3, 2], 96)]) { $0[0].unsqueeze(1).square() * Tensor.ones([3, 2, 2], dtype: .float64) }
        expectGradCheck("expand", [input([3, 1], 97)]) { $0[0].expand([2, 3, 4]) * Tensor.arange(0, 24, dtype: .float64).reshape(2, 3, 4) }
        expectGradCheck("broadcastTo", [input([4], 98)]) { $0[0].broadcastTo([3, 4]).square() }
        expectGradCheck("contiguous", [input([4, 3], 99)]) { $0[0].T.contiguous().exp() }
        expectGradCheck("flatten", [x]) { $0[0].transpose(1, 2).flatten(startDim: 1).square() }
        expectGradCheck("clone", [x]) { $0[0].clone().sin() }
        expectGradCheck("to(float32) and back", [input([2, 3], 100)], eps: 1e-3) { ($0[0].to(.float32) * 3).to(.float64) }
    }

    @Test("concatenate, stack, narrow")
    func joining() {
        let a = input([2, 3], 101), b = input([1, 3], 102), c = input([2, 2], 103)
        expectGradCheck("concatenate dim 0", [a, b]) { Tensor.concatenate([$0[0], $0[1]]).square() }
        expectGradCheck("concatenate dim 1 with a transposed input", [a, input([2, 2], 104)]) {
            Tensor.concatenate([$0[0], $0[1].T, $0[0]], dim: -1).exp()
        }
        expectGradCheck("concatenate with a constant", [c]) { Tensor.concatenate([Tensor.ones([2, 1], dtype: .float64), $0[0]], dim: 1).square() }
        expectGradCheck("stack dim 0", [a, input([2, 3], 105)]) { Tensor.stack([$0[0], $0[1]]).square() }
        expectGradCheck("stack dim -1", [a, input([2, 3], 106)]) { Tensor.stack([$0[0], $0[1], $0[0]], dim: -1).sin() }
        expectGradCheck("narrow", [input([3, 5], 107)]) { $0[0].narrow(dim: 1, start: 1, length: 3).square() }
    }

    @Test("indexSelect and gather")
    func indexing() {
        let x = input([4, 3], 111)
        expectGradCheck("indexSelect", [x, Tensor(integers: [3, 0, 3])]) { $0[0].indexSelect(dim: 0, index: $0[1]).square() }
        expectGradCheck("gather", [x, Tensor(integers: [2, 0, 0, 1, 1, 1, 2, 2], shape: [4, 2])]) { $0[0].gather(dim: 1, index: $0[1]).exp() }
    }

    @Test("a composite: cross-entropy of a small MLP")
    func composite() {
        let labels = Tensor(integers: [2, 0, 1], shape: [3, 1])
        expectGradCheck("mlp", [input([3, 4], 121), input([4, 5], 122), input([5], 123), input([5, 3], 124)]) { i in
            let h = linear(i[0], weight: i[1], bias: i[2]).tanh()
            return -matmul(h, i[3]).logSoftmax().gather(dim: 1, index: labels).mean()
        }
    }

    @Test("gradCheck fails for a wrong backward rule and names the input, element and values")
    func detectsWrongBackward() {
        let a = input([2, 3], 131), b = input([2, 3], 132)
        // f(a, b) = a + 2b, but the rule claims d/db = 3.
        let r = gradCheck({ i in
            let out = withNoGrad { i[0] + i[1] * 2 }
            attach(out, "bad", [i[0], i[1]]) { g in [g, g.mulScalar(3)] }
            return out
        }, inputs: [a, b])
        #expect(!r.passed)
        #expect(r.inputIndex == 1 && r.analytic == 3 && Swift.abs(r.numeric - 2) < 1e-6)
        // The wrong entries are the diagonal: the worst position is the output element's own position.
        #expect(r.position == multiIndex(r.outputIndex, [2, 3]))
        #expect(r.checked == 72 && Swift.abs(r.maxAbsoluteError - 1) < 1e-6)
        #expect(r.description.hasPrefix("gradCheck failed: worst at input 1, element \(r.position), output element \(r.outputIndex): analytic 3.0 vs numeric \(r.numeric)"))
        // The same function with the right rule passes.
        let ok = gradCheck({ i in
            let out = withNoGrad { i[0] + i[1] * 2 }
            attach(out, "good", [i[0], i[1]]) { g in [g, g.mulScalar(2)] }
            return out
        }, inputs: [a, b])
        #expect(ok.passed && ok.description.hasPrefix("gradCheck passed") && ok.maxAbsoluteError < 1e-8)
        // A missing chain-rule factor (tanh′ taken as 1 − x² instead of 1 − y²) is caught too.
        let chain = gradCheck({ i in
            let out = withNoGrad { i[0].tanh() }
            attach(out, "tanh with the wrong factor", [i[0]]) { g in [g * (1 - i[0] * i[0])] }
            return out
        }, inputs: [a])
        #expect(!chain.passed && chain.inputIndex == 0)
    }
}
