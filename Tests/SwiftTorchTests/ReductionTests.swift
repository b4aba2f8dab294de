// Reductions (sum, mean, max, min, argmax, argmin, variance) over single dims, dim lists, all dims,
// keepDims, non-contiguous inputs, against float64 references; accuracy of large float32 sums;
// softmax and logSoftmax.
import Foundation
import Testing
@testable import SwiftTorch

@Suite("Reductions and softmax")
struct ReductionTests {
    @Test("golden: [[1, 2, 3], [4, 5, 6]]")
    func golden() {
        let x = Tensor([[1, 2, 3], [4, 5, 6]])
        #expect(x.sum(dim: 0).scalars == [5, 7, 9] && x.sum(dim: 0).shape == [3])
        #expect(x.sum(dim: 1).scalars == [6, 15])
        #expect(x.sum().shape == [] && x.sum().item() == 21)
        #expect(Swift.abs(x.mean().item() - 3.5) < 1e-6 && x.mean(dim: 0).scalars == [2.5, 3.5, 4.5])
        #expect(x.max(dim: 1).scalars == [3, 6] && x.min(dim: 0).scalars == [1, 2, 3] && x.max().item() == 6)
        #expect(x.argmax(dim: 1).integers == [2, 2] && x.argmin(dim: 0).integers == [0, 0, 0])
        #expect(x.argmax().integers == [5] && x.argmax().dtype == .int64)
        #expect(x.variance(dim: 1).scalars == [1, 1] && Swift.abs(x.variance().item() - 3.5) < 1e-6)
        #expect(Swift.abs(x.variance(correction: 0).itemDouble() - 17.5 / 6) < 1e-6)
        #expect(x.sum(dim: 1, keepDim: true).shape == [2, 1] && x.sum(dims: [0, 1], keepDims: true).shape == [1, 1])
        #expect(x.sum(dims: [-1]).scalars == [6, 15] && x.sum(dim: nil).item() == 21)
    }

    /// The dim lists checked on a rank-3 tensor: singles (one negative), adjacent and non-adjacent pairs, all.
    static let dimLists: [[Int]?] = [[0], [1], [-1], [0, 1], [1, 2], [0, 2], [2, 0], [0, 1, 2], nil]

