// Layers (PyTorch's nn.Module): a forward function, parameters with stable dotted names, and a
// train/eval flag that reaches every child.
//
// A layer finds its parameters and children by reflection, like nn.Module's attribute registry: every
// stored `Tensor` (or `Tensor?`, `[Tensor]`) is a parameter named after its property, every stored
// `Layer` (or `Layer?`, `[Layer]`) a child, so `model.layers.0.weight` names the weight of the first
// layer inside a model's `layers` property. A layer can list them explicitly instead by implementing
// `localParameters` / `children`.
import Foundation

public protocol Layer: AnyObject {
    /// The layer's computation. `callAsFunction` calls it.
    func forward(_ x: Tensor) -> Tensor
    /// Training mode (dropout active) or evaluation mode; set for the whole tree by `train()` / `eval()`.
    var training: Bool { get set }
    /// This layer's own parameters with local names ("weight", "bias"); by default every stored tensor.
    var localParameters: [(name: String, tensor: Tensor)] { get }
    /// Direct sub-layers with local names; by default every stored layer.
    var children: [(name: String, layer: any Layer)] { get }
}

/// PyTorch's name for the same protocol.
public typealias Module = Layer

extension Layer {
    public func callAsFunction(_ x: Tensor) -> Tensor { forward(x) }

    public var localParameters: [(name: String, tensor: Tensor)] {
        reflectedProperties().compactMap { name, value in (value as? Tensor).map { (name, $0) } }
    }

    public var children: [(name: String, layer: any Layer)] {
        reflectedProperties().compactMap { name, value in (value as? any Layer).map { (name, $0) } }
    }

    /// Stored properties by name, arrays expanded into "name.0", "name.1", ...; optionals unwrapped.
    private func reflectedProperties() -> [(String, Any)] {
        var out: [(String, Any)] = []
        var mirror: Mirror? = Mirror(reflecting: self)
        var seen = Set<String>()
        while let m = mirror {
            for child in m.children {
                guard var name = child.label, !seen.contains(name) else { continue }
                seen.insert(name)
                if name.hasPrefix("$__lazy_storage_$_") { name.removeFirst("$__lazy_storage_$_".count) }
                if name.hasPrefix("_") { name.removeFirst() } // property wrappers' storage
                if let tensors = child.value as? [Tensor] {
                    out += tensors.enumerated().map { ("\(name).\($0.offset)", $0.element) }
                } else if let layers = child.value as? [any Layer] {
                    out += layers.enumerated().map { ("\(name).\($0.offset)", $0.element) }
                } else {
                    out.append((name, child.value))
                }
            }
            mirror = m.superclassMirror
        }
        return out
    }

    /// Every parameter of the tree with its dotted name ("layers.0.weight"), children after the
    /// layer's own, each tensor once (a shared tensor keeps its first name).
    public func namedParameters() -> [(name: String, tensor: Tensor)] {
        var out: [(name: String, tensor: Tensor)] = []
        var seen = Set<ObjectIdentifier>()
        func visit(_ layer: any Layer, _ prefix: String) {
            for (name, t) in layer.localParameters where seen.insert(ObjectIdentifier(t)).inserted {
                out.append((prefix + name, t))
            }
            for (name, child) in layer.children { visit(child, prefix + name + ".") }
        }
        visit(self, "")
        return out
    }

    /// The live parameter tensors (optimizers update them in place).
    public func parameters() -> [Tensor] { namedParameters().map(\.tensor) }

    /// Number of scalars in all parameters.
    public var parameterCount: Int { parameters().reduce(0) { $0 + $1.count } }

    /// Sets training mode (or evaluation mode with `false`) on this layer and every descendant.
    public func train(_ mode: Bool = true) {
        training = mode
        for (_, child) in children { child.train(mode) }
    }

    /// Evaluation mode for the whole tree (dropout off).
    public func eval() { train(false) }

    /// Sets `grad` to nil on every parameter.
    public func zeroGrad() { for p in parameters() { p.zeroGrad() } }

    /// The parameters by dotted name (the tensors themselves, not copies).
    public func stateDict() -> [String: Tensor] {
        Dictionary(namedParameters().map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
    }

    /// Copies `state` into the parameters. Names, dtypes and shapes must match exactly; every mismatch
    /// is reported in one error and nothing is changed when there is any.
    public func loadStateDict(_ state: [String: Tensor]) throws {
        let named = namedParameters()
        var problems: [String] = []
        let ours = Set(named.map(\.name))
        for (name, t) in named {
            guard let v = state[name] else { problems.append("missing \(name) \(t.shape)"); continue }
            if v.dtype != t.dtype { problems.append("\(name): dtype \(v.dtype), expected \(t.dtype)") }
            if v.shape != t.shape { problems.append("\(name): shape \(v.shape), expected \(t.shape)") }
        }
        for name in state.keys.sorted() where !ours.contains(name) { problems.append("unexpected \(name)") }
        if !problems.isEmpty { throw StateDictError(problems: problems) }
        withNoGrad {
            for (name, t) in named { copyElements(from: state[name]!, into: t) }
        }
    }
}

/// Names, dtypes or shapes of a state dictionary that do not match a model.
public struct StateDictError: Error, CustomStringConvertible, Equatable {
    /// One line per mismatch: "missing fc.weight [4, 3]", "fc.bias: shape [2], expected [3]", "unexpected x".
    public let problems: [String]
    public var description: String { "state dict does not match the model:\n  " + problems.joined(separator: "\n  ") }
}
