// Elementwise ops against Swift float64 math: every unary, scalar and binary op, float32 and float64,
// contiguous and non-contiguous (transposed, strided, broadcast) operands; broadcasting; the vectorized
// exp kernel; integer tensors; a large tensor split across threads.
import CKernels
import Foundation
import Testing
@testable import SwiftTorch

/// How a [rows, cols] operand is laid out in memory.
enum Layout: String, CaseIterable, Sendable {
    case contiguous, transposed, sliced, broadcast
}

/// A [rows, cols] operand in `layout` holding uniform values from TestRNG, and its logical values
/// (row-major) computed by hand from the base array.
func operand(_ layout: Layout, _ rows: Int, _ cols: Int, dtype: DType, seed: UInt64, low: Double = -1,
             high: Double = 1, integral: Bool = false) -> (Tensor, [Double]) {
    var rng = TestRNG(seed: seed)
    func draw(_ n: Int) -> [Double] { rng.values(n, low, high, dtype: dtype).map { integral ? $0.rounded() : $0 } }
    switch layout {
    case .contiguous:
        let v = draw(rows * cols)
        return (Tensor(float64: v, shape: [rows, cols], dtype: dtype), v)
    case .transposed:
        let b = draw(cols * rows)
        return (Tensor(float64: b, shape: [cols, rows], dtype: dtype).T, transposed(b, rows: cols, cols: rows))
    case .sliced:
        let w = 2 * cols + 1
        let b = draw(rows * w)
        let t = Tensor(float64: b, shape: [rows, w], dtype: dtype)[.all, .slice(1, nil, step: 2)]
        return (t, stridedRead(b, shape: [rows, cols], strides: [w, 2], offset: 1))
    case .broadcast:
        let b = draw(cols)
        return (Tensor(float64: b, shape: [1, cols], dtype: dtype).expand([rows, cols]),
                broadcastRead(b, shape: [1, cols], to: [rows, cols]))
    }
}

struct UnaryCase: Sendable {
    let name: String
    let low: Double, high: Double
    let op: @Sendable (Tensor) -> Tensor
    let ref: @Sendable (Double) -> Double
}

struct BinaryCase: Sendable {
    let name: String
    let a: (Double, Double), b: (Double, Double)
    var integral = false
    let op: @Sendable (Tensor, Tensor) -> Tensor
    let ref: @Sendable (Double, Double) -> Double
}