    @Test("sum, mean, max, min, variance over dims vs float64, contiguous and permuted",
          arguments: [DType.float32, .float64], [false, true])
    func reductionsMatchReference(dtype: DType, permutedInput: Bool) {
        // x: [3, 4, 5], either contiguous or a permuted view of a [5, 3, 4] tensor.
        let (base, bv) = randomTensor(permutedInput ? [5, 3, 4] : [3, 4, 5], dtype: dtype, seed: 31, low: -2, high: 2)
        let x = permutedInput ? base.permute(1, 2, 0) : base
        let xv = permutedInput ? permuted(bv, shape: [5, 3, 4], order: [1, 2, 0]) : bv
        #expect(x.shape == [3, 4, 5] && x.isContiguous != permutedInput)
        let tol = Tolerance.of(dtype)
        for dims in Self.dimLists {
            let set = Set((dims ?? [0, 1, 2]).map { $0 < 0 ? $0 + 3 : $0 })
            for keep in [false, true] {
                let keptShape = (0..<3).map { set.contains($0) ? 1 : x.shape[$0] }
                func check(_ name: String, _ t: Tensor, _ combine: ([Double]) -> Double) {
                    let (shape, expected) = referenceReduce(xv, shape: [3, 4, 5], dims: set, combine)
                    expectClose(t, expected, shape: keep ? keptShape : shape, tol, "\(name) dims \(String(describing: dims)) keep \(keep)")
                    #expect(t.dtype == dtype)
                }
                check("sum", x.sum(dims: dims, keepDims: keep)) { $0.reduce(0, +) }
                check("mean", x.mean(dims: dims, keepDims: keep)) { mean($0) }
                check("max", x.max(dims: dims, keepDims: keep)) { $0.max()! }
                check("min", x.min(dims: dims, keepDims: keep)) { $0.min()! }
                check("variance", x.variance(dims: dims, keepDims: keep)) { sampleVariance($0) }
                check("variance(correction: 0)", x.variance(dims: dims, keepDims: keep, correction: 0)) { v in
                    let m = mean(v)
                    return v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count)
                }
            }
        }
        // A rank-4 tensor with non-adjacent dims [0, 2] and [1, 3].
        let (y, yv) = randomTensor([2, 3, 4, 5], dtype: dtype, seed: 32)
        for dims in [[0, 2], [1, 3], [0, 3], [0, 1, 3]] {
            let (shape, expected) = referenceReduce(yv, shape: [2, 3, 4, 5], dims: Set(dims)) { $0.reduce(0, +) }
            expectClose(y.sum(dims: dims), expected, shape: shape, tol, "rank-4 sum \(dims)")
            let (_, maxes) = referenceReduce(yv, shape: [2, 3, 4, 5], dims: Set(dims)) { $0.max()! }
            expectClose(y.max(dims: dims), maxes, shape: shape, tol, "rank-4 max \(dims)")
        }
    }

    @Test("sums over leading and trailing dims at once ([N, C, H, W] over [0, 2, 3]: a bias gradient), every dtype",
          arguments: [DType.float32, .float64, .int32, .int64])
    func sumOuterAndInnerDims(dtype: DType) {
        let x = randomTensor([4, 3, 5, 20], dtype: dtype, seed: 77, low: -50, high: 50).0
        let xv = x.to(.float64).doubles // the stored values (integer dtypes keep whole numbers)
        let tol = Tolerance.of(dtype)
        // [0, 2, 3], [0, 3] and [0, 1, 3] take the [A, K, B] path; [0, 2] does not end at the last dim.
        for dims in [[0, 2, 3], [0, 3], [0, 1, 3], [0, 2]] {
            let (shape, expected) = referenceReduce(xv, shape: [4, 3, 5, 20], dims: Set(dims)) { $0.reduce(0, +) }
            expectClose(x.sum(dims: dims), expected, shape: shape, tol, "\(dtype) sum \(dims)")
            let kept = (0..<4).map { dims.contains($0) ? 1 : x.shape[$0] }
            expectClose(x.sum(dims: dims, keepDims: true), expected, shape: kept, tol, "\(dtype) sum \(dims) keepDims")
        }
        // One kept channel ([N, 1, H, W]: the size-1 dim leaves [0, 2, 3] one block, a single reduction).
        let one = randomTensor([4, 1, 5, 20], dtype: dtype, seed: 79, low: -50, high: 50).0
        let oneValues = one.to(.float64).doubles
        expectClose(one.sum(dims: [0, 2, 3]), [oneValues.reduce(0, +)], shape: [1], tol, "\(dtype) sum over [0, 2, 3] with one channel")
        expectClose(one.max(dims: [0, 2, 3]), [oneValues.max()!], shape: [1], tol, "\(dtype) max over [0, 2, 3] with one channel")
        // Large enough for two threads (they split K): the same bits as one thread, and the float64 sum.
        if dtype == .float32 {
            let (g, gv) = randomTensor([64, 6, 28, 28], dtype: .float32, seed: 78)
            let one = Kernels.withThreads(1) { g.sum(dims: [0, 2, 3]).scalars }
            let two = Kernels.withThreads(2) { g.sum(dims: [0, 2, 3]).scalars }
            #expect(one.map(\.bitPattern) == two.map(\.bitPattern))
            let (_, expected) = referenceReduce(gv, shape: [64, 6, 28, 28], dims: [0, 2, 3]) { $0.reduce(0, +) }
            let (_, magnitude) = referenceReduce(gv, shape: [64, 6, 28, 28], dims: [0, 2, 3]) { $0.reduce(0) { $0 + abs($1) } }
            for ((got, want), m) in zip(zip(one, expected), magnitude) {
                // float32 lanes inside each row of 784, float64 across rows: the float32 rounding is of the order
                // of ε·Σ|x| (typically far less); 1e-7·Σ|x| (~2.5e-3 here) bounds it for these data
                #expect(abs(Double(got) - want) <= 1e-7 * m + 1e-6 * abs(want), "\(got) vs \(want)")
            }
        }
    }

    @Test("argmax and argmin: first index on ties, along any dim, flattened, keepDim", arguments: [false, true])
    func argExtremes(transposedInput: Bool) {
        // Small integers so ties are common.
        let (x, xv) = operand(transposedInput ? .transposed : .contiguous, 6, 7, dtype: .float32, seed: 5, low: -2, high: 2, integral: true)
        func firstIndex(_ v: [Double], _ better: (Double, Double) -> Bool) -> Double {
            var best = 0
            for i in v.indices where better(v[i], v[best]) { best = i }
            return Double(best)
        }
        for dim in [0, 1, -1] {
            let d = dim < 0 ? dim + 2 : dim
            let (shape, amax) = referenceReduce(xv, shape: [6, 7], dims: [d]) { firstIndex($0, >) }
            let (_, amin) = referenceReduce(xv, shape: [6, 7], dims: [d]) { firstIndex($0, <) }
            let gotMax = x.argmax(dim: dim), gotMin = x.argmin(dim: dim)
            #expect(gotMax.dtype == .int64 && gotMax.shape == shape)
            #expect(gotMax.doubles == amax && gotMin.doubles == amin, "dim \(dim)")
            #expect(x.argmax(dim: dim, keepDim: true).shape == (d == 0 ? [1, 7] : [6, 1]))
        }
        #expect(x.argmax().shape == [] && x.argmax().doubles == [firstIndex(xv, >)])
        #expect(x.argmin().doubles == [firstIndex(xv, <)])
        #expect(Tensor([3, 1, 3, 1]).argmax().integers == [0] && Tensor([3, 1, 3, 1]).argmin().integers == [1])
        // NaN is the answer of max and argmax.
        #expect(Tensor([1, .nan, 5]).argmax().integers == [1] && Tensor([1, .nan, 5]).max().item().isNaN)
    }

    @Test("large float32 sums keep float64 accuracy")
    func largeSums() {
        let expected = 10_000_000 * Double(Float(0.1))
        let total = Tensor.full([10_000_000], 0.1).sum().itemDouble()
        #expect(Swift.abs(total - expected) / expected < 1e-6, "sum of 10M × 0.1 = \(total)")
        // Per row (the chunked row path) and per column (a tall reduction over the middle axis).
        let rows = Tensor.full([8, 200_000], 0.1).sum(dim: 1).doubles
        let cols = Tensor.full([200_000, 8], 0.1).sum(dim: 0).doubles
        let expected2 = 200_000 * Double(Float(0.1))
        #expect(rows.allSatisfy { Swift.abs($0 - expected2) / expected2 < 1e-6 }, "row sums \(rows[0])")
        #expect(cols.allSatisfy { Swift.abs($0 - expected2) / expected2 < 1e-6 }, "column sums \(cols[0])")
        #expect(Swift.abs(Tensor.full([300_000, 3], 0.1).mean(dim: 0).doubles[1] - Double(Float(0.1))) < 1e-7)
        // Random data with cancellation, against a float64 sum of the same float32 values.
        let (r, rv) = randomTensor([1000, 1000], dtype: .float32, seed: 8)
        var columnSums = [Double](repeating: 0, count: 1000)
        for (e, v) in rv.enumerated() { columnSums[e % 1000] += v }
        #expect(Swift.abs(r.sum().itemDouble() - columnSums.reduce(0, +)) < 1e-3)
        expectClose(r.sum(dim: 0), columnSums, Tolerance(rtol: 1e-6, atol: 1e-5), "column sums of random data")
    }

    @Test("softmax goldens: [1, 2, 3], shifted by 1000 without NaN; logSoftmax [50, 100, 150]",
          arguments: [DType.float32, .float64])
    func softmaxGolden(dtype: DType) {
        let golden = [0.090031, 0.244728, 0.665241]
        let tol = Tolerance(rtol: 0, atol: 1e-6)
        expectClose(Tensor(float64: [1, 2, 3], dtype: dtype).softmax(), golden, tol)
        let shifted = Tensor(float64: [1000, 1001, 1002], dtype: dtype).softmax()
        #expect(!shifted.doubles.contains { $0.isNaN })
        expectClose(shifted, golden, tol)
        expectClose(SwiftTorch.softmax(Tensor(float64: [-1000, -999, -998], dtype: dtype)), golden, tol)
        expectClose(Tensor(float64: [50, 100, 150], dtype: dtype).logSoftmax(), [-100, -50, 0], Tolerance(rtol: 0, atol: 1e-5))
        expectClose(SwiftTorch.logSoftmax(Tensor(float64: [1, 2, 3], dtype: dtype)), golden.map { Foundation.log($0) },
                    Tolerance(rtol: 0, atol: 1e-5))
        // A masked (-inf) entry gets probability 0.
        expectClose(Tensor(float64: [0, -.infinity, 0], dtype: dtype).softmax(), [0.5, 0, 0.5], .of(dtype))
        #expect(Tensor(Float(3), dtype: dtype).softmax().doubles == [1] && Tensor(Float(3), dtype: dtype).logSoftmax().doubles == [0])
    }

    /// Softmax of `values` along `dim` of `shape` in float64.
    func referenceSoftmax(_ values: [Double], shape: [Int], dim: Int, log: Bool) -> [Double] {
        let (_, maxes) = referenceReduce(values, shape: shape, dims: [dim]) { $0.max()! }
        let (_, sums) = referenceReduce(values, shape: shape, dims: [dim]) { v in
            let m = v.max()!
            return v.reduce(0) { $0 + Foundation.exp($1 - m) }
        }
        let keptShape = shape.enumerated().filter { $0.offset != dim }.map(\.element)
        return values.indices.map { e in
            var idx = multiIndex(e, shape)
            idx.remove(at: dim)
            let k = flatIndex(idx, keptShape)
            let z = values[e] - maxes[k]
            return log ? z - Foundation.log(sums[k]) : Foundation.exp(z) / sums[k]
        }
    }

    @Test("softmax and logSoftmax along every dim, contiguous and transposed, rows sum to 1",
          arguments: [DType.float32, .float64])
    func softmaxAlongDims(dtype: DType) {
        let (x, xv) = randomTensor([3, 4, 37], dtype: dtype, seed: 12, low: -5, high: 5)
        for dim in [0, 1, 2, -1] {
            let d = dim < 0 ? dim + 3 : dim
            let s = x.softmax(dim: dim)
            expectClose(s, referenceSoftmax(xv, shape: [3, 4, 37], dim: d, log: false), shape: [3, 4, 37], .of(dtype), "softmax dim \(dim)")
            expectClose(x.logSoftmax(dim: dim), referenceSoftmax(xv, shape: [3, 4, 37], dim: d, log: true), shape: [3, 4, 37],
                        .of(dtype), "logSoftmax dim \(dim)")
            let (_, sums) = referenceReduce(s.doubles, shape: [3, 4, 37], dims: [d]) { $0.reduce(0, +) }
            #expect(sums.allSatisfy { Swift.abs($0 - 1) < 1e-5 }, "rows along dim \(dim) sum to 1")
        }
        // 2-D along dim 0, and a transposed (non-contiguous) input.
        let (m, mv) = randomTensor([5, 6], dtype: dtype, seed: 13, low: -3, high: 3)
        expectClose(m.softmax(dim: 0), referenceSoftmax(mv, shape: [5, 6], dim: 0, log: false), shape: [5, 6], .of(dtype))
        let mt = transposed(mv, rows: 5, cols: 6)
        expectClose(m.T.softmax(), referenceSoftmax(mt, shape: [6, 5], dim: 1, log: false), shape: [6, 5], .of(dtype))
        expectClose(m.T.logSoftmax(dim: 0), referenceSoftmax(mt, shape: [6, 5], dim: 0, log: true), shape: [6, 5], .of(dtype))
        // A long row (vector exp and 16-lane sum) of 1000 classes.
        let (l, lv) = randomTensor([2, 1000], dtype: dtype, seed: 14, low: -20, high: 20)
        expectClose(l.softmax(), referenceSoftmax(lv, shape: [2, 1000], dim: 1, log: false), .of(dtype), "1000 classes")
        expectClose(l.logSoftmax(), referenceSoftmax(lv, shape: [2, 1000], dim: 1, log: true), .of(dtype), "1000 classes, log")
        // The portable row kernel (the SIMD one's reference twin) on the same rows.
        Kernels.withISA(.scalar) {
            expectClose(l.softmax(), referenceSoftmax(lv, shape: [2, 1000], dim: 1, log: false), .of(dtype), "scalar ISA")
            expectClose(l.logSoftmax(), referenceSoftmax(lv, shape: [2, 1000], dim: 1, log: true), .of(dtype), "scalar ISA, log")
        }
    }

    @Test("float32 softmax rows of every length 1...70 (vector bodies and tails) vs float64, with large offsets")
    func softmaxRowLengths() {
        for n in 1...70 {
            let (x, xv) = randomTensor([3, n], dtype: .float32, seed: UInt64(100 + n), low: -30, high: 30)
            let shifted = x + Tensor([Float](repeating: 500, count: n)) // the max is subtracted first
            let sv = xv.map { Double(Float($0) + 500) }
            expectClose(shifted.softmax(), referenceSoftmax(sv, shape: [3, n], dim: 1, log: false), .float32, "softmax n=\(n)")
            expectClose(shifted.logSoftmax(), referenceSoftmax(sv, shape: [3, n], dim: 1, log: true), .float32, "logSoftmax n=\(n)")
        }
    }

    @Test("float32 softmax rows of 1...17 with -inf entries and a spread beyond exp's fast range")
    func softmaxShortRowsExtremes() {
        for n in 1...17 {
            // Row 0: one -inf; row 1: values 0, -100, -200, ... (exp underflows past -104); row 2: plain.
            var v = [Double]()
            for r in 0..<3 {
                for j in 0..<n {
                    switch r {
                    case 0: v.append(j == n / 2 && n > 1 ? -.infinity : Double(j % 5) - 2)
                    case 1: v.append(-100 * Double(j))
                    default: v.append(0.25 * Double(j * j % 7))
                    }
                }
            }
            let x = Tensor(v.map { Float($0) }, shape: [3, n])
            let p = x.softmax().scalars, lp = x.logSoftmax().scalars
            for r in 0..<3 {
                let row = Array(v[(r * n)..<((r + 1) * n)])
                let m = row.max()!, s = row.reduce(0) { $0 + Foundation.exp($1 - m) }
                for j in 0..<n {
                    let want = Foundation.exp(row[j] - m) / s, wantLog = row[j] - m - Foundation.log(s)
                    #expect(abs(Double(p[r * n + j]) - want) <= 1e-6 * max(want, 1e-30) + 1e-38, "n=\(n) row \(r) softmax[\(j)] = \(p[r * n + j]), want \(want)")
                    if wantLog.isInfinite { #expect(lp[r * n + j] == -.infinity, "n=\(n) row \(r) logSoftmax[\(j)] = \(lp[r * n + j])") }
                    else { #expect(abs(Double(lp[r * n + j]) - wantLog) <= 1e-5 * max(1, abs(wantLog)), "n=\(n) row \(r) logSoftmax[\(j)] = \(lp[r * n + j]), want \(wantLog)") }
                }
            }
        }
    }
}
