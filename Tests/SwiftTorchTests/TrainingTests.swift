// The trainer (epochs, evaluation, accumulation, curves), safetensors checkpoints (format, atomic
// writes, validation, exact resume) and the milestones in short form.
import Foundation
import Testing
@testable import SwiftTorch

@Suite("Training")
struct TrainingTests {
    func blobsModel(_ seed: UInt64) -> Sequential {
        Sequential(Linear(4, 16, generator: seeded(seed)), ReLU(), Linear(16, 3, generator: seeded(seed + 1)))
    }

    @Test("blobs 4→16→3: the loss falls, accuracy → 1; evaluate accepts one-hot targets")
    func blobs() {
        let (x, y) = SyntheticData.blobs(generator: seeded(42))
        #expect(x.shape == [1024, 4] && y.shape == [1024] && Set(y.integers) == [0, 1, 2])
        let model = blobsModel(7)
        let trainer = Trainer(model: model, optimizer: SGD(model.parameters(), lr: 0.05), lossFunction: CrossEntropyLoss())
        trainer.progress.enabled = false
        let loader = DataLoader(TensorDataset(x, y), batchSize: 32, shuffle: true, generator: seeded(8))
        let initial = trainer.evaluate(DataLoader(TensorDataset(x, y), batchSize: 256))
        #expect(initial.loss.isFinite && initial.accuracy < 0.9)
        var losses: [Float] = []
        for _ in 0..<30 { losses.append(trainer.trainEpoch(loader)) }
        #expect(losses.last! < losses.first! / 5 && losses.last! < initial.loss / 5)
        let after = trainer.evaluate(DataLoader(TensorDataset(x, Tensor.oneHot(y, classes: 3)), batchSize: 100))
        #expect(after.accuracy > 0.97)
        #expect(trainer.step == 30 * 32 && trainer.epoch == 30 && trainer.history.trainLoss == losses)
        #expect(!model.training) // evaluate leaves eval mode; trainEpoch sets train mode again
        trainer.trainEpoch(loader)
        #expect(model.training)
    }

    @Test("accumulation: 2 micro-batches of 8 (scaled by 1/2) step like batches of 16; a trailing half group is flushed")
    func accumulation() {
        let (x, y) = SyntheticData.blobs(count: 72, generator: seeded(43))
        let a = blobsModel(9), b = blobsModel(9)
        let ta = Trainer(model: a, optimizer: SGD(a.parameters(), lr: 0.1), lossFunction: CrossEntropyLoss())
        let tb = Trainer(model: b, optimizer: SGD(b.parameters(), lr: 0.1), lossFunction: CrossEntropyLoss())
        ta.progress.enabled = false
        tb.progress.enabled = false
        ta.trainEpoch(DataLoader(TensorDataset(x, y), batchSize: 8), accumulationSteps: 2)   // 9 batches: 4 groups + 1
        tb.trainEpoch(DataLoader(TensorDataset(x, y), batchSize: 16))                       // 5 batches (last of 8)
        #expect(ta.step == 5 && tb.step == 5)
        // The trailing single micro-batch was scaled by 1/2, so the last steps differ by that factor:
        // compare after the first four steps instead.
        let c = blobsModel(9), d = blobsModel(9)
        let tc = Trainer(model: c, optimizer: SGD(c.parameters(), lr: 0.1), lossFunction: CrossEntropyLoss())
        let td = Trainer(model: d, optimizer: SGD(d.parameters(), lr: 0.1), lossFunction: CrossEntropyLoss())
        tc.progress.enabled = false
        td.progress.enabled = false
        tc.trainEpoch(DataLoader(TensorDataset(x[0..<64], y[0..<64]), batchSize: 8), accumulationSteps: 2)
        td.trainEpoch(DataLoader(TensorDataset(x[0..<64], y[0..<64]), batchSize: 16))
        for (p, q) in zip(c.parameters(), d.parameters()) {
            expectClose(p.doubles, q.doubles, Tolerance(rtol: 1e-5, atol: 1e-6), "accumulated vs full batch")
        }
    }

