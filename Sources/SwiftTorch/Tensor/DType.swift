// Element types of a tensor.
import CKernels

/// The element type of a tensor. `float32` is the compute type with fast kernels; `float64` runs every
/// differentiable op at reference speed so gradients can be checked by finite differences; the integer
/// types hold indices and labels.
public enum DType: String, Sendable, CaseIterable, CustomStringConvertible {
    case float32, float64, int32, int64

    /// Bytes per element.
    public var byteSize: Int { self == .float32 || self == .int32 ? 4 : 8 }
    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }
    public var description: String { rawValue }

    var c: st_dtype {
        switch self {
        case .float32: return ST_F32
        case .float64: return ST_F64
        case .int32: return ST_I32
        case .int64: return ST_I64
        }
    }
}