let unaryCases: [UnaryCase] = [
    UnaryCase(name: "neg", low: -3, high: 3, op: { -$0 }, ref: { -$0 }),
    UnaryCase(name: "exp", low: -5, high: 5, op: { $0.exp() }, ref: { Foundation.exp($0) }),
    UnaryCase(name: "log", low: 0.05, high: 5, op: { $0.log() }, ref: { Foundation.log($0) }),
    UnaryCase(name: "sqrt", low: 0, high: 5, op: { $0.sqrt() }, ref: { $0.squareRoot() }),
    UnaryCase(name: "abs", low: -3, high: 3, op: { $0.abs() }, ref: { Swift.abs($0) }),
    UnaryCase(name: "tanh", low: -4, high: 4, op: { $0.tanh() }, ref: { Foundation.tanh($0) }),
    UnaryCase(name: "sigmoid", low: -10, high: 10, op: { $0.sigmoid() }, ref: { 1 / (1 + Foundation.exp(-$0)) }),
    UnaryCase(name: "relu", low: -3, high: 3, op: { $0.relu() }, ref: { Swift.max($0, 0) }),
    UnaryCase(name: "sin", low: -4, high: 4, op: { $0.sin() }, ref: { Foundation.sin($0) }),
    UnaryCase(name: "cos", low: -4, high: 4, op: { $0.cos() }, ref: { Foundation.cos($0) }),
    UnaryCase(name: "square", low: -3, high: 3, op: { $0.square() }, ref: { $0 * $0 }),
    UnaryCase(name: "sign", low: -3, high: 3, op: { $0.sign() }, ref: { $0 > 0 ? 1 : $0 < 0 ? -1 : 0 }),
    UnaryCase(name: "clamp", low: -2, high: 2, op: { $0.clamp(min: -0.5, max: 0.75) }, ref: { Swift.min(Swift.max($0, -0.5), 0.75) }),
    UnaryCase(name: "clamp(min:)", low: -2, high: 2, op: { $0.clamp(min: 0.25) }, ref: { Swift.max($0, 0.25) }),
    UnaryCase(name: "clamp(max:)", low: -2, high: 2, op: { $0.clamp(max: -0.25) }, ref: { Swift.min($0, -0.25) }),
    UnaryCase(name: "pow(2.5)", low: 0.1, high: 3, op: { $0.pow(2.5) }, ref: { Foundation.pow($0, 2.5) }),
    UnaryCase(name: "pow(-1.5)", low: 0.2, high: 3, op: { $0.pow(-1.5) }, ref: { Foundation.pow($0, -1.5) }),
    UnaryCase(name: "pow(3) of negatives", low: -2, high: 2, op: { $0.pow(3) }, ref: { $0 * $0 * $0 }),
    UnaryCase(name: "x + 1.5", low: -2, high: 2, op: { $0 + 1.5 }, ref: { $0 + 1.5 }),
    UnaryCase(name: "1.5 + x", low: -2, high: 2, op: { 1.5 + $0 }, ref: { 1.5 + $0 }),
    UnaryCase(name: "x - 0.25", low: -2, high: 2, op: { $0 - 0.25 }, ref: { $0 - 0.25 }),
    UnaryCase(name: "0.25 - x", low: -2, high: 2, op: { 0.25 - $0 }, ref: { 0.25 - $0 }),
    UnaryCase(name: "x * -2", low: -2, high: 2, op: { $0 * -2 }, ref: { $0 * -2 }),
    UnaryCase(name: "-2 * x", low: -2, high: 2, op: { -2 * $0 }, ref: { -2 * $0 }),
    UnaryCase(name: "x / 4", low: -2, high: 2, op: { $0 / 4 }, ref: { $0 / 4 }),
    UnaryCase(name: "x / 3", low: -2, high: 2, op: { $0 / 3 }, ref: { $0 / 3 }),
    UnaryCase(name: "3 / x", low: 0.5, high: 3, op: { 3 / $0 }, ref: { 3 / $0 }),
    UnaryCase(name: "free exp/log/sqrt", low: 0.1, high: 2, op: { SwiftTorch.sqrt(SwiftTorch.log(SwiftTorch.exp($0))) },
              ref: { $0.squareRoot() }),
    UnaryCase(name: "free tanh/sigmoid/relu", low: -2, high: 2, op: { SwiftTorch.relu(SwiftTorch.tanh($0)) + SwiftTorch.sigmoid($0) },
              ref: { Swift.max(Foundation.tanh($0), 0) + 1 / (1 + Foundation.exp(-$0)) }),
]

let binaryCases: [BinaryCase] = [
    BinaryCase(name: "add", a: (-2, 2), b: (-2, 2), op: { $0 + $1 }, ref: { $0 + $1 }),
    BinaryCase(name: "sub", a: (-2, 2), b: (-2, 2), op: { $0 - $1 }, ref: { $0 - $1 }),
    BinaryCase(name: "mul", a: (-2, 2), b: (-2, 2), op: { $0 * $1 }, ref: { $0 * $1 }),
    BinaryCase(name: "div", a: (-2, 2), b: (0.5, 2), op: { $0 / $1 }, ref: { $0 / $1 }),
    BinaryCase(name: "div by negatives", a: (-2, 2), b: (-2, -0.5), op: { $0 / $1 }, ref: { $0 / $1 }),
    BinaryCase(name: "pow", a: (0.1, 3), b: (-2, 2), op: { $0.pow($1) }, ref: { Foundation.pow($0, $1) }),
    BinaryCase(name: "maximum", a: (-2, 2), b: (-2, 2), op: { Tensor.maximum($0, $1) }, ref: { Swift.max($0, $1) }),
    BinaryCase(name: "minimum", a: (-2, 2), b: (-2, 2), op: { Tensor.minimum($0, $1) }, ref: { Swift.min($0, $1) }),
    // Comparisons on small integers so that ties occur.
    BinaryCase(name: ".==", a: (-2, 2), b: (-2, 2), integral: true, op: { $0 .== $1 }, ref: { $0 == $1 ? 1 : 0 }),
    BinaryCase(name: ".!=", a: (-2, 2), b: (-2, 2), integral: true, op: { $0 .!= $1 }, ref: { $0 != $1 ? 1 : 0 }),
    BinaryCase(name: ".<", a: (-2, 2), b: (-2, 2), integral: true, op: { $0 .< $1 }, ref: { $0 < $1 ? 1 : 0 }),
    BinaryCase(name: ".<=", a: (-2, 2), b: (-2, 2), integral: true, op: { $0 .<= $1 }, ref: { $0 <= $1 ? 1 : 0 }),
    BinaryCase(name: ".>", a: (-2, 2), b: (-2, 2), integral: true, op: { $0 .> $1 }, ref: { $0 > $1 ? 1 : 0 }),
    BinaryCase(name: ".>=", a: (-2, 2), b: (-2, 2), integral: true, op: { $0 .>= $1 }, ref: { $0 >= $1 ? 1 : 0 }),
    BinaryCase(name: "maximum with ties", a: (-2, 2), b: (-2, 2), integral: true, op: { Tensor.maximum($0, $1) },
               ref: { Swift.max($0, $1) }),
]

