// Elementwise ops with broadcasting: arithmetic, math functions, comparisons (masks of 0/1 in the
// operand's dtype), where. Each op's backward rule sits next to its forward.
//
// Broadcast operands' gradients are summed back to their shapes (sumTo). FLOPs: one per output element.
import CKernels

extension Tensor {
    // ------------------------------------------------------------------ kernel calls (no graph)
    /// out = a op b with broadcasting; no graph, no ledger.
    static func binaryKernel(_ op: st_binary_op, _ name: String, _ a: Tensor, _ b: Tensor) -> Tensor {
        if a.dtype != b.dtype {
            fatalError("\(name): dtype mismatch: \(a.dtype) and \(b.dtype) (convert one with .to(_:))")
        }
        if !a.dtype.isFloatingPoint && (op == ST_DIV || op == ST_POW) {
            fatalError("\(name): not supported for integer tensors (\(a.dtype)); convert with .to(.float32)")
        }
        if a.shape == b.shape && a.isContiguous && b.isContiguous {
            let out = Tensor.empty(a.shape, dtype: a.dtype, strides: a.strides)
            var n = Int64(a.scalarCount), one: Int64 = 1
            withExtendedLifetime((a, b)) {
                st_binary(op, a.dtype.c, 1, &n, out.data, &one, a.data, &one, b.data, &one)
            }
            return out
        }
        let shape = broadcastShape(a.shape, b.shape, op: name)
        let out = Tensor.empty(shape, dtype: a.dtype)
        let (s, st) = coalesce(shape, [out.strides, a.broadcastStrides(to: shape), b.broadcastStrides(to: shape)])
        withExtendedLifetime((a, b)) {
            withInt64(s) { sh in withInt64(st[0]) { so in withInt64(st[1]) { sa in withInt64(st[2]) { sb in
                st_binary(op, a.dtype.c, Int32(s.count), sh, out.data, so, a.data, sa, b.data, sb)
            } } } }
        }
        return out
    }

    /// out = op(self; p0, p1); no graph, no ledger.
    func unaryKernel(_ op: st_unary_op, _ name: String, _ p0: Double = 0, _ p1: Double = 0) -> Tensor {
        if !dtype.isFloatingPoint && !Tensor.integerUnaryOps.contains(op.rawValue) {
            fatalError("\(name): not supported for integer tensors (\(dtype)); convert with .to(.float32)")
        }
        // Integer kernels convert p0/p1 to the element type: a fractional scalar would be truncated silently.
        if !dtype.isFloatingPoint, let p = [p0, p1].first(where: { $0.isFinite && $0.rounded() != $0 }) {
            fatalError("\(name): the scalar \(p) is not a whole number, and \(dtype) tensors compute in integers; convert with .to(.float32)")
        }
        if isContiguous {
            let out = Tensor.empty(shape, dtype: dtype, strides: strides)
            var n = Int64(scalarCount), one: Int64 = 1
            withExtendedLifetime(self) { st_unary(op, dtype.c, 1, &n, out.data, &one, data, &one, p0, p1) }
            return out
        }
        let out = Tensor.empty(shape, dtype: dtype)
        let (s, st) = coalesce(shape, [out.strides, strides])
        withExtendedLifetime(self) {
            withInt64(s) { sh in withInt64(st[0]) { so in withInt64(st[1]) { sx in
                st_unary(op, dtype.c, Int32(s.count), sh, out.data, so, data, sx, p0, p1)
            } } }
        }
        return out
    }

    static let integerUnaryOps: Set<UInt32> = Set([ST_NEG, ST_ABS, ST_RELU, ST_SIGN, ST_SQUARE, ST_CLAMP, ST_ADD_S,
                                                   ST_MUL_S, ST_RSUB_S, ST_EQ_S, ST_NE_S, ST_LT_S, ST_LE_S, ST_GT_S,
                                                   ST_GE_S, ST_MASK_RANGE].map(\.rawValue))

