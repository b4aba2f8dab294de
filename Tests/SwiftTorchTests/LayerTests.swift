// Layers: Linear (shapes, goldens, init statistics, PyTorch layout), parameter names and counts,
// train/eval propagation, Sequential, Flatten, Dropout, state dictionaries.
import Foundation
import Testing
@testable import SwiftTorch

/// A model with named sub-layers the way a user writes one (found by reflection).
final class TwoLayer: Layer {
    var training = true
    let layers: Sequential
    let head: Linear
    let dropout: Dropout
    init(generator: Generator) {
        dropout = Dropout(p: 0.5, generator: generator)
        layers = Sequential(Linear(4, 16, generator: generator), ReLU(), Linear(16, 8, generator: generator))
        head = Linear(8, 3, bias: false, generator: generator)
    }
    func forward(_ x: Tensor) -> Tensor { head(dropout(layers(x).relu())) }
}

@Suite("Layers")
struct LayerTests {
    @Test("Linear: y = x·W + b on 2-D and 3-D input, weight [in, out], golden parameter counts")
    func linear() {
        let l = Linear(inFeatures: 3, outFeatures: 2, generator: seeded(1))
        #expect(l.weight.shape == [3, 2] && l.bias?.shape == [2] && l.weight.requiresGrad && l.bias!.requiresGrad)
        #expect(l.bias!.scalars == [0, 0])
        let x = Tensor.randn([5, 3], generator: seeded(2)), w = l.weight.doubles, xv = x.doubles
        let y = l(x)
        var ref = [Double](repeating: 0, count: 10)
        for i in 0..<5 {
            for j in 0..<2 {
                for k in 0..<3 { ref[i * 2 + j] += xv[i * 3 + k] * w[k * 2 + j] }
            }
        }
        expectClose(y, ref, shape: [5, 2], .float32)
        #expect(l(Tensor.randn([2, 4, 3], generator: seeded(3))).shape == [2, 4, 2])
        let g = seeded(20)
        #expect(Linear(784, 256, generator: g).parameterCount == 200_960)
        #expect(Linear(4096, 4096, generator: g).parameterCount == 16_781_312)
        let mlp = Sequential(Linear(784, 256, generator: g), ReLU(), Linear(256, 128, generator: g), ReLU(),
                             Linear(128, 10, generator: g))
        #expect(mlp.parameterCount == 235_146 && mlp.parameters().reduce(0) { $0 + $1.byteCount } == 940_584)
        #expect(Sequential(Linear(4, 16, generator: g), ReLU(), Linear(16, 3, generator: g)).parameterCount == 131)
        #expect(Linear(3, 2, bias: false, generator: g).parameters().count == 1)
    }

    @Test("initializers: He-normal std √(2/fanIn), Xavier-uniform bound √(6/(in+out)), normal(std)")
    func initializers() {
        let he = Linear(1000, 10, generator: seeded(4)).weight.doubles
        let std = (he.reduce(0) { $0 + $1 * $1 } / Double(he.count)).squareRoot()
        #expect(Swift.abs(std - 0.044721) < 0.044721 * 0.05) // 10,000 draws: ~1% standard error
        let xa = Linear(1000, 10, initializer: .xavierUniform, generator: seeded(5)).weight.doubles
        let bound = 0.077075
        #expect(xa.allSatisfy { Swift.abs($0) <= bound } && xa.max()! > bound * 0.99 && xa.min()! < -bound * 0.99)
        let nm = Linear(1000, 10, initializer: .normal(std: 0.02), generator: seeded(6)).weight.doubles
        let nstd = (nm.reduce(0) { $0 + $1 * $1 } / Double(nm.count)).squareRoot()
        #expect(Swift.abs(nstd - 0.02) < 0.001)
        // Same generator seed, same weights.
        #expect(Linear(5, 5, generator: seeded(7)).weight.scalars == Linear(5, 5, generator: seeded(7)).weight.scalars)
    }

    @Test("PyTorch layout: pytorchWeight is Wᵀ [out, in]; loading it back transposes")
    func pytorchLayout() {
        let l = Linear(3, 2, generator: seeded(8))
        let pt = l.pytorchWeight
        #expect(pt.shape == [2, 3] && pt.scalars == l.weight.T.scalars)
        let other = Linear(3, 2, generator: seeded(9))
        other.loadPyTorchWeight(Tensor([[1, 2, 3], [4, 5, 6]]))
        #expect(other.weight.scalars == [1, 4, 2, 5, 3, 6] && other.weight.requiresGrad)
    }