@Suite("Elementwise ops")
struct ElementwiseTests {
    static let floatTypes: [DType] = [.float32, .float64]

    @Test("unary and scalar ops vs float64 math", arguments: floatTypes, Layout.allCases)
    func unaryOps(dtype: DType, layout: Layout) {
        for (k, c) in unaryCases.enumerated() {
            let (x, xv) = operand(layout, 5, 7, dtype: dtype, seed: 100 + UInt64(k), low: c.low, high: c.high)
            let y = c.op(x)
            #expect(y.dtype == dtype && y.shape == [5, 7])
            expectClose(y, xv.map(c.ref), .of(dtype), "\(c.name) \(dtype) \(layout)")
            #expect(x.doubles == xv, "\(c.name) changed its input")
        }
    }

    @Test("binary ops vs float64 math for every pair of layouts", arguments: floatTypes, Layout.allCases)
    func binaryOps(dtype: DType, layoutA: Layout) {
        for layoutB in Layout.allCases {
            for (k, c) in binaryCases.enumerated() {
                let (a, av) = operand(layoutA, 4, 6, dtype: dtype, seed: 200 + UInt64(k), low: c.a.0, high: c.a.1, integral: c.integral)
                let (b, bv) = operand(layoutB, 4, 6, dtype: dtype, seed: 300 + UInt64(k), low: c.b.0, high: c.b.1, integral: c.integral)
                let y = c.op(a, b)
                #expect(y.dtype == dtype)
                expectClose(y, zip(av, bv).map(c.ref), shape: [4, 6], .of(dtype), "\(c.name) \(dtype) \(layoutA)/\(layoutB)")
            }
        }
    }

    @Test("comparisons with a scalar give 0/1 masks", arguments: floatTypes)
    func scalarComparisons(dtype: DType) {
        let (x, xv) = operand(.transposed, 5, 6, dtype: dtype, seed: 9, low: -2, high: 2, integral: true)
        let cases: [(Tensor, (Double) -> Bool)] = [(x .== 1, { $0 == 1 }), (x .!= 1, { $0 != 1 }), (x .< 0, { $0 < 0 }),
                                                    (x .<= 0, { $0 <= 0 }), (x .> -1, { $0 > -1 }), (x .>= -1, { $0 >= -1 }),
                                                    (x .< 0.5, { $0 < 0.5 })]
        for (i, (mask, ref)) in cases.enumerated() {
            #expect(mask.dtype == dtype && mask.shape == [5, 6])
            #expect(mask.doubles == xv.map { ref($0) ? 1 : 0 }, "case \(i)")
        }
        #expect(xv.contains(1) && xv.contains(0) && xv.contains(-1), "the data must contain ties")
    }

    @Test("where picks from a or b by a mask, broadcasting all three", arguments: floatTypes, Layout.allCases)
    func whereOp(dtype: DType, layout: Layout) {
        let (a, av) = operand(layout, 4, 5, dtype: dtype, seed: 1)
        let (b, bv) = operand(.transposed, 4, 5, dtype: dtype, seed: 2)
        let (c, cv) = operand(.sliced, 4, 5, dtype: dtype, seed: 3)
        let mask = c .> 0
        let y = Tensor.where(mask, a, b)
        #expect(y.dtype == dtype)
        expectClose(y, (0..<20).map { cv[$0] > 0 ? av[$0] : bv[$0] }, shape: [4, 5], .exact)
        // A [4, 1] condition, a [4, 5] and a scalar b.
        let rowMask = Tensor(float64: [1, 0, 0, 1], shape: [4, 1], dtype: dtype)
        let z = Tensor.where(rowMask, a, Tensor(Float(-7), dtype: dtype))
        expectClose(z, (0..<20).map { [0, 3].contains($0 / 5) ? av[$0] : -7 }, shape: [4, 5], .exact)
        // A condition of another dtype (int64 labels compared, int32 values): nonzero selects a.
        let intMask = Tensor(integers: [0, 2, -1, 0], shape: [4, 1], dtype: .int32)
        let w = Tensor.where(intMask, a, b)
        expectClose(w, (0..<20).map { [1, 2].contains($0 / 5) ? av[$0] : bv[$0] }, shape: [4, 5], .exact)
    }

