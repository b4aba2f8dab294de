// Matrix products: golden values, 1-D and batched cases with broadcast batch dims, transposed and
// strided operands, float32 (SGEMM) and float64 (DGEMM), the [B, T, C] @ [C, D] fold, linear layers.
// Every result is checked against a float64 triple loop.
import Foundation
import Testing
@testable import SwiftTorch

/// Float64 batched product with NumPy broadcasting of the batch dims: a [..., M, K] @ b [..., K, N].
func referenceBatchedMatmul(_ av: [Double], _ aShape: [Int], _ bv: [Double], _ bShape: [Int]) -> ([Int], [Double]) {
    let m = aShape[aShape.count - 2], k = aShape[aShape.count - 1], n = bShape[bShape.count - 1]
    let aBatch = Array(aShape.dropLast(2)), bBatch = Array(bShape.dropLast(2))
    let r = max(aBatch.count, bBatch.count)
    let pa = [Int](repeating: 1, count: r - aBatch.count) + aBatch, pb = [Int](repeating: 1, count: r - bBatch.count) + bBatch
    let batch = zip(pa, pb).map { max($0, $1) }
    let ea = broadcastRead(av, shape: aShape, to: batch + [m, k]), eb = broadcastRead(bv, shape: bShape, to: batch + [k, n])
    var out: [Double] = []
    for i in 0..<batch.reduce(1, *) {
        out += referenceMatmul(Array(ea[(i * m * k)..<((i + 1) * m * k)]), Array(eb[(i * k * n)..<((i + 1) * k * n)]), m: m, k: k, n: n)
    }
    return (batch + [m, n], out)
}

/// Tolerance of a product with inner size k (values in [-1, 1]).
func matmulTolerance(_ dtype: DType, k: Int) -> Tolerance {
    dtype == .float64 ? Tolerance(rtol: 1e-12, atol: 1e-13 * Double(k)) : Tolerance(rtol: 1e-5, atol: 2e-7 * Double(k))
}

@Suite("Matrix products")
struct MatmulTests {
    static let floatTypes: [DType] = [.float32, .float64]

    @Test("golden: A·Bᵀ", arguments: floatTypes)
    func golden(dtype: DType) {
        let a = Tensor([[1, -1, 3], [2, 3, 3], [-2, 0, 2]], dtype: dtype)
        let b = Tensor([[7, -1, 4], [-2, 0, 0], [0, -3, -1]], dtype: dtype)
        let expected: [Double] = [20, -2, 0, 23, -4, -12, -6, 4, -2]
        #expect(matmul(a, b.T).doubles == expected && matmul(a, b.T).shape == [3, 3])
        #expect(a.matmul(b.transpose(0, 1)).doubles == expected)
        // B·Aᵀ is the transpose.
        #expect(matmul(b, a.T).doubles == transposed(expected, rows: 3, cols: 3))
    }

    @Test("2-D products of every layout pair (contiguous, transposed, row-strided, column-strided)",
          arguments: floatTypes)
    func layouts(dtype: DType) {
        let m = 7, k = 13, n = 5
        var rng = TestRNG(seed: 99)
        let av = rng.values(m * k, dtype: dtype), bv = rng.values(k * n, dtype: dtype)
        let expected = referenceMatmul(av, bv, m: m, k: k, n: n)
        func layouts(_ v: [Double], _ rows: Int, _ cols: Int) -> [(String, Tensor)] {
            let plain = Tensor(float64: v, shape: [rows, cols], dtype: dtype)
            let t = Tensor(float64: transposed(v, rows: rows, cols: cols), shape: [cols, rows], dtype: dtype).T
            // Rows padded to cols + 3: a leading dimension larger than the row.
            let padded = Tensor.zeros([rows, cols + 3], dtype: dtype)
            padded[.all, 1...cols] = plain
            // Every other column of a wider matrix: needs a copy.
            let wide = Tensor.zeros([rows, 2 * cols], dtype: dtype)
            wide[.all, .slice(0, nil, step: 2)] = plain
            return [("contiguous", plain), ("transposed", t), ("padded", padded[.all, 1...cols]),
                    ("strided", wide[.all, .slice(0, nil, step: 2)])]
        }
        for (na, a) in layouts(av, m, k) {
            for (nb, b) in layouts(bv, k, n) {
                #expect(a.doubles == av && b.doubles == bv)
                expectClose(matmul(a, b), expected, shape: [m, n], matmulTolerance(dtype, k: k), "\(na) @ \(nb)")
            }
        }
    }

