// Graphs are freed when their last tensor goes: no reference cycles between an op's output and its
// backward node (a captured output leaked every training step's activations before).
import Testing
@testable import SwiftTorch

@Suite("Graph release")
struct GraphReleaseTests {
    /// Runs `f` forward and backward in a scope and reports whether its output was freed afterwards.
    func released(_ name: String, _ f: (Tensor) -> Tensor) -> Bool {
        weak var weakOut: Tensor?
        weak var weakLoss: Tensor?
        do {
            let x = Tensor.rand([4, 5], low: 0.5, high: 2, generator: seeded(1))
            x.requiresGrad = true
            let y = f(x)
            let loss = y.sum()
            loss.backward()
            weakOut = y
            weakLoss = loss
            #expect(x.grad != nil, "\(name): no gradient")
        }
        return weakOut == nil && weakLoss == nil
    }

    @Test("every op's output is freed with its graph")
    func opsRelease() {
        let w = Tensor.rand([5, 3], generator: seeded(2))
        let ops: [(String, (Tensor) -> Tensor)] = [
            ("add", { $0 + $0 }), ("sub", { $0 - 1 }), ("mul", { $0 * $0 }), ("div", { 1 / $0 }), ("div2", { $0 / ($0 + 1) }),
            ("pow", { $0.pow(2) }), ("powTensor", { $0.pow($0) }), ("exp", { $0.exp() }), ("log", { $0.log() }),
            ("sqrt", { $0.sqrt() }), ("tanh", { $0.tanh() }), ("sigmoid", { $0.sigmoid() }), ("relu", { $0.relu() }),
            ("gelu", { $0.gelu() }), ("silu", { $0.silu() }), ("leakyRelu", { $0.leakyRelu() }), ("abs", { $0.abs() }),
            ("clamp", { $0.clamp(min: 1) }), ("softmax", { $0.softmax() }), ("logSoftmax", { $0.logSoftmax(dim: 0) }),
            ("max", { $0.max(dim: 1) }), ("min", { $0.min() }), ("mean", { $0.mean(dim: 0) }), ("variance", { $0.variance() }),
            ("matmul", { matmul($0, w) }), ("transpose", { $0.T * 2 }), ("slice", { $0[1..<3] * 2 }),
            ("maximum", { Tensor.maximum($0, $0 * 0.5) }), ("where", { Tensor.where($0 .> 1, $0, $0 * 2) }),
            ("gather", { $0.gather(dim: 1, index: Tensor(integers: [[0], [1], [2], [3]])) }),
            ("crossEntropy", { CrossEntropyLoss()($0, Tensor(integers: [0, 1, 2, 3])) }),
            ("bceWithLogits", { BCEWithLogitsLoss()($0, Tensor.ones([4, 5])) }),
            ("linear", { Linear(5, 2, generator: seeded(3))($0) }),
        ]
        for (name, f) in ops {
            #expect(released(name, f), "\(name): the output outlived its graph (reference cycle)")
        }
    }

    @Test("a training step frees its activations: live bytes return to the baseline")
    func trainingStepRelease() {
        // Checked on one model's own tensors (not Memory.stats, which other tests change concurrently).
        let model = Sequential(Linear(8, 16, generator: seeded(4)), ReLU(), Linear(16, 3, generator: seeded(5)))
        var outputs: [() -> Tensor?] = []
        for step in 0..<3 {
            weak var logits: Tensor?
            do {
                let out = model(Tensor.randn([4, 8], generator: seeded(UInt64(10 + step))))
                CrossEntropyLoss()(out, Tensor(integers: [0, 1, 2, 0])).backward()
                logits = out
            }
            outputs.append { logits }
        }
        #expect(outputs.allSatisfy { $0() == nil })
    }
}
