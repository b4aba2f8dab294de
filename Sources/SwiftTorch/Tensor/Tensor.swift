// The tensor: a strided view of shared storage, with an optional link into the autograd graph.
//
// Shape letters used in this folder: N the element count; a tensor of rank R has shape [d0, ..., dR-1]
// and strides [s0, ..., sR-1] in elements, so element (i0, ..., iR-1) lives at offset + sum(ik * sk).
//
// Sharing (written down, as the issue asks): a `Tensor` is a reference type, like PyTorch's. Every op
// returns a new tensor and never changes its inputs; views (reshape of contiguous data, transpose,
// permute, slicing, squeeze/unsqueeze, expand) share their base's storage, so writing through a view's
// subscript is visible in the base. `clone()` makes an independent copy.
import CKernels
import Foundation

public final class Tensor {
    /// Sizes of the dimensions; `[]` for a scalar.
    public let shape: [Int]
    /// Element strides of the dimensions (0 for an expanded dimension).
    public let strides: [Int]
    /// Offset of the first element in `storage`, in elements.
    let offset: Int
    public let dtype: DType
    let storage: Storage

    /// Whether operations on this tensor are recorded for `backward()`. Only floating-point tensors can.
    public var requiresGrad: Bool {
        didSet {
            if requiresGrad && !dtype.isFloatingPoint {
                fatalError("requiresGrad: only floating-point tensors can require gradients (dtype \(dtype))")
            }
        }
    }
    /// The accumulated gradient of a leaf after `backward()`; `nil` until then and after `zeroGrad()`.
    public var grad: Tensor?
    /// The graph node that produced this tensor (nil for leaves and for results computed without grad).
    public internal(set) var gradFn: GradFunction?
    /// Bookkeeping of `backward()` (Autograd.swift): the last pass that visited this tensor, and the
    /// gradient summed so far for an interior tensor during a pass.
    var backwardPass: UInt64 = 0
    var pendingGrad: Tensor?

    init(storage: Storage, shape: [Int], strides: [Int], offset: Int, dtype: DType) {
        self.storage = storage
        self.shape = shape
        self.strides = strides
        self.offset = offset
        self.dtype = dtype
        self.requiresGrad = false
    }

    deinit {
        if gradFn != nil { Tensor.releaseGraph(&gradFn) }
    }

    /// A new contiguous tensor with uninitialized elements.
    static func empty(_ shape: [Int], dtype: DType, strides: [Int]? = nil) -> Tensor {
        let n = checkedCount(shape, op: "Tensor")
        let storage = Storage(byteCount: n * dtype.byteSize, shape: shape, dtype: dtype)
        return Tensor(storage: storage, shape: shape, strides: strides ?? contiguousStrides(shape), offset: 0,
                      dtype: dtype)
    }

    // ------------------------------------------------------------------ properties
    public var rank: Int { shape.count }
    /// Number of elements.
    public var scalarCount: Int { shape.reduce(1, *) }
    /// Number of elements (the same as `scalarCount`).
    public var count: Int { scalarCount }
    /// Bytes the elements of this tensor occupy (`count * dtype.byteSize`).
    public var byteCount: Int { scalarCount * dtype.byteSize }
    /// True when the elements are laid out row-major without gaps.
    public var isContiguous: Bool { Tensor.isContiguous(shape: shape, strides: strides) }
    /// True for a tensor the user created (not the result of a recorded op).
    public var isLeaf: Bool { gradFn == nil }

    static func isContiguous(shape: [Int], strides: [Int]) -> Bool {
        var expected = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) where shape[d] != 1 {
            if strides[d] != expected { return false }
            expected *= shape[d]
        }
        return true
    }

    /// Address of the first element.
    var data: UnsafeMutableRawPointer { storage.pointer + offset * dtype.byteSize }

    /// A flat copy of the elements in row-major order, converted to Float.
    public var scalars: [Float] { elements(Float.self, .float32) }
    /// A flat copy of the elements converted to Double.
    public var doubles: [Double] { elements(Double.self, .float64) }
    /// A flat copy of the elements converted to Int (floating values truncate toward zero).
    public var integers: [Int] { elements(Int.self, .int64) }

    private func elements<T>(_: T.Type, _ as: DType) -> [T] {
        let src = self.dtype == `as` ? contiguous() : to(`as`)
        let n = scalarCount
        return [T](unsafeUninitializedCapacity: n) { buf, initialized in
            if n > 0 { memcpyElements(buf.baseAddress!, src, n) }
            initialized = n
        }
    }

    /// The single element of a one-element tensor, as Float.
    public func item() -> Float {
        if scalarCount != 1 { fatalError("item(): only a one-element tensor can be converted to a number (shape \(shape))") }
        return scalars[0]
    }

    /// The single element of a one-element tensor, as Double.
    public func itemDouble() -> Double {
        if scalarCount != 1 { fatalError("itemDouble(): only a one-element tensor can be converted to a number (shape \(shape))") }
        return doubles[0]
    }
}

/// Copies n elements of a contiguous tensor into raw memory.
func memcpyElements(_ dst: UnsafeMutableRawPointer, _ t: Tensor, _ n: Int) {
    withExtendedLifetime(t) { _ = memcpy(dst, t.data, n * t.dtype.byteSize) }
}

/// Row-major strides of a shape.
func contiguousStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var s = 1
    for d in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[d] = s
        s *= max(shape[d], 1)
    }
    return strides
}

/// Element count of a shape; traps on negative sizes or overflow.
func checkedCount(_ shape: [Int], op: String) -> Int {
    var n = 1
    for d in shape {
        if d < 0 { fatalError("\(op): negative dimension in shape \(shape)") }
        let (m, overflow) = n.multipliedReportingOverflow(by: d)
        if overflow || m > Int(Int32.max) * 1024 { fatalError("\(op): shape \(shape) has too many elements") }
        n = m
    }
    return n
}

/// Calls `body` with a shape or stride array as `const int64_t *` (nil when empty).
@inline(__always)
func withInt64<R>(_ a: [Int], _ body: (UnsafePointer<Int64>?) -> R) -> R {
    a.withUnsafeBufferPointer { buf in
        body(buf.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: Int64.self) })
    }
}

/// Normalizes a possibly negative dimension index against a rank, trapping with the op's name.
func normalizeDim(_ dim: Int, rank: Int, op: String) -> Int {
    let r = max(rank, 1)
    let d = dim < 0 ? dim + r : dim
    if d < 0 || d >= r {
        fatalError("\(op): dimension \(dim) is out of range for a tensor of rank \(rank) (expected \(-r)..<\(r))")
    }
    return d
}