    // ------------------------------------------------------------------ arithmetic
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let out = binaryKernel(ST_ADD, "add", a, b)
        if needsGrad(a, b) { attach(out, "add", [a, b]) { g in [g.sumTo(a.shape), g.sumTo(b.shape)] } }
        Ledger.record("add", [a, b], out)
        return out
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let out = binaryKernel(ST_SUB, "sub", a, b)
        if needsGrad(a, b) { attach(out, "sub", [a, b]) { g in [g.sumTo(a.shape), (-g).sumTo(b.shape)] } }
        Ledger.record("sub", [a, b], out)
        return out
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let out = binaryKernel(ST_MUL, "mul", a, b)
        if needsGrad(a, b) {
            attach(out, "mul", [a, b]) { g in
                [a.requiresGrad ? (g * b).sumTo(a.shape) : nil, b.requiresGrad ? (g * a).sumTo(b.shape) : nil]
            }
        }
        Ledger.record("mul", [a, b], out)
        return out
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let out = binaryKernel(ST_DIV, "div", a, b)
        if needsGrad(a, b) {
            attach(out, "div", [a, b]) { g, out in
                [a.requiresGrad ? (g / b).sumTo(a.shape) : nil,
                 b.requiresGrad ? (-(g * out) / b).sumTo(b.shape) : nil]
            }
        }
        Ledger.record("div", [a, b], out)
        return out
    }

    public static prefix func - (a: Tensor) -> Tensor { a.unary(ST_NEG, "neg") { g, _ in -g } }

    public static func + (a: Tensor, s: Float) -> Tensor { a.scalarOp(ST_ADD_S, "add", Double(s)) { g in g } }
    public static func + (s: Float, a: Tensor) -> Tensor { a + s }
    public static func - (a: Tensor, s: Float) -> Tensor { a + (-s) }
    public static func - (s: Float, a: Tensor) -> Tensor { a.scalarOp(ST_RSUB_S, "rsub", Double(s)) { g in -g } }
    public static func * (a: Tensor, s: Float) -> Tensor { a.mulScalar(Double(s)) }
    public static func * (s: Float, a: Tensor) -> Tensor { a * s }
    public static func / (a: Tensor, s: Float) -> Tensor {
        if !a.dtype.isFloatingPoint {
            fatalError("div: not supported for integer tensors (\(a.dtype)); convert with .to(.float32)")
        }
        return a.mulScalar(1 / Double(s))
    }
    public static func / (s: Float, a: Tensor) -> Tensor {
        a.unary(ST_RDIV_S, "rdiv", Double(s)) { g, out in -(g * out) / a }
    }

    /// self * s with a Double factor (exact for float64 tensors).
    func mulScalar(_ s: Double) -> Tensor { scalarOp(ST_MUL_S, "mul", s) { g in g.mulScalar(s) } }
    /// self + s with a Double term.
    func addScalar(_ s: Double) -> Tensor { scalarOp(ST_ADD_S, "add", s) { g in g } }

    private func scalarOp(_ op: st_unary_op, _ name: String, _ s: Double, _ rule: @escaping (Tensor) -> Tensor) -> Tensor {
        let out = unaryKernel(op, name, s)
        if needsGrad(self) { attach(out, name, [self]) { g in [rule(g)] } }
        Ledger.record(name, [self], out)
        return out
    }

    /// A unary op whose backward rule gets (gradOutput, output).
    func unary(_ op: st_unary_op, _ name: String, _ p0: Double = 0, _ p1: Double = 0,
                       _ rule: @escaping (Tensor, Tensor) -> Tensor) -> Tensor {
        let out = unaryKernel(op, name, p0, p1)
        if needsGrad(self) { attach(out, name, [self]) { g, out in [rule(g, out)] } }
        Ledger.record(name, [self], out)
        return out
    }

    // ------------------------------------------------------------------ math functions
    public func exp() -> Tensor { unary(ST_EXP, "exp") { g, out in g * out } }
    public func log() -> Tensor { unary(ST_LOG, "log") { g, _ in g / self } }
    public func sqrt() -> Tensor { unary(ST_SQRT, "sqrt") { g, out in (g / out).mulScalar(0.5) } }
    public func abs() -> Tensor { unary(ST_ABS, "abs") { g, _ in g * self.unaryKernel(ST_SIGN, "sign") } }
    public func tanh() -> Tensor { unary(ST_TANH, "tanh") { g, out in g * (1 - out * out) } }
    public func sin() -> Tensor { unary(ST_SIN, "sin") { g, _ in g * self.cos() } }
    public func cos() -> Tensor { unary(ST_COS, "cos") { g, _ in -(g * self.sin()) } }
    public func square() -> Tensor { unary(ST_SQUARE, "square") { g, _ in (g * self).mulScalar(2) } }
    /// Logistic sigmoid, computed without overflow for any input (sign-split: exp of -|x| only).
    public func sigmoid() -> Tensor { unary(ST_SIGMOID, "sigmoid") { g, out in g * out * (1 - out) } }
    /// max(x, 0) (NaN stays NaN); backward 0 where x <= 0, else dY, in one fused pass, as PyTorch's
    /// threshold_backward (a NaN x passes its gradient).
    public func relu() -> Tensor { unary(ST_RELU, "relu") { g, _ in Tensor.binaryKernel(ST_RELU_GRAD, "relu backward", g, self) } }
    /// -1, 0 or 1 by the sign of each element (no gradient).
    public func sign() -> Tensor { unaryKernel(ST_SIGN, "sign") }

    /// Elements limited to [min, max]; the gradient passes where min <= x <= max.
    public func clamp(min lo: Float? = nil, max hi: Float? = nil) -> Tensor {
        let l = lo.map(Double.init) ?? -.infinity, h = hi.map(Double.init) ?? .infinity
        return unary(ST_CLAMP, "clamp", l, h) { g, _ in g * self.unaryKernel(ST_MASK_RANGE, "clamp", l, h) }
    }

    /// self ^ exponent (elementwise).
    public func pow(_ exponent: Float) -> Tensor {
        let e = Double(exponent)
        return unary(ST_POW_S, "pow", e) { g, _ in (g * self.unaryKernel(ST_POW_S, "pow", e - 1)).mulScalar(e) }
    }

    /// self ^ exponent with a tensor exponent (broadcast); the exponent's gradient is out * log(self).
    public func pow(_ exponent: Tensor) -> Tensor {
        let out = Tensor.binaryKernel(ST_POW, "pow", self, exponent)
        if needsGrad(self, exponent) {
            attach(out, "pow", [self, exponent]) { g, out in
                [self.requiresGrad ? (g * exponent * self.pow(exponent - 1)).sumTo(self.shape) : nil,
                 exponent.requiresGrad ? (g * out * self.log()).sumTo(exponent.shape) : nil]
            }
        }
        Ledger.record("pow", [self, exponent], out)
        return out
    }

    /// Elementwise maximum (NaN propagates); on ties the gradient is split equally.
    public static func maximum(_ a: Tensor, _ b: Tensor) -> Tensor { extremum(ST_MAXIMUM, ST_GT, "maximum", a, b) }
    /// Elementwise minimum (NaN propagates); on ties the gradient is split equally.
    public static func minimum(_ a: Tensor, _ b: Tensor) -> Tensor { extremum(ST_MINIMUM, ST_LT, "minimum", a, b) }

    private static func extremum(_ op: st_binary_op, _ wins: st_binary_op, _ name: String, _ a: Tensor, _ b: Tensor) -> Tensor {
        let out = binaryKernel(op, name, a, b)
        if needsGrad(a, b) {
            attach(out, name, [a, b]) { g in
                let tie = binaryKernel(ST_EQ, name, a, b).mulScalar(0.5)
                let wa = binaryKernel(wins, name, a, b) + tie, wb = binaryKernel(wins, name, b, a) + tie
                return [(g * wa).sumTo(a.shape), (g * wb).sumTo(b.shape)]
            }
        }
        Ledger.record(name, [a, b], out)
        return out
    }

    // ------------------------------------------------------------------ comparisons (masks, no gradient)
    public static func .== (a: Tensor, b: Tensor) -> Tensor { compare(ST_EQ, "eq", a, b) }
    public static func .!= (a: Tensor, b: Tensor) -> Tensor { compare(ST_NE, "ne", a, b) }
    public static func .< (a: Tensor, b: Tensor) -> Tensor { compare(ST_LT, "lt", a, b) }
    public static func .<= (a: Tensor, b: Tensor) -> Tensor { compare(ST_LE, "le", a, b) }
    public static func .> (a: Tensor, b: Tensor) -> Tensor { compare(ST_GT, "gt", a, b) }
    public static func .>= (a: Tensor, b: Tensor) -> Tensor { compare(ST_GE, "ge", a, b) }
    public static func .== (a: Tensor, s: Float) -> Tensor { a.compare(ST_EQ_S, "eq", s) }
    public static func .!= (a: Tensor, s: Float) -> Tensor { a.compare(ST_NE_S, "ne", s) }
    public static func .< (a: Tensor, s: Float) -> Tensor { a.compare(ST_LT_S, "lt", s) }
    public static func .<= (a: Tensor, s: Float) -> Tensor { a.compare(ST_LE_S, "le", s) }
    public static func .> (a: Tensor, s: Float) -> Tensor { a.compare(ST_GT_S, "gt", s) }
    public static func .>= (a: Tensor, s: Float) -> Tensor { a.compare(ST_GE_S, "ge", s) }

    private static func compare(_ op: st_binary_op, _ name: String, _ a: Tensor, _ b: Tensor) -> Tensor {
        let out = binaryKernel(op, name, a, b)
        Ledger.record(name, [a, b], out)
        return out
    }

    private func compare(_ op: st_unary_op, _ name: String, _ s: Float) -> Tensor {
        let out = unaryKernel(op, name, Double(s))
        Ledger.record(name, [self], out)
        return out
    }

    /// Elements of `a` where `condition` is nonzero, else of `b` (all three broadcast together). The
    /// condition may have any dtype (a mask from a comparison has its operands' dtype).
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        if a.dtype != b.dtype {
            fatalError("where: dtype mismatch: a \(a.dtype), b \(b.dtype) (convert one with .to(_:))")
        }
        if condition.dtype != a.dtype {
            return Tensor.where(withNoGrad { condition.unaryKernel(ST_NE_S, "where", 0).to(a.dtype) }, a, b)
        }
        let shape = broadcastShape(broadcastShape(condition.shape, a.shape, op: "where"), b.shape, op: "where")
        let out = Tensor.empty(shape, dtype: a.dtype)
        let (s, st) = coalesce(shape, [out.strides, condition.broadcastStrides(to: shape),
                                       a.broadcastStrides(to: shape), b.broadcastStrides(to: shape)])
        withExtendedLifetime((condition, a, b)) {
            withInt64(s) { sh in withInt64(st[0]) { so in withInt64(st[1]) { sc in withInt64(st[2]) { sa in
                withInt64(st[3]) { sb in
                    st_where(a.dtype.c, Int32(s.count), sh, out.data, so, condition.data, sc, a.data, sa, b.data, sb)
                }
            } } } }
        }
        if needsGrad(a, b) {
            attach(out, "where", [a, b]) { g in
                let zero = Tensor.zeros([], dtype: g.dtype)
                return [Tensor.where(condition, g, zero).sumTo(a.shape), Tensor.where(condition, zero, g).sumTo(b.shape)]
            }
        }
        Ledger.record("where", [condition, a, b], out)
        return out
    }
}

/// Free-function spellings (PyTorch's torch.exp(x) etc.).
public func exp(_ x: Tensor) -> Tensor { x.exp() }
public func log(_ x: Tensor) -> Tensor { x.log() }
public func sqrt(_ x: Tensor) -> Tensor { x.sqrt() }
public func tanh(_ x: Tensor) -> Tensor { x.tanh() }
public func sigmoid(_ x: Tensor) -> Tensor { x.sigmoid() }
public func relu(_ x: Tensor) -> Tensor { x.relu() }
