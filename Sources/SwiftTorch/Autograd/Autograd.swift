// Reverse-mode automatic differentiation.
//
// Every differentiable op, when one of its inputs requires grad and recording is on, gives its result a
// `GradFunction` node holding the inputs (and whatever the backward rule saved). `backward()` orders the
// graph topologically from the output, runs each node once with the sum of the gradients that reached
// it, and adds the gradients of leaves into their `grad`. Backward rules are themselves tensor ops run
// without recording (no higher-order gradients).
import CKernels
import Synchronization

/// Counts backward passes; each marks the tensors it visits with its number.
let backwardPasses = Atomic<UInt64>(0)

/// A node of the autograd graph: the backward rule of one op application.
public protocol GradFunction: AnyObject, CustomStringConvertible {
    /// The op's name, e.g. "matmul".
    var name: String { get }
    /// The op's inputs, in the order of `apply`'s result.
    var inputs: [Tensor] { get }
    /// Gradients with respect to each input given the gradient of the output (nil: no gradient).
    func apply(_ gradOutput: Tensor) -> [Tensor?]
}

/// A backward rule given as a closure next to its forward code. The rule receives the op's output as
/// an argument rather than capturing it: the output owns this node, so a captured output would be a
/// reference cycle and every graph that used it would leak. The node refers to its output `unowned`
/// (it never outlives it in backward: the output is the tensor whose gradient is being propagated).
final class ClosureGradFunction: GradFunction {
    let name: String
    let inputs: [Tensor]
    let rule: (_ gradOutput: Tensor, _ output: Tensor) -> [Tensor?]
    unowned let output: Tensor

    init(_ name: String, _ inputs: [Tensor], output: Tensor, _ rule: @escaping (Tensor, Tensor) -> [Tensor?]) {
        self.name = name
        self.inputs = inputs
        self.output = output
        self.rule = rule
    }

    func apply(_ gradOutput: Tensor) -> [Tensor?] { rule(gradOutput, output) }
    var description: String { "<\(name)Backward>" }
}

/// True when gradient recording is on for this thread.
@inline(__always) var gradEnabled: Bool { st_grad_enabled() != 0 }

/// True when an op on `a` must record a node.
@inline(__always) func needsGrad(_ a: Tensor) -> Bool { a.requiresGrad && gradEnabled }
@inline(__always) func needsGrad(_ a: Tensor, _ b: Tensor) -> Bool { (a.requiresGrad || b.requiresGrad) && gradEnabled }
func needsGrad(_ ts: [Tensor]) -> Bool { gradEnabled && ts.contains { $0.requiresGrad } }

/// Links `out` into the graph with a backward rule (one gradient per input, in order). The rule must
/// not capture `out` (a leak); rules that need it take it as their second argument (next overload).
func attach(_ out: Tensor, _ name: String, _ inputs: [Tensor], _ rule: @escaping (Tensor) -> [Tensor?]) {
    out.requiresGrad = true
    out.gradFn = ClosureGradFunction(name, inputs, output: out) { g, _ in rule(g) }
}

/// `attach` for a rule that uses the op's output: rule(gradOutput, output).
func attach(_ out: Tensor, _ name: String, _ inputs: [Tensor], _ rule: @escaping (Tensor, Tensor) -> [Tensor?]) {
    out.requiresGrad = true
    out.gradFn = ClosureGradFunction(name, inputs, output: out, rule)
}

/// Runs `body` without recording any graph (like `torch.no_grad()`); restores the previous mode.
public func withNoGrad<R>(_ body: () throws -> R) rethrows -> R {
    let previous = st_grad_enabled()
    st_set_grad_enabled(0)
    defer { st_set_grad_enabled(previous) }
    return try body()
}

/// Runs `body` with gradient recording on (inside a `withNoGrad` scope, for example).
public func withGrad<R>(_ body: () throws -> R) rethrows -> R {
    let previous = st_grad_enabled()
    st_set_grad_enabled(1)
    defer { st_set_grad_enabled(previous) }
    return try body()
}

/// Whether this thread records graphs now.
public var isGradEnabled: Bool { gradEnabled }

