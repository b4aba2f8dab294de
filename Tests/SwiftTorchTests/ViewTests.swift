// Views and shape ops: reshape, transpose/permute, slicing, squeeze/unsqueeze, expand, contiguous,
// concatenate/stack, narrow, flatten. Expected values come from hand-computed strides over the base's
// row-major values (stridedRead), not from the library's own copy kernel.
import Testing
@testable import SwiftTorch

@Suite("Views and shape ops")
struct ViewTests {
    /// 0, 1, ..., n-1 as float64 of `shape`.
    func iota(_ shape: [Int]) -> Tensor { Tensor.arange(0, Double(shape.reduce(1, *)), dtype: .float64).reshape(shape) }

    @Test("reshape infers -1 and keeps row-major order")
    func reshapeInfer() {
        let t = iota([24])
        let r = t.reshape(2, -1, 4)
        #expect(r.shape == [2, 3, 4] && r.strides == [12, 4, 1] && r.doubles == t.doubles)
        #expect(r.reshape(-1).shape == [24] && r.reshape([6, -1]).shape == [6, 4])
        #expect(r.reshape([2, 3, 4]) === r)
        #expect(Tensor(Float(5)).reshape(1, 1).shape == [1, 1] && Tensor([5]).reshape([]).shape == [])
    }

    @Test("a reshape of contiguous data is a view: writes through it reach the base")
    func reshapeSharesStorage() {
        let base = Tensor.arange(0, 6)
        let v = base.reshape(2, 3)
        #expect(v.storage === base.storage)
        v[1, 2] = Tensor(Float(100))
        v[0] = Tensor([-1, -2, -3])
        #expect(base.scalars == [-1, -2, -3, 3, 4, 100])
    }

    @Test("a reshape of non-contiguous data copies")
    func reshapeCopies() {
        let base = Tensor.arange(0, 6).reshape(2, 3)
        let t = base.T
        let flat = t.reshape(6)
        #expect(flat.storage !== base.storage && flat.isContiguous)
        #expect(flat.scalars == [0, 3, 1, 4, 2, 5])
        flat[0] = Tensor(Float(42))
        #expect(base.scalars == [0, 1, 2, 3, 4, 5])
        // Some non-contiguous data can still be viewed: a column slice keeps whole rows contiguous.
        let wide = iota([4, 6])
        let cols = wide[.all, 0..<4] // [4, 4] with strides [6, 1]
        let split = cols.reshape(2, 2, 2, 2)
        #expect(split.storage === wide.storage && split.strides == [12, 6, 2, 1])
        #expect(split.doubles == stridedRead(wide.doubles, shape: [4, 4], strides: [6, 1]))
        let merged = cols.reshape(16)
        #expect(merged.storage !== wide.storage)
        #expect(merged.doubles == stridedRead(wide.doubles, shape: [4, 4], strides: [6, 1]))
    }

    @Test("reshape of permuted and strided views gives the row-major order of the view (view or copy)")
    func reshapeProperty() {
        var rng = TestRNG(seed: 17)
        let shapes: [[Int]] = [[2, 3, 4], [4, 1, 6], [3, 2, 2, 2], [1, 5, 4], [6, 4]]
        for (case_, shape) in shapes.enumerated() {
            let base = iota(shape)
            let bv = base.doubles
            var order = Array(0..<shape.count)
            for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
            let p = base.permute(order)
            let pStrides = order.map { rowMajorStrides(shape)[$0] }
            let expected = stridedRead(bv, shape: p.shape, strides: pStrides)
            let n = expected.count
            // Every factorization into up to 3 factors, plus inserted 1s.
            var targets: [[Int]] = [[n], [n, 1], [1, n]]
            for a in 1...n where n % a == 0 {
                targets.append([a, n / a])
                for b in 1...(n / a) where (n / a) % b == 0 { targets.append([a, b, n / a / b]); targets.append([a, 1, b, n / a / b]) }
            }
            for target in targets {
                let r = p.reshape(target)
                #expect(r.shape == target)
                #expect(r.doubles == expected, "case \(case_): \(shape) permuted \(order) -> \(target)")
            }
            // A strided slice of the permuted tensor, flattened.
            let s = p[.slice(0, nil, step: 2)]
            let sExpected = stridedRead(bv, shape: s.shape, strides: [pStrides[0] * 2] + pStrides.dropFirst())
            #expect(s.reshape(-1).doubles == sExpected, "case \(case_): strided slice")
            #expect(s.flatten(startDim: 0, endDim: -1).doubles == sExpected)
        }
    }

