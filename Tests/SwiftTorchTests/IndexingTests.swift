// indexSelect, gather and oneHot against hand-computed values; their gradients (scatter-add).
import Testing
@testable import SwiftTorch

@Suite("Indexing")
struct IndexingTests {
    @Test("indexSelect along dims 0 and 1, with repeats, any layout and index dtype")
    func indexSelect() {
        let x = Tensor([[1, 2], [3, 4], [5, 6]])
        let rows = x.indexSelect(dim: 0, index: Tensor(integers: [2, 0, 2]))
        #expect(rows.shape == [3, 2] && rows.scalars == [5, 6, 1, 2, 5, 6])
        let cols = x.indexSelect(dim: 1, index: Tensor(integers: [1, 1, 0, 1]))
        #expect(cols.shape == [3, 4] && cols.scalars == [2, 2, 1, 2, 4, 4, 3, 4, 6, 6, 5, 6])
        #expect(x.indexSelect(dim: -1, index: Tensor(integers: [0], dtype: .int32)).scalars == [1, 3, 5])
        // A transposed input: xᵀ = [[1, 3, 5], [2, 4, 6]].
        #expect(x.T.indexSelect(dim: 1, index: Tensor(integers: [2, 0])).scalars == [5, 1, 6, 2])
        // The middle dim of a rank-3 tensor, float64 and int64 data.
        let t = Tensor.arange(0, 24, dtype: .float64).reshape(2, 3, 4)
        let mid = t.indexSelect(dim: 1, index: Tensor(integers: [2, 2, 0]))
        let expected = [2, 2, 0].map { 4.0 * Double($0) }
        #expect(mid.shape == [2, 3, 4] && mid.dtype == .float64)
        let midExpected: [Double] = (0..<24).map { (e: Int) -> Double in
            let block = Double(e / 12 * 12), column = Double(e % 4)
            return block + expected[(e / 4) % 3] + column
        }
        #expect(mid.doubles == midExpected)
        let labels = Tensor(integers: [10, 20, 30]).indexSelect(dim: 0, index: Tensor(integers: [1, 1]))
        #expect(labels.dtype == .int64 && labels.integers == [20, 20])
        #expect(x.indexSelect(dim: 0, index: Tensor(integers: [])).shape == [0, 2])
    }

    @Test("gather along dims 0 and 1")
    func gather() {
        let x = Tensor([[1, 2, 3], [4, 5, 6]])
        // out[i][j] = x[index[i][j]][j]
        let g0 = x.gather(dim: 0, index: Tensor(integers: [1, 0, 1, 0, 0, 1], shape: [2, 3]))
        #expect(g0.shape == [2, 3] && g0.scalars == [4, 2, 6, 1, 2, 6])
        let g0short = x.gather(dim: 0, index: Tensor(integers: [1, 1, 0], shape: [1, 3]))
        #expect(g0short.shape == [1, 3] && g0short.scalars == [4, 5, 3])
        // out[i][j] = x[i][index[i][j]]
        let g1 = x.gather(dim: 1, index: Tensor(integers: [2, 0, 1, 1], shape: [2, 2]))
        #expect(g1.shape == [2, 2] && g1.scalars == [3, 1, 5, 5])
        // Picking each row's target logit.
        let logits = Tensor(float64: [0.1, 0.7, 0.2, 0.5, 0.3, 0.2, 0.05, 0.05, 0.9], shape: [3, 3])
        let labels = Tensor(integers: [1, 0, 2])
        #expect(logits.gather(dim: 1, index: labels.unsqueeze(1)).doubles == [0.7, 0.5, 0.9])
        // A transposed input and an int32 index.
        #expect(x.T.gather(dim: 1, index: Tensor(integers: [1, 0, 1], shape: [3, 1], dtype: .int32)).scalars == [4, 2, 6])
        // Rank 3, the last dim.
        let t = Tensor.arange(0, 12).reshape(2, 2, 3)
        #expect(t.gather(dim: 2, index: Tensor(integers: [2, 2, 0, 1, 0, 0, 1, 2], shape: [2, 2, 2])).scalars == [2, 2, 3, 4, 6, 6, 10, 11])
        // An index smaller than the input in the other dims reads their leading part (torch.gather's rule):
        // out[i][j] = x[i][index[i][j]] for i < 1 only.
        let small = x.gather(dim: 1, index: Tensor(integers: [2, 0], shape: [1, 2]))
        #expect(small.shape == [1, 2] && small.scalars == [3, 1])
        // out[i][j] = t[i][j][index], i < 2, j < 1: rows (0, 0) and (1, 0) of t.
        #expect(t.gather(dim: 2, index: Tensor(integers: [1, 2], shape: [2, 1, 1])).scalars == [1, 8])
        let y = Tensor([[1, 2, 3], [4, 5, 6]], requiresGrad: true)
        y.gather(dim: 0, index: Tensor(integers: [1, 0], shape: [1, 2])).sum().backward()
        #expect(y.grad?.scalars == [0, 1, 0, 1, 0, 0])
    }