    @Test("maximum and minimum propagate NaN")
    func extremumNaN() {
        let a = Tensor([.nan, 1, 2, .nan]), b = Tensor([0, .nan, 3, .nan])
        #expect(Tensor.maximum(a, b).scalars.enumerated().allSatisfy { $0.offset == 2 ? $0.element == 3 : $0.element.isNaN })
        #expect(Tensor.minimum(a, b).scalars.enumerated().allSatisfy { $0.offset == 2 ? $0.element == 2 : $0.element.isNaN })
    }

    @Test("broadcasting: shapes align from the right; size-1 and missing dims repeat")
    func broadcasting() {
        // (3, 4) + (3, 1)
        let (a, av) = randomTensor([3, 4], seed: 1), (b, bv) = randomTensor([3, 1], seed: 2)
        expectClose(a + b, (0..<12).map { av[$0] + bv[$0 / 4] }, shape: [3, 4])
        // [3, 1, 4] op [2, 4] -> [3, 2, 4], for every binary case, float32 and float64
        for dtype in [DType.float32, .float64] {
            for (k, c) in binaryCases.enumerated() {
                var rng = TestRNG(seed: 40 + UInt64(k))
                let xv = rng.values(12, c.a.0, c.a.1, dtype: dtype).map { c.integral ? $0.rounded() : $0 }
                let yv = rng.values(8, c.b.0, c.b.1, dtype: dtype).map { c.integral ? $0.rounded() : $0 }
                let x = Tensor(float64: xv, shape: [3, 1, 4], dtype: dtype), y = Tensor(float64: yv, shape: [2, 4], dtype: dtype)
                let expected = zip(broadcastRead(xv, shape: [3, 1, 4], to: [3, 2, 4]), broadcastRead(yv, shape: [2, 4], to: [3, 2, 4])).map(c.ref)
                expectClose(c.op(x, y), expected, shape: [3, 2, 4], .of(dtype), "\(c.name) \(dtype) [3,1,4] vs [2,4]")
                let swapped = zip(broadcastRead(yv, shape: [2, 4], to: [3, 2, 4]), broadcastRead(xv, shape: [3, 1, 4], to: [3, 2, 4])).map(c.ref)
                expectClose(c.op(y, x), swapped, shape: [3, 2, 4], .of(dtype), "\(c.name) \(dtype) [2,4] vs [3,1,4]")
            }
        }
        // Both operands broadcast: [5, 1] - [1, 6]; a scalar tensor against a matrix.
        let (p, pv) = randomTensor([5, 1], seed: 3), (q, qv) = randomTensor([1, 6], seed: 4)
        expectClose(p - q, (0..<30).map { pv[$0 / 6] - qv[$0 % 6] }, shape: [5, 6])
        expectClose(Tensor(Float(2), dtype: .float64) * q, qv.map { 2 * $0 }, shape: [1, 6])
        // A transposed operand broadcast against a row.
        let (m, mv) = randomTensor([6, 5], seed: 5)
        let scaled: [Double] = (0..<30).map { (e: Int) -> Double in
            let i = e / 6, j = e % 6
            return mv[j * 5 + i] / Double(1 << j)
        }
        expectClose(m.T / Tensor(float64: [1, 2, 4, 8, 16, 32]), scaled, shape: [5, 6])
    }

    @Test("golden: (32, 1, 768) + (512, 768) broadcasts to (32, 512, 768)")
    func broadcastGolden() {
        let a = Tensor.randn([32, 1, 768], generator: seeded(1)), b = Tensor.randn([512, 768], generator: seeded(2))
        let c = a + b
        #expect(c.shape == [32, 512, 768] && c.count == 12_582_912)
        let av = a.doubles, bv = b.doubles
        for (i, j, k) in [(0, 0, 0), (31, 511, 767), (5, 100, 300), (17, 3, 766), (30, 510, 1)] {
            let got = Double(c[i, j, k].item())
            #expect(got == Double(Float(av[i * 768 + k] + bv[j * 768 + k])), "c[\(i), \(j), \(k)]")
        }
    }