    @Test("1-D operands: vector·vector, vector·matrix, matrix·vector, vector·batch", arguments: floatTypes)
    func oneDimensional(dtype: DType) {
        let (v, vv) = randomTensor([6], dtype: dtype, seed: 1), (w, wv) = randomTensor([6], dtype: dtype, seed: 2)
        let (m, mv) = randomTensor([6, 4], dtype: dtype, seed: 3), (p, pv) = randomTensor([3, 6], dtype: dtype, seed: 4)
        let tol = matmulTolerance(dtype, k: 6)
        expectClose(matmul(v, w), [zip(vv, wv).map(*).reduce(0, +)], shape: [], tol, "[6] @ [6]")
        expectClose(matmul(v, m), referenceMatmul(vv, mv, m: 1, k: 6, n: 4), shape: [4], tol, "[6] @ [6, 4]")
        expectClose(matmul(p, v), referenceMatmul(pv, vv, m: 3, k: 6, n: 1), shape: [3], tol, "[3, 6] @ [6]")
        let (bt, btv) = randomTensor([2, 6, 4], dtype: dtype, seed: 5)
        let perBatch = (0..<2).flatMap { referenceMatmul(vv, Array(btv[($0 * 24)..<(($0 + 1) * 24)]), m: 1, k: 6, n: 4) }
        expectClose(matmul(v, bt), perBatch, shape: [2, 4], tol, "[6] @ [2, 6, 4]")
        let (ba, bav) = randomTensor([2, 3, 6], dtype: dtype, seed: 6)
        expectClose(matmul(ba, v), referenceMatmul(bav, vv, m: 6, k: 6, n: 1), shape: [2, 3], tol, "[2, 3, 6] @ [6]")
        // A strided vector.
        let (long, lv) = randomTensor([12], dtype: dtype, seed: 7)
        let evens = (0..<6).map { lv[2 * $0] }
        expectClose(matmul(long[.slice(0, nil, step: 2)], m), referenceMatmul(evens, mv, m: 1, k: 6, n: 4), shape: [4], tol)
    }

    @Test("batched products broadcast batch dims: [2, 1, 3, 4] @ [5, 4, 6] -> [2, 5, 3, 6]", arguments: floatTypes)
    func batched(dtype: DType) {
        let cases: [([Int], [Int])] = [([2, 1, 3, 4], [5, 4, 6]), ([5, 4, 6], [2, 1, 6, 3]), ([3, 2, 5], [3, 5, 4]),
                                       ([1, 2, 5], [3, 1, 5, 4]), ([4, 3, 5], [5, 2]), ([3, 5], [4, 5, 2])]
        for (i, (sa, sb)) in cases.enumerated() {
            let (a, av) = randomTensor(sa, dtype: dtype, seed: 10 + UInt64(i)), (b, bv) = randomTensor(sb, dtype: dtype, seed: 20 + UInt64(i))
            let (shape, expected) = referenceBatchedMatmul(av, sa, bv, sb)
            expectClose(matmul(a, b), expected, shape: shape, matmulTolerance(dtype, k: sa.last!), "\(sa) @ \(sb)")
        }
        let r = matmul(Tensor.zeros([2, 1, 3, 4], dtype: dtype), Tensor.zeros([5, 4, 6], dtype: dtype))
        #expect(r.shape == [2, 5, 3, 6])
    }