    @Test("oneHot rows for labels of any shape and dtype")
    func oneHot() {
        let h = Tensor.oneHot(Tensor(integers: [2, 0, 1]), classes: 3)
        #expect(h.shape == [3, 3] && h.dtype == .float32 && h.scalars == [0, 0, 1, 1, 0, 0, 0, 1, 0])
        let h2 = Tensor.oneHot(Tensor(integers: [3, 0, 0, 1], shape: [2, 2], dtype: .int32), classes: 4, dtype: .float64)
        #expect(h2.shape == [2, 2, 4] && h2.dtype == .float64)
        #expect(h2.doubles == [0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0])
        #expect(Tensor.oneHot(Tensor(integers: [1]), classes: 2, dtype: .int64).integers == [0, 1])
    }

    @Test("gradients scatter-add into the selected rows (repeats accumulate)")
    func gradientsByHand() {
        let x = Tensor([[1, 2], [3, 4], [5, 6]], requiresGrad: true)
        let w = Tensor([[1, 10], [100, 1000], [1, 1]])
        (x.indexSelect(dim: 0, index: Tensor(integers: [2, 0, 2])) * w).sum().backward()
        // Row 2 is picked twice: its gradient is w[0] + w[2]; row 0 gets w[1]; row 1 nothing.
        #expect(x.grad?.scalars == [100, 1000, 0, 0, 2, 11])
        let y = Tensor([[1, 2, 3], [4, 5, 6]], requiresGrad: true)
        y.gather(dim: 1, index: Tensor(integers: [2, 2, 0, 1], shape: [2, 2])).sum().backward()
        #expect(y.grad?.scalars == [0, 0, 2, 1, 1, 0])
        let z = Tensor([[1, 2, 3], [4, 5, 6]], requiresGrad: true)
        z.gather(dim: 0, index: Tensor(integers: [1, 1, 1, 1, 0, 1], shape: [2, 3])).sum().backward()
        #expect(z.grad?.scalars == [0, 1, 0, 2, 1, 2])
    }

    @Test("gradCheck: indexSelect and gather along dims 0 and 1")
    func gradCheckIndexing() {
        let (x, _) = randomTensor([4, 3], seed: 1)
        let rep = Tensor(integers: [3, 0, 3, 1, 3])
        let checks: [(String, ([Tensor]) -> Tensor)] = [
            ("indexSelect dim 0", { $0[0].indexSelect(dim: 0, index: rep).square() }),
            ("indexSelect dim 1", { $0[0].indexSelect(dim: 1, index: Tensor(integers: [2, 2, 0])).tanh() }),
            ("indexSelect of a transpose", { $0[0].T.indexSelect(dim: 1, index: rep) * 3 }),
            ("gather dim 0", { $0[0].gather(dim: 0, index: Tensor(integers: [3, 3, 0, 1, 3, 2], shape: [2, 3])).exp() }),
            ("gather dim 1", { $0[0].gather(dim: 1, index: Tensor(integers: [2, 2, 0, 1, 1, 1, 0, 2], shape: [4, 2])).sin() }),
            ("gather of a transpose", { $0[0].T.gather(dim: 1, index: Tensor(integers: [3, 0, 0, 2, 1, 1], shape: [3, 2])).square() }),
        ]
        for (name, f) in checks {
            let r = gradCheck(f, inputs: [x])
            #expect(r.passed, "\(name): \(r)")
        }
    }
}