    @Test("transpose and permute swap strides without copying")
    func transposePermute() {
        let x = iota([2, 3, 4])
        let t = x.transpose(0, 2)
        #expect(t.shape == [4, 3, 2] && t.strides == [1, 4, 12] && t.storage === x.storage && !t.isContiguous)
        #expect(t.doubles == permuted(x.doubles, shape: [2, 3, 4], order: [2, 1, 0]))
        let p = x.permute(2, 0, 1)
        #expect(p.shape == [4, 2, 3] && p.strides == [1, 12, 4])
        #expect(p.doubles == permuted(x.doubles, shape: [2, 3, 4], order: [2, 0, 1]))
        #expect(x.permute(-1, 0, 1).strides == p.strides)
        let last = x.T
        #expect(last.shape == [2, 4, 3] && last.strides == [12, 1, 4])
        #expect(Tensor.arange(0, 6).reshape(2, 3).T.scalars == [0, 3, 1, 4, 2, 5])
        #expect(x.transpose(1, 1).strides == x.strides)
        let v = Tensor([1, 2, 3])
        #expect(v.T === v)
        #expect(x.permute(1, 2, 0).permute(2, 0, 1).doubles == x.doubles)
    }

    @Test("slicing with integers, ranges, closed and partial ranges, negative indices")
    func slicingRanges() {
        let x = iota([4, 6]) // x[i, j] = 6i + j
        let row = x[1]
        #expect(row.shape == [6] && row.doubles == [6, 7, 8, 9, 10, 11] && row.storage === x.storage)
        #expect(x[1..<3].shape == [2, 6] && x[1..<3].doubles == (6..<18).map(Double.init))
        let block = x[1...2, 2...]
        #expect(block.shape == [2, 4] && block.strides == [6, 1] && block.doubles == [8, 9, 10, 11, 14, 15, 16, 17])
        #expect(x[..<2].doubles == (0..<12).map(Double.init) && x[...1].doubles == x[..<2].doubles)
        #expect(x[.all, ...(-1)].shape == [4, 6])
        #expect(x[.all, ..<(-1)].shape == [4, 5] && x[.all, ..<(-1)][0].doubles == [0, 1, 2, 3, 4])
        #expect(x[-1].doubles == [18, 19, 20, 21, 22, 23])
        let scalar = x[-2, -1]
        #expect(scalar.shape == [] && scalar.itemDouble() == 17)
        #expect(x[.all, -3..<(-1)].doubles == [3, 4, 9, 10, 15, 16, 21, 22])
        #expect(x[.all, (-2)...].doubles == [4, 5, 10, 11, 16, 17, 22, 23])
        #expect(x[2..<100].shape == [2, 6] && x[3..<3].shape == [0, 6] && x[5...].shape == [0, 6])
        // A slice of a slice composes offsets and strides.
        let inner = x[1...][.all, .slice(1, nil, step: 2)]
        #expect(inner.shape == [3, 3] && inner.strides == [6, 2])
        #expect(inner.doubles == stridedRead(x.doubles, shape: [3, 3], strides: [6, 2], offset: 7))
    }