    @Test("sigmoid is stable at ±1000 and exact in the tails", arguments: floatTypes)
    func sigmoidStable(dtype: DType) {
        let y = Tensor(float64: [-1000, -100, 0, 100, 1000, -.infinity, .infinity], dtype: dtype).sigmoid().doubles
        #expect(!y.contains { $0.isNaN })
        #expect(y[0] == 0 && y[2] == 0.5 && y[3] == 1 && y[4] == 1 && y[5] == 0 && y[6] == 1)
        #expect(y[1] > 0 && y[1] < 1e-43)
        #expect(Tensor(float64: [.nan], dtype: dtype).sigmoid().doubles[0].isNaN)
        // float64 over the whole range where exp(-|x|) is representable: exp(x) / (1 + exp(x)) for x < 0.
        if dtype == .float64 {
            let xs = stride(from: -740.0, through: 40, by: 0.37).map { $0 }
            let ref = xs.map { $0 < 0 ? Foundation.exp($0) / (1 + Foundation.exp($0)) : 1 / (1 + Foundation.exp(-$0)) }
            expectClose(Tensor(float64: xs).sigmoid(), ref, Tolerance(rtol: 1e-13, atol: 0), "float64 sigmoid tails")
        }
    }

    @Test("vectorized exp (st_vexp_f32) and its reference twin vs float64 exp on -110...90, NaN and ±inf")
    func vectorizedExp() {
        var xs: [Float] = stride(from: -110, through: 90, by: 0.001).map { Float($0) }
        xs += [.nan, .infinity, -.infinity, 0, -0.0, Float.leastNormalMagnitude, 88.72, 88.73, -87.33, -103.9, -104.1]
        xs.append(1.5) // an odd count exercises the tail of the vector loop
        let n = xs.count
        var vec = [Float](repeating: -1, count: n), ref = [Float](repeating: -1, count: n)
        // The best ISA's kernel by name: other tests may switch the active ISA while this one runs.
        #expect(st_vexp_f32_isa(st_isa_best(), Int64(n), xs, &vec) == ST_OK)
        st_vexp_f32_ref(Int64(n), xs, &ref)
        let maxFloat = Double(Float.greatestFiniteMagnitude), minNormal = Double(Float.leastNormalMagnitude)
        for (name, out) in [("st_vexp_f32_isa(best)", vec), ("st_vexp_f32_ref", ref)] {
            var failures: [String] = []
            var worst = 0.0
            for i in 0..<n {
                let x = xs[i], got = Double(out[i])
                let ok: Bool
                if x.isNaN {
                    ok = got.isNaN
                } else {
                    let e = Foundation.exp(Double(x))
                    if e > maxFloat * (1 + 2e-7) {
                        ok = got == .infinity
                    } else if e >= maxFloat * (1 - 2e-7) {
                        ok = got == .infinity || Swift.abs(got - e) <= 2e-7 * e // at the overflow threshold either is right
                    } else if e < minNormal {
                        ok = got >= 0 && Swift.abs(got - e) <= 2e-7 * e + 1.5e-45 // subnormal: about one spacing
                    } else {
                        let rel = Swift.abs(got - e) / e
                        worst = Swift.max(worst, rel)
                        ok = rel <= 2e-7
                    }
                }
                if !ok && failures.count < 5 { failures.append("exp(\(x)) = \(got)") }
            }
            #expect(failures.isEmpty, "\(name): \(failures)")
            #expect(worst > 0 && worst <= 2e-7, "\(name): worst relative error \(worst)")
        }
        // Tensor.exp on contiguous float32 runs the same kernels (split into chunks and threads). Each
        // element must equal one of them bit for bit: the GEMM tests may switch the ISA meanwhile.
        let t = Tensor(xs).exp().scalars
        let same = (0..<n).filter { i in
            t[i].bitPattern == vec[i].bitPattern || t[i].bitPattern == ref[i].bitPattern || (t[i].isNaN && xs[i].isNaN)
        }
        #expect(same.count == n, "\(n - same.count) elements of Tensor.exp differ from both kernels")
    }

