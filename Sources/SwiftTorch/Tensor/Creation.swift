// Creating tensors: from arrays and nested arrays, scalars, zeros/ones/full, arange, eye, `like`
// variants, and copies (clone, to(dtype)). Random factories are in Random.swift.
import CKernels
import Foundation

extension Tensor {
    /// A tensor from row-major values and a shape (`shape` defaults to `[values.count]`).
    public convenience init(_ scalars: [Float], shape: [Int]? = nil, dtype: DType = .float32, requiresGrad: Bool = false) {
        self.init(raw: scalars, from: .float32, shape: shape ?? [scalars.count], dtype: dtype)
        self.requiresGrad = requiresGrad
    }

    /// A tensor from row-major Double values (float64 unless `dtype` says otherwise).
    public convenience init(float64 scalars: [Double], shape: [Int]? = nil, dtype: DType = .float64,
                            requiresGrad: Bool = false) {
        self.init(raw: scalars, from: .float64, shape: shape ?? [scalars.count], dtype: dtype)
        self.requiresGrad = requiresGrad
    }

    /// An integer tensor (int64 unless `dtype` says otherwise), e.g. class labels or token ids.
    public convenience init(integers values: [Int], shape: [Int]? = nil, dtype: DType = .int64) {
        self.init(raw: values, from: .int64, shape: shape ?? [values.count], dtype: dtype)
    }

    /// A scalar (rank-0) tensor.
    public convenience init(_ value: Float, dtype: DType = .float32, requiresGrad: Bool = false) {
        self.init([value], shape: [], dtype: dtype, requiresGrad: requiresGrad)
    }

    /// A 2-D tensor from nested rows, e.g. `Tensor([[1, 2, 3], [4, 5, 6]])`.
    public convenience init(_ rows: [[Float]], dtype: DType = .float32, requiresGrad: Bool = false) {
        let shape = nestedShape([rows.count], rows.map(\.count), op: "Tensor([[Float]])")
        self.init(rows.flatMap { $0 }, shape: shape, dtype: dtype, requiresGrad: requiresGrad)
    }

    /// A 3-D tensor from nested arrays.
    public convenience init(_ blocks: [[[Float]]], dtype: DType = .float32, requiresGrad: Bool = false) {
        let inner = blocks.map { rows in nestedShape([rows.count], rows.map(\.count), op: "Tensor([[[Float]]])") }
        let shape = nestedShape([blocks.count], inner, op: "Tensor([[[Float]]])")
        self.init(blocks.flatMap { $0.flatMap { $0 } }, shape: shape, dtype: dtype, requiresGrad: requiresGrad)
    }

    /// A 2-D float64 tensor from nested rows of Doubles (float64 values keep their precision). An empty
    /// literal `[]` still means the flat initializer.
    @_disfavoredOverload
    public convenience init(float64 rows: [[Double]], dtype: DType = .float64, requiresGrad: Bool = false) {
        let shape = nestedShape([rows.count], rows.map(\.count), op: "Tensor(float64: [[Double]])")
        self.init(float64: rows.flatMap { $0 }, shape: shape, dtype: dtype, requiresGrad: requiresGrad)
    }

    /// A 2-D integer tensor from nested rows (int64 unless `dtype` says otherwise).
    @_disfavoredOverload
    public convenience init(integers rows: [[Int]], dtype: DType = .int64) {
        let shape = nestedShape([rows.count], rows.map(\.count), op: "Tensor(integers: [[Int]])")
        self.init(integers: rows.flatMap { $0 }, shape: shape, dtype: dtype)
    }

    /// Copies `values` (of the Swift type matching `from`) into a new tensor of `dtype`.
    private convenience init<T>(raw values: [T], from: DType, shape: [Int], dtype: DType) {
        let n = checkedCount(shape, op: "Tensor")
        if n != values.count {
            fatalError("Tensor: \(values.count) values cannot fill shape \(shape) (\(n) elements)")
        }
        let s = Storage(byteCount: n * dtype.byteSize, shape: shape, dtype: dtype)
        self.init(storage: s, shape: shape, strides: contiguousStrides(shape), offset: 0, dtype: dtype)
        values.withUnsafeBytes { buf in
            if n > 0 { st_convert(from.c, dtype.c, Int64(n), buf.baseAddress, s.pointer) }
        }
    }

    // ------------------------------------------------------------------ factories
    /// A tensor filled with `value`.
    public static func full(_ shape: [Int], _ value: Double, dtype: DType = .float32, requiresGrad: Bool = false) -> Tensor {
        let t = empty(shape, dtype: dtype)
        st_fill(dtype.c, Int64(t.scalarCount), t.data, value)
        t.requiresGrad = requiresGrad
        return t
    }