    @Test(".all, .newAxis, .slice with steps and stride(from:to:by:)")
    func slicingSpecial() {
        let x = iota([4, 6])
        let col = x[.all, 1]
        #expect(col.shape == [4] && col.strides == [6] && col.doubles == [1, 7, 13, 19])
        #expect(x[.newAxis].shape == [1, 4, 6] && x[.newAxis].doubles == x.doubles)
        let c2 = x[.all, .newAxis, 2]
        #expect(c2.shape == [4, 1] && c2.doubles == [2, 8, 14, 20])
        let v = iota([10])
        #expect(v[.slice(0, 8, step: 2)].doubles == [0, 2, 4, 6])
        #expect(v[stride(from: 0, to: 8, by: 2)].doubles == [0, 2, 4, 6])
        #expect(v[.slice(nil, nil, step: 3)].doubles == [0, 3, 6, 9])
        #expect(v[.slice(2, 100)].doubles == (2..<10).map(Double.init))
        #expect(v[.slice(-3)].doubles == [7, 8, 9])
        #expect(v[stride(from: 1, to: 10, by: 4)].doubles == [1, 5, 9])
        let m = iota([8, 3])
        let rows = m[stride(from: 1, to: 8, by: 3)]
        #expect(rows.shape == [3, 3] && rows.strides == [9, 1] && rows.doubles == [3, 4, 5, 12, 13, 14, 21, 22, 23])
        let both = m[.slice(0, nil, step: 2), .slice(0, nil, step: 2)]
        #expect(both.shape == [4, 2] && both.doubles == [0, 2, 6, 8, 12, 14, 18, 20])
    }

    @Test("subscript assignment writes into the base, broadcasting and converting the value")
    func subscriptAssignment() {
        let x = Tensor.zeros([3, 4])
        x[.all, 0] = Tensor(Float(-1))
        x[1] = Tensor([1, 2, 3, 4])
        x[2, 1...] = Tensor(integers: [7, 8, 9])
        x[.all, .slice(1, nil, step: 2)][0] = Tensor([5, 6])
        #expect(x.scalars == [-1, 5, 0, 6, 1, 2, 3, 4, -1, 7, 8, 9])
    }

    @Test("squeeze and unsqueeze")
    func squeezeUnsqueeze() {
        let x = iota([1, 3, 1, 2])
        #expect(x.squeeze().shape == [3, 2] && x.squeeze(0).shape == [3, 1, 2] && x.squeeze(-2).shape == [1, 3, 2])
        #expect(x.squeeze(1) === x)
        #expect(x.squeeze().doubles == x.doubles && x.squeeze().storage === x.storage)
        let y = iota([3, 2])
        #expect(y.unsqueeze(0).shape == [1, 3, 2] && y.unsqueeze(1).shape == [3, 1, 2] && y.unsqueeze(-1).shape == [3, 2, 1])
        // On a transposed (non-contiguous) tensor both stay views.
        let t = y.T // [2, 3], strides [1, 2]
        let u = t.unsqueeze(1)
        #expect(u.shape == [2, 1, 3] && u.storage === y.storage && u.doubles == [0, 2, 4, 1, 3, 5])
        #expect(u.squeeze(1).strides == [1, 2] && u.squeeze().doubles == t.doubles)
        #expect(Tensor.zeros([1, 1]).squeeze().shape == [])
    }

    @Test("expand and broadcastTo repeat with stride 0 and share storage")
    func expandBroadcast() {
        let a = Tensor([1, 2, 3])
        let e = a.expand([2, 3])
        #expect(e.shape == [2, 3] && e.strides == [0, 1] && e.storage === a.storage)
        #expect(e.scalars == [1, 2, 3, 1, 2, 3])
        let b = Tensor([[1], [2]])
        let eb = b.expand(2, 4)
        #expect(eb.strides == [1, 0] && eb.scalars == [1, 1, 1, 1, 2, 2, 2, 2])
        let c = b.broadcastTo([3, 2, 4])
        #expect(c.shape == [3, 2, 4] && c.strides == [0, 1, 0])
        #expect(c.doubles == broadcastRead([1, 2], shape: [2, 1], to: [3, 2, 4]))
        #expect(a.expand([3]) === a)
        // An expanded view feeds other ops like any tensor.
        #expect((e + Tensor([[10, 10, 10], [20, 20, 20]])).scalars == [11, 12, 13, 21, 22, 23])
    }

