// Creating tensors: initializers, factories, random tensors, copies, dtype conversion, description.
import Foundation
import Testing
@testable import SwiftTorch

@Suite("Tensor creation")
struct TensorCreationTests {
    @Test("nested-array initializers give row-major shape, strides and values")
    func nestedInitializers() {
        let t = Tensor([[1, 2, 3], [4, 5, 6]])
        #expect(t.shape == [2, 3] && t.strides == [3, 1] && t.rank == 2 && t.dtype == .float32)
        #expect(t.scalars == [1, 2, 3, 4, 5, 6] && t.count == 6 && t.byteCount == 24 && t.isContiguous)
        let t3 = Tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[9, 10], [11, 12]]])
        #expect(t3.shape == [3, 2, 2] && t3.strides == [4, 2, 1])
        #expect(t3.scalars == (1...12).map(Float.init))
        let d = Tensor([[0.1, 0.2]], dtype: .float64)
        // Values pass through Float first (the initializer takes [[Float]]).
        #expect(d.dtype == .float64 && d.doubles == [Double(Float(0.1)), Double(Float(0.2))])
        #expect(Tensor([[Float]]()).shape == [0, 0])
        // Nested Doubles keep full precision; nested Ints make integer tensors.
        let e = Tensor(float64: [[0.1, 0.2, 1e300], [3, 4, 5]])
        #expect(e.dtype == .float64 && e.shape == [2, 3] && e.doubles == [0.1, 0.2, 1e300, 3, 4, 5])
        let i = Tensor(integers: [[1, -2], [3, 1 << 40]])
        #expect(i.dtype == .int64 && i.shape == [2, 2] && i.integers == [1, -2, 3, 1 << 40])
        #expect(Tensor(integers: [[7]], dtype: .int32).dtype == .int32)
    }

    @Test("flat, float64, scalar and integer initializers")
    func flatScalarIntegerInitializers() {
        let f = Tensor([1, 2, 3, 4, 5, 6], shape: [3, 2])
        #expect(f.shape == [3, 2] && f.strides == [2, 1] && f.scalars == [1, 2, 3, 4, 5, 6])
        #expect(Tensor([7, 8, 9]).shape == [3])
        // float64 keeps every bit; float64 values stored as float32 are rounded.
        #expect(Tensor(float64: [0.1, 1e300]).doubles == [0.1, 1e300])
        #expect(Tensor(float64: [0.1], dtype: .float32).doubles == [Double(Float(0.1))])
        let s = Tensor(Float(2.5))
        #expect(s.shape == [] && s.strides == [] && s.rank == 0 && s.count == 1 && s.item() == 2.5)
        #expect(Tensor(Float(-1.25), dtype: .float64).itemDouble() == -1.25)
        let i = Tensor(integers: [3, -1, 7])
        #expect(i.dtype == .int64 && i.integers == [3, -1, 7] && i.scalars == [3, -1, 7] && !i.dtype.isFloatingPoint)
        let big = (1 << 53) + 1 // not representable as a Double: integers must not pass through floating point
        #expect(Tensor(integers: [big, -big]).integers == [big, -big])
        let i32 = Tensor(integers: [1, 2, 3, 4], shape: [2, 2], dtype: .int32)
        #expect(i32.dtype == .int32 && i32.byteCount == 16 && i32.integers == [1, 2, 3, 4])
        let empty = Tensor([Float]())
        #expect(empty.shape == [0] && empty.count == 0 && empty.scalars == [])
        #expect(Tensor([1, 2], requiresGrad: true).requiresGrad)
    }

    @Test("zeros, ones, full, arange and eye")
    func factories() {
        #expect(Tensor.zeros([2, 3]).scalars == [Float](repeating: 0, count: 6))
        #expect(Tensor.zeros(2, 3).shape == [2, 3] && Tensor.ones(4).scalars == [1, 1, 1, 1])
        #expect(Tensor.ones([2, 2], dtype: .float64).doubles == [1, 1, 1, 1])
        #expect(Tensor.full([2, 2], 7.5).scalars == [7.5, 7.5, 7.5, 7.5])
        #expect(Tensor.full([3], -4, dtype: .int32).integers == [-4, -4, -4])
        #expect(Tensor.full([2], 0.1, dtype: .float64).doubles == [0.1, 0.1])
        #expect(Tensor.zeros([2], requiresGrad: true).requiresGrad && !Tensor.zeros([2]).requiresGrad)
        #expect(Tensor.zeros([0, 5]).count == 0)

        #expect(Tensor.arange(0, 5).scalars == [0, 1, 2, 3, 4])
        #expect(Tensor.arange(1, 2, step: 0.25).scalars == [1, 1.25, 1.5, 1.75])
        #expect(Tensor.arange(5, 0, step: -2).scalars == [5, 3, 1])
        #expect(Tensor.arange(0, 10, step: 3, dtype: .int64).integers == [0, 3, 6, 9])
        #expect(Tensor.arange(3, 3).shape == [0] && Tensor.arange(3, 1).shape == [0])
        let a64 = Tensor.arange(0, 1, step: 0.1, dtype: .float64)
        #expect(a64.count == 10)
        expectClose(a64, (0..<10).map { Double($0) * 0.1 }, .exact)

        #expect(Tensor.eye(3).scalars == [1, 0, 0, 0, 1, 0, 0, 0, 1])
        #expect(Tensor.eye(2, 4).shape == [2, 4] && Tensor.eye(2, 4).scalars == [1, 0, 0, 0, 0, 1, 0, 0])
        #expect(Tensor.eye(4, 2).scalars == [1, 0, 0, 1, 0, 0, 0, 0])
        #expect(Tensor.eye(2, dtype: .int64).integers == [1, 0, 0, 1])
        #expect(Tensor.eye(0).shape == [0, 0])
    }

    @Test("like-variants copy shape and dtype")
    func likeVariants() {
        let base = Tensor.full([2, 3], 9, dtype: .float64)
        let z = Tensor.zeros(like: base), o = Tensor.ones(like: base), f = Tensor.full(like: base, 2.5)
        for t in [z, o, f] { #expect(t.shape == [2, 3] && t.dtype == .float64) }
        #expect(z.doubles == [Double](repeating: 0, count: 6))
        #expect(o.doubles == [Double](repeating: 1, count: 6))
        #expect(f.doubles == [Double](repeating: 2.5, count: 6))
        let r = Tensor.rand(like: base, generator: seeded(1)), n = Tensor.randn(like: base, generator: seeded(1))
        #expect(r.shape == [2, 3] && r.dtype == .float64 && n.shape == [2, 3] && n.dtype == .float64)
        #expect(r.doubles.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(r.doubles == Tensor.rand([2, 3], dtype: .float64, generator: seeded(1)).doubles)
        #expect(Tensor.zeros(like: Tensor(integers: [1, 2])).dtype == .int64)
    }

    @Test("the same seed gives the same values; a generator advances; float32 randn is rounded float64 randn")
    func randomDeterminism() {
        let a = Tensor.randn([1000], generator: seeded(42)), b = Tensor.randn([1000], generator: seeded(42))
        #expect(a.scalars == b.scalars)
        #expect(a.scalars != Tensor.randn([1000], generator: seeded(43)).scalars)
        let g = seeded(5)
        let first = Tensor.rand([10], generator: g), second = Tensor.rand([10], generator: g)
        #expect(first.scalars != second.scalars)
        g.manualSeed(5)
        #expect(Tensor.rand([10], generator: g).scalars == first.scalars)
        // Normal values are computed in float64 and converted.
        let n32 = Tensor.randn([101], generator: seeded(9)), n64 = Tensor.randn([101], dtype: .float64, generator: seeded(9))
        #expect(n32.scalars == n64.doubles.map { Float($0) })
        // A generator's stream is consumed in order: one call of 20 equals two of 10.
        let g2 = seeded(11)
        let joined = Tensor.rand([10], dtype: .float64, generator: g2).doubles
            + Tensor.rand([10], dtype: .float64, generator: g2).doubles
        #expect(joined == Tensor.rand([20], dtype: .float64, generator: seeded(11)).doubles)
        let p = seeded(3).permutation(50)
        #expect(p.sorted() == Array(0..<50) && p != Array(0..<50) && p == seeded(3).permutation(50))
    }

    @Test("the global generator: manualSeed reproduces and matches a Generator with that seed")
    func globalSeed() {
        globalGeneratorLock.lock() // see TensorTestSupport.swift
        defer { globalGeneratorLock.unlock() }
        Tensor.manualSeed(1234)
        let a = Tensor.randn([16]), r = Tensor.rand([8], dtype: .float64)
        Tensor.manualSeed(1234)
        let b = Tensor.randn([16]), r2 = Tensor.rand([8], dtype: .float64)
        #expect(a.scalars == b.scalars && r.doubles == r2.doubles)
        let g = seeded(1234)
        #expect(a.scalars == Tensor.randn([16], generator: g).scalars)
        #expect(r.doubles == Tensor.rand([8], dtype: .float64, generator: g).doubles)
    }

    @Test("randn over 100k samples: mean ≈ 0, std ≈ 1, 68% within one std; mean and std arguments")
    func randnStatistics() {
        let v = Tensor.randn([100_000], generator: seeded(2024)).doubles
        // Standard errors: mean 1/√n ≈ 0.0032, std ≈ 1/√(2n) ≈ 0.0022; the bounds are ~6 of them.
        #expect(abs(mean(v)) < 0.02)
        #expect(abs(sampleVariance(v).squareRoot() - 1) < 0.015)
        let within = Double(v.filter { abs($0) < 1 }.count) / Double(v.count)
        #expect(abs(within - 0.6827) < 0.01)
        #expect(v.allSatisfy(\.isFinite) && v.contains { $0 > 3 } && v.contains { $0 < -3 })
        let w = Tensor.randn([100_000], mean: 3, std: 2, dtype: .float64, generator: seeded(7)).doubles
        #expect(abs(mean(w) - 3) < 0.04 && abs(sampleVariance(w).squareRoot() - 2) < 0.03)
        // An odd count fills the last element too.
        #expect(Tensor.randn([3], dtype: .float64, generator: seeded(1)).doubles.allSatisfy { $0 != 0 && $0.isFinite })
    }

    @Test("rand stays in [low, high) and is uniform", arguments: [DType.float32, .float64])
    func randRange(dtype: DType) {
        let v = Tensor.rand([100_000], low: -2, high: 3, dtype: dtype, generator: seeded(77)).doubles
        #expect(v.allSatisfy { $0 >= -2 && $0 < 3 })
        #expect(v.min()! < -1.99 && v.max()! > 2.99)
        #expect(abs(mean(v) - 0.5) < 0.03) // standard error 5/√12/√n ≈ 0.0046
        let tenths = (0..<10).map { b in v.filter { $0 >= -2 + 0.5 * Double(b) && $0 < -1.5 + 0.5 * Double(b) }.count }
        #expect(tenths.allSatisfy { abs($0 - 10_000) < 600 }, "bucket counts \(tenths)")
        let unit = Tensor.rand([100_000], dtype: dtype, generator: seeded(78)).doubles
        #expect(unit.allSatisfy { $0 >= 0 && $0 < 1 })
    }

    @Test("clone is an independent contiguous copy")
    func cloneIndependence() {
        let t = Tensor([1, 2, 3])
        let c = t.clone()
        #expect(c.storage !== t.storage && c.scalars == [1, 2, 3])
        c[0] = Tensor(Float(9))
        #expect(t.scalars == [1, 2, 3] && c.scalars == [9, 2, 3])
        t[2] = Tensor(Float(-1))
        #expect(c.scalars == [9, 2, 3])
        let tr = Tensor([[1, 2, 3], [4, 5, 6]]).T.clone()
        #expect(tr.isContiguous && tr.strides == [2, 1] && tr.scalars == [1, 4, 2, 5, 3, 6])
    }

    @Test("to(dtype) converts (floats truncate toward zero into integers) and returns self for the same dtype")
    func dtypeConversion() {
        let f = Tensor([1.5, -2.7, 3.9, -0.5])
        #expect(f.to(.int64).dtype == .int64 && f.to(.int64).integers == [1, -2, 3, 0])
        #expect(f.to(.int32).integers == [1, -2, 3, 0] && f.to(.int32).byteCount == 16)
        #expect(f.to(.float64).doubles == [1.5, -2.7, 3.9, -0.5].map { Double(Float($0)) })
        #expect(Tensor(float64: [0.1, 1e-50]).to(.float32).scalars == [Float(0.1), 0])
        #expect(Tensor(integers: [-3, 1 << 40]).to(.float64).doubles == [-3, Double(1 << 40)])
        #expect(Tensor(integers: [5, -6], dtype: .int32).to(.int64).integers == [5, -6])
        #expect(f.to(.float32) === f)
        #expect(f.integers == [1, -2, 3, 0])
        // A non-contiguous source converts in logical order.
        let t = Tensor([[1, 2, 3], [4, 5, 6]]).T.to(.float64)
        #expect(t.shape == [3, 2] && t.doubles == [1, 4, 2, 5, 3, 6])
    }

    @Test("description: PyTorch-like layout, dtype, grad info")
    func descriptionFormat() {
        let t = Tensor([[1, 2, 3], [4, 5, 6]])
        #expect(t.description.hasPrefix("tensor([[1., 2., 3.],\n        [4., 5., 6.]]"))
        #expect(t.description == "tensor([[1., 2., 3.],\n        [4., 5., 6.]], shape: [2, 3], dtype: float32)")
        #expect(Tensor([0.5, -1.25]).description == "tensor([ 0.5000, -1.2500], shape: [2], dtype: float32)")
        #expect(Tensor(integers: [1, -20]).description == "tensor([  1, -20], shape: [2], dtype: int64)")
        #expect(Tensor(Float(3)).description == "tensor(3., shape: [], dtype: float32)")
        #expect(Tensor([[[1, 2]], [[3, 4]]]).description
            == "tensor([[[1., 2.]],\n\n        [[3., 4.]]], shape: [2, 1, 2], dtype: float32)")
        #expect(Tensor([.nan, .infinity, -.infinity, 1]).description
            == "tensor([   nan,    inf,   -inf, 1.0000], shape: [4], dtype: float32)")
        #expect(Tensor(float64: [1e-5, -2.5e-5]).description == "tensor([ 1.0000e-05, -2.5000e-05], shape: [2], dtype: float64)")
        // A transposed view prints in logical order.
        #expect(t.T.description == "tensor([[1., 4.],\n        [2., 5.],\n        [3., 6.]], shape: [3, 2], dtype: float32)")
        let leaf = Tensor([1, 2], requiresGrad: true)
        #expect(leaf.description.hasSuffix(", requiresGrad: true)"))
        #expect((leaf * 2).description.hasSuffix(", gradFn: <mulBackward>)"))
    }

    @Test("description summarizes past 1000 elements with ...")
    func descriptionSummary() {
        #expect(Tensor.arange(0, 2000).description
            == "tensor([   0.,    1.,    2., ..., 1997., 1998., 1999.], shape: [2000], dtype: float32)")
        let full = Tensor.arange(0, 1000).description
        #expect(!full.contains("...") && full.contains(" 500.,"))
        let lines = Tensor.arange(0, 2000).reshape(40, 50).description.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 7)
        #expect(lines.first == "tensor([[   0.,    1.,    2., ...,   47.,   48.,   49.],")
        #expect(lines[3] == "        ...,")
        #expect(lines.last == "        [1950., 1951., 1952., ..., 1997., 1998., 1999.]], shape: [40, 50], dtype: float32)")
    }

    @Test("golden: a (32, 3, 224, 224) float32 batch is 4,816,896 elements, 19,267,584 bytes")
    func imageBatchSize() {
        let t = Tensor.empty([32, 3, 224, 224], dtype: .float32)
        #expect(t.count == 4_816_896 && t.scalarCount == 4_816_896)
        #expect(t.byteCount == 19_267_584)
        #expect(formatBytes(t.byteCount) == "19,267,584 B (18.4 MiB)")
        #expect(Tensor.empty([32, 3, 224, 224], dtype: .float64).byteCount == 38_535_168)
        #expect(formatBytes(803_840) == "803,840 B (785 KiB)")
        #expect(formatBytes(512) == "512 B" && formatBytes(1024) == "1,024 B (1 KiB)")
        #expect(formatBytes(3 << 30) == "3,221,225,472 B (3 GiB)")
        #expect(groupThousands(-1_234_567) == "-1,234,567" && groupThousands(999) == "999")
    }
}