    public static func zeros(_ shape: [Int], dtype: DType = .float32, requiresGrad: Bool = false) -> Tensor {
        full(shape, 0, dtype: dtype, requiresGrad: requiresGrad)
    }

    public static func ones(_ shape: [Int], dtype: DType = .float32, requiresGrad: Bool = false) -> Tensor {
        full(shape, 1, dtype: dtype, requiresGrad: requiresGrad)
    }

    public static func zeros(_ shape: Int..., dtype: DType = .float32) -> Tensor { zeros(shape, dtype: dtype) }
    public static func ones(_ shape: Int..., dtype: DType = .float32) -> Tensor { ones(shape, dtype: dtype) }

    public static func zeros(like t: Tensor) -> Tensor { zeros(t.shape, dtype: t.dtype) }
    public static func ones(like t: Tensor) -> Tensor { ones(t.shape, dtype: t.dtype) }
    public static func full(like t: Tensor, _ value: Double) -> Tensor { full(t.shape, value, dtype: t.dtype) }

    /// Values start, start + step, ... below `end` (like `torch.arange`).
    public static func arange(_ start: Double, _ end: Double, step: Double = 1, dtype: DType = .float32) -> Tensor {
        if step == 0 || !step.isFinite { fatalError("arange: step must be finite and nonzero (got \(step))") }
        let n = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        let t = empty([n], dtype: dtype)
        st_arange(dtype.c, Int64(n), t.data, start, step)
        return t
    }

    /// Values 0, 1, ... below `end`.
    public static func arange(_ end: Double, dtype: DType = .float32) -> Tensor { arange(0, end, dtype: dtype) }

    /// The n x m identity matrix (m defaults to n).
    public static func eye(_ n: Int, _ m: Int? = nil, dtype: DType = .float32) -> Tensor {
        let cols = m ?? n
        let t = zeros([n, cols], dtype: dtype)
        let diag = Swift.min(n, cols)
        if diag > 0 {
            // The diagonal is a strided view with step cols + 1: fill it with ones through one copy kernel.
            let one = full([1], 1, dtype: dtype)
            withInt64([diag]) { shape in
                withInt64([cols + 1]) { sd in withInt64([0]) { ss in st_copy(dtype.byteSize, 1, shape, t.data, sd, one.data, ss) } }
            }
            withExtendedLifetime(one) {}
        }
        return t
    }

    // ------------------------------------------------------------------ copies
    /// An independent contiguous copy (recorded for autograd like any op).
    public func clone() -> Tensor {
        let out = Tensor.empty(shape, dtype: dtype)
        copyElements(from: self, into: out)
        if needsGrad(self) { attach(out, "clone", [self]) { g in [g] } }
        Ledger.record("clone", [self], out, flops: 0)
        return out
    }

    /// This tensor converted to another dtype (itself when the dtype is the same). Float-to-float
    /// conversions keep the gradient link.
    public func to(_ dtype: DType) -> Tensor {
        if dtype == self.dtype { return self }
        let src = contiguous()
        let out = Tensor.empty(shape, dtype: dtype)
        withExtendedLifetime(src) { st_convert(self.dtype.c, dtype.c, Int64(scalarCount), src.data, out.data) }
        if needsGrad(self) && dtype.isFloatingPoint {
            let from = self.dtype
            attach(out, "to(\(dtype))", [self]) { g in [g.to(from)] }
        }
        return out
    }
}

/// Shape of a nested array: the outer count plus the common inner shape; traps on ragged input.
func nestedShape(_ outer: [Int], _ inner: [[Int]], op: String) -> [Int] {
    guard let first = inner.first else { return outer + [0] }
    for (i, s) in inner.enumerated() where s != first {
        fatalError("\(op): ragged nested array: element \(i) has shape \(s), expected \(first)")
    }
    return outer + first
}

func nestedShape(_ outer: [Int], _ counts: [Int], op: String) -> [Int] {
    nestedShape(outer, counts.map { [$0] }, op: op)
}

/// dst := src elementwise (shapes equal), any strides, through the copy kernel.
func copyElements(from src: Tensor, into dst: Tensor) {
    withExtendedLifetime((src, dst)) {
        withInt64(dst.shape) { shape in
            withInt64(dst.strides) { sd in
                withInt64(src.strides) { ss in
                    st_copy(src.dtype.byteSize, Int32(dst.rank), shape, dst.data, sd, src.data, ss)
                }
            }
        }
    }
}