    @Test("contiguous returns self when contiguous, else a row-major copy")
    func contiguous() {
        let x = iota([3, 4])
        #expect(x.contiguous() === x)
        let c = x.T.contiguous()
        #expect(c.isContiguous && c.strides == [3, 1] && c.storage !== x.storage)
        #expect(c.doubles == transposed(x.doubles, rows: 3, cols: 4))
        let s = x[.all, .slice(0, nil, step: 2)].contiguous()
        #expect(s.strides == [2, 1] && s.doubles == [0, 2, 4, 6, 8, 10])
        // Size-1 dimensions do not break contiguity; offsets do not either.
        let sub = x[1...][.newAxis]
        #expect(x[1...].isContiguous && x[.newAxis].isContiguous && sub.contiguous() === sub)
    }

    @Test("concatenate and stack: shapes and values, any dim, non-contiguous inputs")
    func concatenateStack() {
        let a = Tensor([[1, 2, 3], [4, 5, 6]]), b = Tensor([[7, 8, 9]])
        let c0 = Tensor.concatenate([a, b])
        #expect(c0.shape == [3, 3] && c0.scalars == [1, 2, 3, 4, 5, 6, 7, 8, 9])
        let d = Tensor([[10, 11], [12, 13]])
        let c1 = Tensor.concatenate([a, d], dim: 1)
        #expect(c1.shape == [2, 5] && c1.scalars == [1, 2, 3, 10, 11, 4, 5, 6, 12, 13])
        #expect(Tensor.concatenate([a, d, a], dim: -1).shape == [2, 8])
        let t = Tensor([[1, 2], [3, 4], [5, 6]]).T // [[1, 3, 5], [2, 4, 6]]
        #expect(Tensor.concatenate([t, a], dim: 0).scalars == [1, 3, 5, 2, 4, 6, 1, 2, 3, 4, 5, 6])
        let u = Tensor([1, 2]), v = Tensor([3, 4]), w = Tensor([5, 6])
        let s0 = Tensor.stack([u, v, w])
        #expect(s0.shape == [3, 2] && s0.scalars == [1, 2, 3, 4, 5, 6])
        let s1 = Tensor.stack([u, v, w], dim: 1)
        #expect(s1.shape == [2, 3] && s1.scalars == [1, 3, 5, 2, 4, 6])
        #expect(Tensor.stack([u, v, w], dim: -1).scalars == s1.scalars)
        let m = Tensor.stack([a, a * 10], dim: 1)
        #expect(m.shape == [2, 2, 3] && m.scalars == [1, 2, 3, 10, 20, 30, 4, 5, 6, 40, 50, 60])
        let ints = Tensor.concatenate([Tensor(integers: [1]), Tensor(integers: [2, 3])])
        #expect(ints.dtype == .int64 && ints.integers == [1, 2, 3])
    }

    @Test("narrow is a view of a range along one dim")
    func narrow() {
        let v = iota([10])
        let n = v.narrow(dim: 0, start: 2, length: 3)
        #expect(n.doubles == [2, 3, 4] && n.storage === v.storage)
        let m = iota([3, 5]).narrow(dim: 1, start: 1, length: 2)
        #expect(m.shape == [3, 2] && m.doubles == [1, 2, 6, 7, 11, 12])
        #expect(iota([3, 5]).narrow(dim: -2, start: 2, length: 1).doubles == [10, 11, 12, 13, 14])
    }

    @Test("flatten collapses a range of dims")
    func flatten() {
        let x = iota([2, 3, 4])
        #expect(x.flatten().shape == [24] && x.flatten(startDim: 1).shape == [2, 12])
        #expect(x.flatten(startDim: 0, endDim: 1).shape == [6, 4] && x.flatten(startDim: -2, endDim: -1).shape == [2, 12])
        #expect(x.flatten(startDim: 2, endDim: 1) === x)
        let t = x.transpose(0, 2)
        #expect(t.flatten().doubles == permuted(x.doubles, shape: [2, 3, 4], order: [2, 1, 0]))
        #expect(Tensor(Float(4)).flatten().shape == [1])
    }
}
