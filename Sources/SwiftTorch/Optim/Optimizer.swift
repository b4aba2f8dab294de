// Optimizers update the live parameter tensors in place from their `grad`, with fused C kernels
// (tensor/optim.c). Parameters whose grad is nil are skipped. State (momentum buffers, Adam moments,
// the step count) is a dictionary of tensors named "<parameter index>.<buffer>" plus "step", which a
// checkpoint saves and `loadStateDict` restores.
//   state memory: SGD with momentum 1× the parameters, Adam/AdamW 2× (m and v)
import CKernels

public protocol Optimizer: AnyObject {
    /// The tensors this optimizer updates, in order.
    var parameters: [Tensor] { get }
    /// The learning rate of the next step (schedules write it).
    var lr: Double { get set }
    /// Steps taken so far.
    var stepCount: Int { get }
    /// Updates every parameter that has a gradient.
    func step()
    /// The optimizer's buffers and step count, by name (the tensors themselves).
    func stateDict() -> [String: Tensor]
    /// Restores buffers and step count saved by `stateDict()`; throws naming every mismatch.
    func loadStateDict(_ state: [String: Tensor]) throws
}

extension Optimizer {
    /// Sets `grad` to nil on every parameter.
    public func zeroGrad() { for p in parameters { p.zeroGrad() } }
}

/// Buffers of an optimizer: one tensor per (parameter index, name), created on first use.
final class OptimizerBuffers {
    private(set) var tensors: [String: Tensor] = [:]
    private let names: [String]
    private let parameters: [Tensor]

    init(parameters: [Tensor], names: [String]) {
        self.parameters = parameters
        self.names = names
    }

    /// The buffer `name` of parameter i (zeros of its shape on first use); `created` tells which.
    func buffer(_ name: String, _ i: Int) -> (tensor: Tensor, created: Bool) {
        let key = "\(i).\(name)"
        if let t = tensors[key] { return (t, false) }
        let t = Tensor.zeros(parameters[i].shape, dtype: parameters[i].dtype)
        tensors[key] = t
        return (t, true)
    }

    func stateDict(step: Int) -> [String: Tensor] {
        var d = tensors
        d["step"] = Tensor(integers: [step], shape: [])
        return d
    }

    /// Validates `state` against the parameters and the buffer names, then takes copies; returns the step.
    func load(_ state: [String: Tensor]) throws -> Int {
        var problems: [String] = []
        var loaded: [String: Tensor] = [:]
        guard let step = state["step"], step.count == 1, !step.dtype.isFloatingPoint else {
            throw StateDictError(problems: ["missing or invalid step (an integer scalar)"])
        }
        for (key, t) in state where key != "step" {
            let parts = key.split(separator: ".", maxSplits: 1)
            guard parts.count == 2, let i = Int(parts[0]), parameters.indices.contains(i), names.contains(String(parts[1])) else {
                problems.append("unexpected \(key)")
                continue
            }
            let p = parameters[i]
            if t.shape != p.shape || t.dtype != p.dtype {
                problems.append("\(key): \(t.dtype) \(t.shape), expected \(p.dtype) \(p.shape)")
                continue
            }
            loaded[key] = t.clone()
        }
        if !problems.isEmpty { throw StateDictError(problems: problems.sorted()) }
        tensors = loaded
        return step.integers[0]
    }
}

/// Raw pointers of a parameter and its (contiguous) gradient for an update kernel.
func withUpdate(_ p: Tensor, _ body: (UnsafeMutableRawPointer, UnsafeRawPointer) -> Void) {
    guard let g0 = p.grad else { return }
    if !p.isContiguous { fatalError("optimizer: parameter \(p.shape) must be contiguous (create it with Tensor(...), not as a view)") }
    if g0.shape != p.shape || g0.dtype != p.dtype {
        fatalError("optimizer: gradient \(g0.dtype) \(g0.shape) does not match its parameter \(p.dtype) \(p.shape)")
    }
    let g = g0.contiguous()
    withExtendedLifetime((p, g)) { body(p.data, UnsafeRawPointer(g.data)) }
}