    @Test("named parameters: stable dotted names through properties and Sequential, each tensor once")
    func namedParameters() {
        let m = TwoLayer(generator: seeded(10))
        #expect(m.namedParameters().map(\.name) == ["layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias",
                                                     "head.weight"])
        #expect(m.parameterCount == 4 * 16 + 16 + 16 * 8 + 8 + 8 * 3)
        #expect(Set(m.stateDict().keys) == Set(m.namedParameters().map(\.name)))
        // A tensor shared by two layers (weight tying) is listed once.
        final class Tied: Layer {
            var training = true
            let a = Linear(3, 3, generator: seeded(21)), b = Linear(3, 3, generator: seeded(22))
            var localParameters: [(name: String, tensor: Tensor)] { [("shared", a.weight)] }
            func forward(_ x: Tensor) -> Tensor { b(a(x)) }
        }
        #expect(Tied().namedParameters().map(\.name) == ["shared", "a.bias", "b.weight", "b.bias"])
    }

    @Test("train() and eval() reach every descendant; Dropout follows the flag")
    func trainEval() { stableKernels { trainEvalBody() } }

    func trainEvalBody() {
        let m = TwoLayer(generator: seeded(11))
        m.eval()
        #expect(!m.training && !m.layers.training && m.layers.layers.allSatisfy { !$0.training } && !m.dropout.training)
        let x = Tensor.randn([6, 4], generator: seeded(12))
        #expect(m(x).scalars == m(x).scalars) // deterministic in eval
        m.train()
        #expect(m.training && m.dropout.training && m.layers.layers.allSatisfy(\.training))
    }

    @Test("Dropout: inverted scaling keeps the expectation; identity in eval and at p = 0; zeros with grad at p = 1")
    func dropout() {
        let d = Dropout(p: 0.5, generator: seeded(13))
        let x = Tensor.ones([200_000], requiresGrad: true)
        let y = d(x)
        let v = y.scalars
        #expect(v.allSatisfy { $0 == 0 || $0 == 2 })
        let kept = Double(v.filter { $0 != 0 }.count) / Double(v.count)
        #expect(Swift.abs(kept - 0.5) < 0.01 && Swift.abs(Double(y.mean().item()) - 1) < 0.02)
        y.sum().backward()
        #expect(x.grad!.scalars == v) // gradient = mask · 1/(1 − p)
        #expect(d.forward(x, training: false) === x)
        d.eval()
        #expect(d(x) === x && Dropout(p: 0)(x) === x)
        let z = Dropout(p: 1)(x)
        #expect(z.scalars.allSatisfy { $0 == 0 } && z.requiresGrad)
    }

    @Test("Flatten(startDim: 1) and Sequential chaining")
    func flattenSequential() { stableKernels { flattenSequentialBody() } }

    func flattenSequentialBody() {
        let x = Tensor.randn([2, 3, 4, 5], generator: seeded(14))
        #expect(Flatten()(x).shape == [2, 60] && Flatten(startDim: 2)(x).shape == [2, 3, 20])
        let s = Sequential(Flatten(), Linear(60, 7, generator: seeded(15)), ReLU())
        let l = s.layers[1] as! Linear
        #expect(s(x).scalars == SwiftTorch.linear(x.reshape(2, 60), weight: l.weight, bias: l.bias).relu().scalars)
        #expect(s.namedParameters().map(\.name) == ["1.weight", "1.bias"])
    }

    @Test("loadStateDict copies values in place and reports every mismatch")
    func stateDict() throws {
        let a = TwoLayer(generator: seeded(16)), b = TwoLayer(generator: seeded(17))
        let before = b.parameters()
        try b.loadStateDict(a.stateDict())
        #expect(zip(a.parameters(), b.parameters()).allSatisfy { $0.scalars == $1.scalars })
        #expect(zip(before, b.parameters()).allSatisfy { $0 === $1 }) // the same live tensors
        var bad = a.stateDict()
        bad["head.weight"] = Tensor.zeros([3, 8])
        bad.removeValue(forKey: "layers.0.bias")
        bad["extra"] = Tensor.zeros([1])
        bad["layers.2.bias"] = Tensor.zeros([8], dtype: .float64)
        #expect(throws: StateDictError(problems: ["missing layers.0.bias [16]", "layers.2.bias: dtype float64, expected float32",
                                                  "head.weight: shape [3, 8], expected [8, 3]", "unexpected extra"])) {
            try b.loadStateDict(bad)
        }
    }
}