    @Test("integer tensors: arithmetic, comparisons, unary ops are exact")
    func integerTensors() {
        let big = 1 << 40
        let a = Tensor(integers: [big + 1, -5, 7, 0]), b = Tensor(integers: [1, 5, -9, 0])
        #expect((a + b).dtype == .int64 && (a + b).integers == [big + 2, 0, -2, 0])
        #expect((a - b).integers == [big, -10, 16, 0] && (a * b).integers == [big + 1, -25, -63, 0])
        #expect((a .< b).integers == [0, 1, 0, 0] && (a .== b).integers == [0, 0, 0, 1] && (a .>= b).integers == [1, 0, 1, 1])
        #expect(Tensor.maximum(a, b).integers == [big + 1, 5, 7, 0])
        #expect((-a).integers == [-big - 1, 5, -7, 0] && a.abs().integers == [big + 1, 5, 7, 0])
        #expect(a.relu().integers == [big + 1, 0, 7, 0] && b.square().integers == [1, 25, 81, 0] && b.sign().integers == [1, 1, -1, 0])
        #expect((a + 2).integers == [big + 3, -3, 9, 2] && (a * 3).integers == [3 * big + 3, -15, 21, 0] && (10 - b).integers == [9, 5, 19, 10])
        #expect((a .> 0).integers == [1, 0, 1, 0])
        #expect(a.clamp(min: -1, max: 6).integers == [6, -1, 6, 0])
        #expect(a.clamp(min: 0).integers == [big + 1, 0, 7, 0])
        #expect(a.clamp(max: 6).integers == [6, -5, 6, 0])
        let i32 = Tensor(integers: [3, -4, 2_000_000_000], dtype: .int32)
        #expect((i32 + Tensor(integers: [1, 1, 1], dtype: .int32)).integers == [4, -3, 2_000_000_001])
        #expect(i32.clamp(min: 0).integers == [3, 0, 2_000_000_000] && i32.clamp(max: 0).integers == [0, -4, 0])
        // Broadcasting and strided integer operands.
        let m = Tensor(integers: [1, 2, 3, 4, 5, 6], shape: [2, 3])
        #expect((m.T + Tensor(integers: [10, 20])).integers == [11, 24, 12, 25, 13, 26])
        #expect(Tensor.where(m .> 3, m, Tensor(integers: [0])).integers == [0, 0, 0, 4, 5, 6])
        #expect(m.sum().integers == [21] && m.sum(dim: 0).integers == [5, 7, 9] && m.max().integers == [6])
    }

    @Test("integer division traps instead of truncating")
    func integerDivisionTraps() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor(integers: [4, 6]) / Tensor(integers: [2, 3])
        }
        #expect(standardError(result).contains("div: not supported for integer tensors (int64); convert with .to(.float32)"))
        let scalar = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor(integers: [4, 6]) / 2
        }
        #expect(standardError(scalar).contains("div: not supported for integer tensors (int64); convert with .to(.float32)"))
    }

    @Test("a fractional scalar with an integer tensor traps instead of being truncated")
    func integerFractionalScalarTraps() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor(integers: [0, 1]) .< 0.5
        }
        #expect(standardError(result).contains("lt: the scalar 0.5 is not a whole number, and int64 tensors compute in integers"))
        let mean = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor(integers: [2, 4]).mean()
        }
        #expect(standardError(mean).contains("mul: the scalar 0.5 is not a whole number"))
    }

    @Test("a large tensor (2^20 + 3 elements) split across threads matches float64", arguments: floatTypes)
    func largeTensor(dtype: DType) {
        let n = (1 << 20) + 3
        let (a, av) = randomTensor([n], dtype: dtype, seed: 61), (b, bv) = randomTensor([n], dtype: dtype, seed: 62)
        expectClose(a + b, zip(av, bv).map(+), shape: [n], .of(dtype), "contiguous add")
        expectClose((a * b).exp(), zip(av, bv).map { Foundation.exp($0 * $1) }, shape: [n], .of(dtype), "mul then exp")
        // Strided (transposed) and broadcast operands take the general row loop.
        let rows = 1024, cols = 1025
        let (m, mv) = randomTensor([cols, rows], dtype: dtype, seed: 63), (r, rv) = randomTensor([cols], dtype: dtype, seed: 64)
        let expected = (0..<(rows * cols)).map { e in mv[(e % cols) * rows + e / cols] - rv[e % cols] }
        expectClose(m.T - r, expected, shape: [rows, cols], .of(dtype), "transposed minus row")
        // One long row cut into chunks.
        let (long, lv) = randomTensor([1, n], dtype: dtype, seed: 65)
        expectClose(long.T.sigmoid(), lv.map { 1 / (1 + Foundation.exp(-$0)) }, shape: [n, 1], .of(dtype), "long row")
    }
}
