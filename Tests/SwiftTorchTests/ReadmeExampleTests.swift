// The README's usage example, kept honest.
import Foundation
import Testing
import SwiftTorch

@Test("README usage example")
func readmeExample() {
    let a: [Float] = [1, 2, 3, 4, 5, 6]
    let b: [Float] = [7, 8, 9, 10, 11, 12]
    #expect(sgemm(m: 2, n: 2, k: 3, a: a, b: b) == [58, 64, 139, 154])
    var out = [Float](repeating: 1, count: 4)
    sgemm(.packed, transB: true, m: 2, n: 2, k: 3, alpha: 2, a: a, b: [7, 9, 11, 8, 10, 12], beta: 0.5, c: &out)
    #expect(out == [116.5, 128.5, 278.5, 308.5])
}

@Test("README usage example: tensors, autograd, gradCheck, ledger")
func readmeTensorExample() {
    globalGeneratorLock.lock() // the example seeds the global generator
    defer { globalGeneratorLock.unlock() }
    let x = Tensor([[1, 2, 3], [4, 5, 6]])
    #expect(x.sum(dim: 0).description == "tensor([5., 7., 9.], shape: [3], dtype: float32)")

    Tensor.manualSeed(0)
    let w = Tensor.randn([3, 4], requiresGrad: true)
    let b = Tensor.zeros([4], requiresGrad: true)
    let y = linear(x, weight: w, bias: b).relu()
    let loss = y.square().mean()
    loss.backward()
    #expect(y.shape == [2, 4] && w.grad?.shape == [3, 4] && b.grad?.shape == [4])
    // Independent float64 reference: z = x·w + b, loss = mean(relu(z)²), dL/dz = 2 relu(z) / 8.
    let xv = x.doubles, wv = w.doubles
    var dz = [Double](repeating: 0, count: 8)
    for i in 0..<2 {
        for j in 0..<4 {
            var z = 0.0
            for k in 0..<3 { z += xv[i * 3 + k] * wv[k * 4 + j] }
            dz[i * 4 + j] = 2 * Swift.max(z, 0) / 8
        }
    }
    var dw = [Double](repeating: 0, count: 12)
    for p in 0..<12 {
        for i in 0..<2 { dw[p] += xv[i * 3 + p / 4] * dz[i * 4 + p % 4] }
    }
    let db: [Double] = (0..<4).map { j in dz[j] + dz[4 + j] }
    for (got, want) in zip(w.grad!.doubles + b.grad!.doubles, dw + db) {
        let tolerance: Double = 1e-5 * Swift.max(1, Swift.abs(want))
        #expect(Swift.abs(got - want) <= tolerance)
    }

    let check = gradCheck({ t in (t[0].matmul(t[1])).tanh().sum() },
                          inputs: [Tensor.randn([2, 3]), Tensor.randn([3, 2])])
    #expect(check.passed)

    let report = Ledger.trace { _ = linear(Tensor.randn([32, 784]), weight: Tensor.randn([784, 256], requiresGrad: true)) }
    #expect(report.description.contains("200,704")) // 784 · 256 parameters
}

@Test("README usage example: training a classifier on the shipped digits, curves and a checkpoint")
func readmeTrainingExample() throws {
    globalGeneratorLock.lock() // the example initializes and shuffles with the global generator
    defer { globalGeneratorLock.unlock() }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let train = try TinyDigits.load(train: true)
    let test = try TinyDigits.load(train: false)
    let model = Sequential(Flatten(), Linear(64, 128), ReLU(), Linear(128, 10))
    let trainer = Trainer(model: model, optimizer: SGD(model.parameters(), lr: 0.05, momentum: 0.9),
                          lossFunction: CrossEntropyLoss())
    trainer.progress.enabled = false
    try trainer.fit(DataLoader(train, batchSize: 64, shuffle: true), test: DataLoader(test, batchSize: 360),
                    epochs: 10, csv: dir.appendingPathComponent("curves.csv"))
    #expect(trainer.evaluate(DataLoader(test, batchSize: 360)).accuracy > 0.93)
    #expect(model.namedParameters().map(\.name) == ["1.weight", "1.bias", "3.weight", "3.bias"])
    try trainer.saveCheckpoint(to: dir.appendingPathComponent("ckpt/digits.safetensors"))
    #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("ckpt/digits.safetensors").path))
    #expect(try String(contentsOf: dir.appendingPathComponent("curves.csv"), encoding: .utf8).split(separator: "\n").count == 11)
}