    @Test("batched products of transposed and permuted operands", arguments: floatTypes)
    func batchedNonContiguous(dtype: DType) {
        // a: [3, 4, 5] as a permuted view of [4, 3, 5] (batch stride 5, row stride 15).
        let (abase, abv) = randomTensor([4, 3, 5], dtype: dtype, seed: 41)
        let a = abase.permute(1, 0, 2), av = permuted(abv, shape: [4, 3, 5], order: [1, 0, 2])
        // b: [3, 5, 2] as the transpose of [3, 2, 5].
        let (bbase, bbv) = randomTensor([3, 2, 5], dtype: dtype, seed: 42)
        let b = bbase.transpose(1, 2), bv = permuted(bbv, shape: [3, 2, 5], order: [0, 2, 1])
        let (shape, expected) = referenceBatchedMatmul(av, [3, 4, 5], bv, [3, 5, 2])
        expectClose(matmul(a, b), expected, shape: shape, matmulTolerance(dtype, k: 5), "permuted @ transposed")
        // [B, T, C] @ [C, D]: folded into one GEMM when a is contiguous, batched otherwise; b transposed.
        let (x, xv) = randomTensor([4, 6, 8], dtype: dtype, seed: 43), (wt, wtv) = randomTensor([3, 8], dtype: dtype, seed: 44)
        let (foldShape, foldExpected) = referenceBatchedMatmul(xv, [4, 6, 8], transposed(wtv, rows: 3, cols: 8), [8, 3])
        expectClose(matmul(x, wt.T), foldExpected, shape: foldShape, matmulTolerance(dtype, k: 8), "fold path")
        let xp = Tensor(float64: permuted(xv, shape: [4, 6, 8], order: [1, 0, 2]), shape: [6, 4, 8], dtype: dtype).permute(1, 0, 2)
        #expect(!xp.isContiguous && xp.doubles == xv)
        expectClose(matmul(xp, wt.T), foldExpected, shape: foldShape, matmulTolerance(dtype, k: 8), "non-contiguous [B, T, C]")
    }

    @Test("empty products: M = 0 gives an empty result, K = 0 gives zeros", arguments: floatTypes)
    func emptyProducts(dtype: DType) {
        #expect(matmul(Tensor.zeros([0, 3], dtype: dtype), Tensor.zeros([3, 4], dtype: dtype)).shape == [0, 4])
        let z = matmul(Tensor.ones([2, 0], dtype: dtype), Tensor.ones([0, 3], dtype: dtype))
        #expect(z.shape == [2, 3] && z.doubles == [0, 0, 0, 0, 0, 0])
    }

    @Test("a larger float32 product (SGEMM blocking) against float64")
    func largerProduct() {
        let (a, av) = randomTensor([67, 300], dtype: .float32, seed: 71), (b, bv) = randomTensor([300, 45], dtype: .float32, seed: 72)
        expectClose(matmul(a, b), referenceMatmul(av, bv, m: 67, k: 300, n: 45), shape: [67, 45], matmulTolerance(.float32, k: 300))
        expectClose(matmul(b.T, a.T), transposed(referenceMatmul(av, bv, m: 67, k: 300, n: 45), rows: 67, cols: 45),
                    shape: [45, 67], matmulTolerance(.float32, k: 300))
    }

    @Test("linear: x·W + b, with and without bias, on 2-D and 3-D input", arguments: floatTypes)
    func linearLayer(dtype: DType) {
        let (x, xv) = randomTensor([5, 7], dtype: dtype, seed: 81), (w, wv) = randomTensor([7, 3], dtype: dtype, seed: 82)
        let (b, bv) = randomTensor([3], dtype: dtype, seed: 83)
        let xw = referenceMatmul(xv, wv, m: 5, k: 7, n: 3)
        let tol = matmulTolerance(dtype, k: 7)
        expectClose(linear(x, weight: w, bias: b), xw.enumerated().map { $0.element + bv[$0.offset % 3] }, shape: [5, 3], tol)
        expectClose(linear(x, weight: w), xw, shape: [5, 3], tol)
        let x3 = x.reshape(1, 5, 7)
        expectClose(linear(x3, weight: w, bias: b), xw.enumerated().map { $0.element + bv[$0.offset % 3] }, shape: [1, 5, 3], tol)
    }

    @Test("two stacked linear layers equal one: W = W1·W2, b = b1·W2 + b2", arguments: floatTypes)
    func stackedLinears(dtype: DType) {
        let (x, _) = randomTensor([6, 5], dtype: dtype, seed: 91)
        let (w1, _) = randomTensor([5, 8], dtype: dtype, seed: 92), (b1, _) = randomTensor([8], dtype: dtype, seed: 93)
        let (w2, _) = randomTensor([8, 4], dtype: dtype, seed: 94), (b2, _) = randomTensor([4], dtype: dtype, seed: 95)
        let two = linear(linear(x, weight: w1, bias: b1), weight: w2, bias: b2)
        let one = linear(x, weight: matmul(w1, w2), bias: matmul(b1, w2) + b2)
        #expect(two.shape == [6, 4])
        expectClose(two, one.doubles, dtype == .float64 ? Tolerance(rtol: 1e-12, atol: 1e-12) : Tolerance(rtol: 1e-5, atol: 1e-5))
    }
}