    @Test("fit writes the curves: CSV rows per epoch and an SVG with loss and accuracy panels")
    func curves() throws {
        let dir = temporaryDirectory("curves")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (x, y) = SyntheticData.blobs(count: 128, generator: seeded(44))
        let model = blobsModel(11)
        let trainer = Trainer(model: model, optimizer: Adam(model.parameters(), lr: 0.01), lossFunction: CrossEntropyLoss(),
                              scheduler: CosineSchedule(maxLR: 0.01, minLR: 0.001, totalEpochs: 3))
        trainer.progress.enabled = false
        let csv = dir.appendingPathComponent("curves.csv"), svg = dir.appendingPathComponent("sub/curves.svg")
        try FileManager.default.createDirectory(at: svg.deletingLastPathComponent(), withIntermediateDirectories: true)
        let loader = DataLoader(TensorDataset(x, y), batchSize: 32)
        let h = try trainer.fit(loader, test: loader, epochs: 3, csv: csv, svg: svg)
        let lines = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "epoch,train_loss,train_accuracy,test_loss,test_accuracy,lr,seconds" && lines.count == 4)
        let row = lines[2].split(separator: ",", omittingEmptySubsequences: false)
        #expect(row.count == 7 && row[0] == "2" && Float(row[1]) == h.trainLoss[1] && Float(row[4]) == h.evalAccuracy[1])
        #expect(h.learningRates.count == 3 && Swift.abs(h.learningRates[0] - 0.01) < 1e-12 && h.learningRates[1] < 0.01)
        let image = try String(contentsOf: svg, encoding: .utf8)
        #expect(image.hasPrefix("<svg") && image.components(separatedBy: "<polyline").count == 5 && image.contains("accuracy"))
    }

    @Test("safetensors: header layout a Python reader expects, every dtype, non-contiguous input, metadata")
    func safetensorsFormat() throws {
        let dir = temporaryDirectory("st")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("a/b/t.safetensors")
        let tensors: [String: Tensor] = [
            "w": Tensor([[1, 2, 3], [4, 5, 6]]).T, "d": Tensor(float64: [0.1, -2]), "i": Tensor(integers: [7, -8], dtype: .int32),
            "l": Tensor(integers: [1 << 40]), "s": Tensor(Float(3)), "e": Tensor.zeros([0, 4]),
        ]
        try Safetensors.save(tensors, metadata: ["note": "hi"], to: url)
        let bytes = [UInt8](try Data(contentsOf: url))
        let n = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
        #expect((8 + n) % 8 == 0)
        let header = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + n)])) as! [String: Any]
        #expect((header["__metadata__"] as! [String: String]) == ["note": "hi"])
        let w = header["w"] as! [String: Any]
        #expect(w["dtype"] as! String == "F32" && w["shape"] as! [Int] == [3, 2])
        let off = w["data_offsets"] as! [Int]
        let raw = bytes[(8 + n + off[0])..<(8 + n + off[1])]
        let values = stride(from: raw.startIndex, to: raw.endIndex, by: 4).map { i in
            Float(bitPattern: UInt32(raw[i]) | UInt32(raw[i + 1]) << 8 | UInt32(raw[i + 2]) << 16 | UInt32(raw[i + 3]) << 24)
        }
        #expect(values == [1, 4, 2, 5, 3, 6]) // row-major of the transposed view, little-endian
        #expect((header["l"] as! [String: Any])["dtype"] as! String == "I64" && (header["i"] as! [String: Any])["dtype"] as! String == "I32")
        let (back, meta) = try Safetensors.load(from: url)
        #expect(meta == ["note": "hi"] && Set(back.keys) == Set(tensors.keys))
        #expect(back["w"]!.shape == [3, 2] && back["w"]!.scalars == [1, 4, 2, 5, 3, 6] && back["d"]!.doubles == [0.1, -2])
        #expect(back["i"]!.dtype == .int32 && back["i"]!.integers == [7, -8] && back["l"]!.integers == [1 << 40])
        #expect(back["s"]!.shape == [] && back["e"]!.shape == [0, 4])
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path) == ["t.safetensors"])
    }

    @Test("safetensors: malformed files throw, never crash; a failed save leaves the target untouched")
    func safetensorsErrors() throws {
        let dir = temporaryDirectory("bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        func malformed(_ bytes: [UInt8]) -> Bool {
            let url = dir.appendingPathComponent(UUID().uuidString)
            try! Data(bytes).write(to: url)
            do { _ = try Safetensors.load(from: url); return false } catch CheckpointError.malformed { return true } catch { return false }
        }
        func file(_ json: String, data: Int = 0) -> [UInt8] {
            let h = [UInt8](json.utf8)
            return (0..<8).map { UInt8((h.count >> (8 * $0)) & 255) } + h + [UInt8](repeating: 0, count: data)
        }
        #expect(malformed([1, 2, 3]))
        #expect(malformed([255, 255, 255, 255, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 16)))
        #expect(malformed(file("not json")))
        #expect(malformed(file(#"{"a": {"dtype": "F16", "shape": [1], "data_offsets": [0, 2]}}"#, data: 2)))
        #expect(malformed(file(#"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}"#, data: 4)))
        #expect(malformed(file(#"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}}"#, data: 8)))
        #expect(malformed(file(#"{"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}"#, data: 4)))
        #expect(malformed(file(#"{"a": {"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 4]}}"#, data: 4)))
        #expect(malformed(file(#"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}"#, data: 4)))
        #expect(malformed(file(#"{"__metadata__": {"k": 1}}"#)))
        // The target is a non-empty directory: the rename fails, the error says so, and nothing changes.
        let target = dir.appendingPathComponent("ckpt")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        try Data([1]).write(to: target.appendingPathComponent("keep"))
        #expect(throws: CheckpointError.self) { try Safetensors.save(["x": Tensor([1])], to: target) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.path) == ["keep"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp-") }.isEmpty)
        // Loading a model from a file with other names or shapes reports every mismatch.
        let m = Sequential(Linear(2, 3, generator: seeded(1)))
        let url = dir.appendingPathComponent("m.safetensors")
        try Safetensors.save(["0.weight": Tensor.zeros([3, 2]), "x": Tensor([1])], to: url)
        #expect(throws: CheckpointError.mismatch(problems: ["0.weight: shape [3, 2], expected [2, 3]", "missing 0.bias [3]", "unexpected x"])) {
            try m.load(from: url)
        }
    }

    @Test("a model saved and loaded gives the same outputs")
    func modelSaveLoad() throws { try stableKernels { try modelSaveLoadBody() } }

    func modelSaveLoadBody() throws {
        let dir = temporaryDirectory("model")
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = blobsModel(20), b = blobsModel(30)
        let url = dir.appendingPathComponent("model.safetensors")
        try a.save(to: url)
        try b.load(from: url)
        let x = Tensor.randn([5, 4], generator: seeded(31))
        #expect(a(x).scalars == b(x).scalars)
    }

    @Test("a trainer checkpoint resumes exactly: the same parameters as training straight through")
    func resume() throws {
        globalGeneratorLock.lock() // the checkpoint saves and restores the global generator
        defer { globalGeneratorLock.unlock() }
        // Bit-exact comparisons: hold the kernel settings (other suites switch the ISA, and exp or
        // softmax then round differently).
        try stableKernels { try resumeBody() }
    }

    func resumeBody() throws {
        let dir = temporaryDirectory("resume")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (x, y) = SyntheticData.blobs(count: 96, generator: seeded(45))
        func make(_ seed: UInt64) -> Trainer {
            let m = blobsModel(seed)
            let t = Trainer(model: m, optimizer: Adam(m.parameters(), lr: 0.01), lossFunction: CrossEntropyLoss(),
                            scheduler: StepLR(baseLR: 0.01, stepSize: 1, gamma: 0.5))
            t.progress.enabled = false
            return t
        }
        let loader = DataLoader(TensorDataset(x, y), batchSize: 16, shuffle: true) // the global generator
        Tensor.manualSeed(99)
        let straight = make(50)
        for _ in 0..<3 { straight.trainEpoch(loader) }

        Tensor.manualSeed(99)
        let first = make(50)
        for _ in 0..<2 { first.trainEpoch(loader) }
        let url = dir.appendingPathComponent("ckpt/trainer.safetensors")
        try first.saveCheckpoint(to: url)
        Tensor.manualSeed(12345) // disturb the generator: the checkpoint must restore it
        let resumed = make(60)   // other initial weights: the checkpoint must overwrite them
        try resumed.loadCheckpoint(from: url)
        #expect(resumed.epoch == 2 && resumed.step == first.step && resumed.history == first.history)
        #expect(resumed.optimizer.lr == first.optimizer.lr)
        resumed.trainEpoch(loader)
        for (p, q) in zip(straight.model.parameters(), resumed.model.parameters()) { #expect(p.scalars == q.scalars) }
        #expect(straight.history.trainLoss == resumed.history.trainLoss)
        // A checkpoint of another architecture is refused and leaves the trainer unchanged.
        let other = Trainer(model: Sequential(Linear(4, 3, generator: seeded(1))), optimizer: SGD([], lr: 0.1),
                            lossFunction: CrossEntropyLoss())
        let before = other.model.parameters().map(\.scalars)
        #expect(throws: CheckpointError.self) { try other.loadCheckpoint(from: url) }
        #expect(other.model.parameters().map(\.scalars) == before && other.epoch == 0)
    }

    @Test("milestones in short form: perceptron, xor, mlp, mlp-manual and cnn on the shipped digits")
    func milestones() throws {
        let p = Milestones.perceptron()
        #expect(p.passed && p["accuracy"]! >= 0.95 && Swift.abs(p["untrained_accuracy"]! - 0.5) < 0.1, "\(p.json)")
        let x = Milestones.xor()
        #expect(x.passed, "\(x.json)")
        var o = MilestoneOptions()
        o.data = "tiny"
        o.progress = false
        let m = try Milestones.mlp(o)
        #expect(m.passed && m["test_accuracy"]! >= 0.9, "\(m.json)")
        let manual = try Milestones.mlpManual(o)
        #expect(manual.passed && manual["first_batch_max_relative_gradient_difference"]! < 1e-5, "\(manual.json)")
        #expect(m.json.hasPrefix("{\"milestone\": \"mlp\", \"passed\": true"))
        let cnn = try Milestones.cnn(o)
        #expect(cnn.passed && cnn["test_accuracy"]! >= 0.9, "\(cnn.json)")
    }
}
