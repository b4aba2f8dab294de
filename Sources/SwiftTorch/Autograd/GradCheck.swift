// Finite-difference gradient checking, like torch.autograd.gradcheck.
//
// Inputs are copied to float64 leaves. The analytic Jacobian comes from one backward pass per output
// element; the numeric one from central differences (f(x + eps) - f(x - eps)) / 2eps per input element,
// whose error is O(eps²) rather than the O(eps) of a one-sided difference. float64 keeps the rounding
// error of the difference (~1e-16 / eps) far below the tolerance; in float32 it would be ~1e-7 / eps.
// An element passes when |analytic - numeric| <= atol + rtol * |numeric|.
import CKernels
import Foundation

/// The outcome of `gradCheck`, with the worst element found.
public struct GradCheckResult: CustomStringConvertible, Sendable {
    public var passed: Bool
    /// Largest |analytic - numeric| and the relative error at the same element.
    public var maxAbsoluteError: Double
    public var maxRelativeError: Double
    /// Where the worst mismatch (relative to the allowed error) occurs.
    public var inputIndex: Int
    public var position: [Int]
    public var outputIndex: Int
    public var analytic: Double
    public var numeric: Double
    /// Number of Jacobian entries compared.
    public var checked: Int

    public var description: String {
        let verdict = passed ? "gradCheck passed" : "gradCheck failed"
        return "\(verdict): worst at input \(inputIndex), element \(position), output element \(outputIndex): analytic \(analytic) vs numeric \(numeric) (max abs error \(maxAbsoluteError), max rel error \(maxRelativeError), \(checked) entries)"
    }
}

/// Checks the gradients `f` computes for every floating-point input against central finite differences
/// in float64. Integer inputs (indices) are passed through unchanged and not checked.
public func gradCheck(_ f: ([Tensor]) -> Tensor, inputs: [Tensor], eps: Double = 1e-6, atol: Double = 1e-5,
                      rtol: Double = 1e-3) -> GradCheckResult {
    let xs: [Tensor] = inputs.map { x in
        guard x.dtype.isFloatingPoint else { return x }
        let c = withNoGrad { x.to(.float64).contiguous().clone() }
        c.requiresGrad = true
        return c
    }
    let y = withGrad { f(xs) }
    if y.dtype != .float64 {
        fatalError("gradCheck: the function must compute in float64 (its output is \(y.dtype)); use the inputs' dtype")
    }
    let m = y.scalarCount
    // Analytic Jacobian: row j = gradients of output element j with respect to every input element.
    var analytic: [[[Double]]] = Array(repeating: [], count: xs.count) // [input][j][element]
    if y.requiresGrad {
        for j in 0..<m {
            for x in xs { x.zeroGrad() }
            var seed = [Double](repeating: 0, count: m)
            seed[j] = 1
            y.backward(gradient: Tensor(float64: seed, shape: y.shape))
            for (i, x) in xs.enumerated() where x.dtype.isFloatingPoint {
                analytic[i].append(x.grad?.doubles ?? [Double](repeating: 0, count: x.scalarCount))
            }
        }
    }
    var result = GradCheckResult(passed: true, maxAbsoluteError: 0, maxRelativeError: 0, inputIndex: -1, position: [],
                                 outputIndex: -1, analytic: 0, numeric: 0, checked: 0)
    var worstRatio = -1.0
    withNoGrad {
        for (i, x) in xs.enumerated() where x.dtype.isFloatingPoint {
            let p = x.data.assumingMemoryBound(to: Double.self)
            for e in 0..<x.scalarCount {
                let saved = p[e]
                p[e] = saved + eps
                let plus = f(xs).doubles
                p[e] = saved - eps
                let minus = f(xs).doubles
                p[e] = saved
                for j in 0..<m {
                    let numeric = (plus[j] - minus[j]) / (2 * eps)
                    let a = analytic[i].isEmpty ? 0 : analytic[i][j][e]
                    let err = Swift.abs(a - numeric), allowed = atol + rtol * Swift.abs(numeric)
                    let rel = err / Swift.max(Swift.abs(numeric), 1e-300)
                    result.checked += 1
                    if err > result.maxAbsoluteError { result.maxAbsoluteError = err }
                    if err > 0 && rel > result.maxRelativeError { result.maxRelativeError = rel }
                    if !(err <= allowed) { result.passed = false }
                    let ratio = err.isNaN ? .infinity : err / allowed
                    if ratio > worstRatio {
                        worstRatio = ratio
                        result.inputIndex = i
                        result.position = unravel(e, x.shape)
                        result.outputIndex = j
                        result.analytic = a
                        result.numeric = numeric
                    }
                }
            }
        }
    }
    return result
}

/// Multi-index of flat position e in a row-major shape.
func unravel(_ e: Int, _ shape: [Int]) -> [Int] {
    var r = e
    var idx = [Int](repeating: 0, count: shape.count)
    for d in stride(from: shape.count - 1, through: 0, by: -1) where shape[d] > 0 {
        idx[d] = r % shape[d]
        r /= shape[d]
    }
    return idx
}