extension Tensor {
    /// Back-propagates from this tensor: a scalar (one element) starts from gradient 1; otherwise
    /// `gradient` (the same shape) is required. Leaves that require grad receive the sum of all paths'
    /// gradients, added to what their `grad` already holds.
    public func backward(gradient: Tensor? = nil) {
        if !requiresGrad {
            fatalError("backward(): tensor of shape \(shape) does not require grad and has no gradFn; set requiresGrad on its inputs")
        }
        let seed: Tensor
        if let g = gradient {
            if g.shape != shape {
                fatalError("backward(gradient:): gradient shape \(g.shape) must equal the tensor's shape \(shape)")
            }
            seed = g.dtype == dtype ? g : g.to(dtype)
        } else {
            if scalarCount != 1 { fatalError("backward() requires gradient for non-scalar tensors (shape \(shape))") }
            seed = Tensor.ones(shape, dtype: dtype)
        }
        guard gradFn != nil else { // a leaf: its gradient is the seed
            accumulateGrad(seed)
            return
        }
        let order = interiorOrder(pass: backwardPasses.add(1, ordering: .relaxed).newValue)
        withNoGrad {
            pendingGrad = seed
            for t in order.reversed() {
                guard let g = t.pendingGrad, let fn = t.gradFn else { continue }
                t.pendingGrad = nil
                let inputGrads = fn.apply(g)
                for (input, gi) in zip(fn.inputs, inputGrads) where input.requiresGrad {
                    guard let gi else { continue }
                    if gi.shape != input.shape {
                        fatalError("backward: \(fn.name) returned a gradient of shape \(gi.shape) for an input of shape \(input.shape)")
                    }
                    if input.gradFn == nil {
                        input.accumulateGrad(gi) // leaves take each path's gradient as it arrives
                    } else {
                        input.pendingGrad = input.pendingGrad.map { $0 + gi } ?? gi
                    }
                }
            }
        }
    }

    /// The graph's interior tensors (those with a gradFn) reachable from self through inputs that
    /// require grad, inputs before users. `pass` marks the tensors visited (no hash set: a tiny graph's
    /// backward would spend most of its time hashing).
    func interiorOrder(pass: UInt64) -> [Tensor] {
        struct Frame { let tensor: Tensor; let next: Int }
        var order: [Tensor] = [], stack: [Frame] = []
        order.reserveCapacity(16)
        stack.reserveCapacity(16)
        stack.append(Frame(tensor: self, next: 0))
        backwardPass = pass
        while let frame = stack.popLast() {
            let inputs = frame.tensor.gradFn!.inputs
            if frame.next < inputs.count {
                stack.append(Frame(tensor: frame.tensor, next: frame.next + 1))
                let child = inputs[frame.next]
                if child.requiresGrad && child.gradFn != nil && child.backwardPass != pass {
                    child.backwardPass = pass
                    stack.append(Frame(tensor: child, next: 0))
                }
            } else {
                order.append(frame.tensor)
            }
        }
        return order
    }

    /// grad += g (the first gradient is copied so the leaf owns it).
    func accumulateGrad(_ g: Tensor) {
        if let existing = grad {
            withExtendedLifetime((existing, g)) {
                withInt64(shape) { sh in
                    withInt64(existing.strides) { sd in
                        withInt64(g.strides) { ss in
                            st_accumulate(dtype.c, Int32(rank), sh, existing.data, sd, g.data, ss)
                        }
                    }
                }
            }
        } else {
            let copy = Tensor.empty(shape, dtype: dtype, strides: isContiguous ? strides : nil)
            copyElements(from: g, into: copy)
            grad = copy
        }
    }

    /// Releases a tensor's graph node without recursion (called by deinit): the outermost release on a
    /// thread drops the node and then drains the thread's queue, into which nodes freed meanwhile put
    /// their inputs' nodes (tensor/thread_state.c). A 100k-op chain is freed in constant stack depth.
    static func releaseGraph(_ slot: inout GradFunction?) {
        guard st_release_queue_begin() != 0 else {
            if let fn = slot, st_release_queue_push(Unmanaged.passRetained(fn as AnyObject).toOpaque()) != 0 {
                slot = nil
            }
            return
        }
        slot = nil
        while let p = st_release_queue_pop() { Unmanaged<AnyObject>.fromOpaque(p).release() }
        st_release_queue_end()
    }

    /// Sets `grad` to nil.
    public func zeroGrad() { grad = nil }

    /// The same data without a gradient link (shares storage).
    public func detach() -> Tensor {
        Tensor(storage: storage, shape: shape, strides: strides, offset: offset, dtype: dtype)
    }
}
