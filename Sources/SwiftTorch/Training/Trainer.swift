// The training loop: epochs of forward → loss → backward → (clip) → step, evaluation without a graph,
// learning-rate schedules, gradient accumulation, a progress bar, curves as CSV/SVG, checkpoints.
//   per batch: x [B, ...] → model → logits [B, C] → loss (scalar) → gradients of every parameter
//   memory: parameters + gradients + optimizer state + the batch's activations
import Foundation

/// Per-epoch curves.
public struct TrainingHistory: Codable, Equatable, Sendable {
    public var trainLoss: [Float] = []
    public var trainAccuracy: [Float] = []
    public var evalLoss: [Float] = []
    public var evalAccuracy: [Float] = []
    public var learningRates: [Double] = []
    public var seconds: [Double] = []
}

public final class Trainer {
    public let model: any Layer
    public let optimizer: any Optimizer
    public let lossFunction: any Loss
    public var scheduler: (any LRSchedule)?
    public var gradClipNorm: Float?
    /// Optimizer steps taken.
    public private(set) var step = 0
    /// Epochs completed.
    public private(set) var epoch = 0
    public private(set) var history = TrainingHistory()
    /// Progress output on stderr (a bar on a terminal, one line per epoch otherwise).
    public var progress = ProgressReporter()

    public init(model: any Layer, optimizer: any Optimizer, lossFunction: any Loss, scheduler: (any LRSchedule)? = nil,
                gradClipNorm: Float? = nil) {
        self.model = model
        self.optimizer = optimizer
        self.lossFunction = lossFunction
        self.scheduler = scheduler
        self.gradClipNorm = gradClipNorm
        scheduler?.apply(to: optimizer, epoch: 0)
    }

    /// One epoch of training; returns the mean loss. With `accumulationSteps` k, gradients of k batches
    /// (each scaled by 1/k) are summed before one optimizer step; a trailing partial group is stepped
    /// at the end. The scheduler then sets the learning rate of the next epoch.
    @discardableResult
    public func trainEpoch<D: Dataset>(_ loader: DataLoader<D>, accumulationSteps: Int = 1) -> Float {
        precondition(accumulationSteps >= 1, "trainEpoch: accumulationSteps must be >= 1 (got \(accumulationSteps))")
        model.train()
        let params = optimizer.parameters
        var lossSum = 0.0, correct = 0, seen = 0, batches = 0, pending = 0
        let total = loader.count
        func update() {
            if let c = gradClipNorm { clipGradNorm(params, maxNorm: c) }
            optimizer.step()
            optimizer.zeroGrad()
            step += 1
            pending = 0
        }
        optimizer.zeroGrad()
        for batch in loader {
            let output = model(batch.input)
            let loss = lossFunction(output, batch.target)
            (accumulationSteps == 1 ? loss : loss.mulScalar(1 / Double(accumulationSteps))).backward()
            pending += 1
            if pending == accumulationSteps { update() }
            let l = Double(loss.item())
            lossSum += l * Double(batch.size)
            seen += batch.size
            correct += Trainer.correctCount(output, batch.target)
            batches += 1
            progress.batch(epoch: epoch + 1, batch: batches, of: total, loss: l)
        }
        if pending > 0 { update() }
        let meanLoss = Float(lossSum / Double(Swift.max(seen, 1)))
        history.trainLoss.append(meanLoss)
        history.trainAccuracy.append(Float(correct) / Float(Swift.max(seen, 1)))
        history.learningRates.append(optimizer.lr)
        epoch += 1
        scheduler?.apply(to: optimizer, epoch: epoch)
        return meanLoss
    }

    /// Mean loss and accuracy (argmax over classes; targets as indices or one-hot) in evaluation mode,
    /// without recording a graph. The model is left in evaluation mode.
    public func evaluate<D: Dataset>(_ loader: DataLoader<D>) -> (loss: Float, accuracy: Float) {
        model.eval()
        var lossSum = 0.0, correct = 0, seen = 0
        withNoGrad {
            for batch in loader {
                let output = model(batch.input)
                lossSum += Double(lossFunction(output, batch.target).item()) * Double(batch.size)
                correct += Trainer.correctCount(output, batch.target)
                seen += batch.size
            }
        }
        return (Float(lossSum / Double(Swift.max(seen, 1))), Float(correct) / Float(Swift.max(seen, 1)))
    }

    /// Trains for `epochs` epochs, evaluating on `test` after each; prints progress, and writes the
    /// curves as CSV and SVG when given paths. Returns the history.
    @discardableResult
    public func fit<D: Dataset, E: Dataset>(_ train: DataLoader<D>, test: DataLoader<E>? = nil, epochs: Int,
                                          accumulationSteps: Int = 1, csv: URL? = nil, svg: URL? = nil) throws -> TrainingHistory {
        for _ in 0..<epochs {
            let start = DispatchTime.now().uptimeNanoseconds
            let loss = trainEpoch(train, accumulationSteps: accumulationSteps)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            history.seconds.append(seconds)
            var line = String(format: "epoch %d: train loss %.4f, accuracy %.2f%%", epoch, loss,
                              100 * (history.trainAccuracy.last ?? 0))
            if let test {
                let (l, a) = evaluate(test)
                history.evalLoss.append(l)
                history.evalAccuracy.append(a)
                line += String(format: "; test loss %.4f, accuracy %.2f%%", l, 100 * a)
            }
            progress.epochDone(line + String(format: " (%.2f s)", seconds))
            let h = history
            for (url, render) in [(csv, { h.csv() }), (svg, { h.svg() })] as [(URL?, () -> String)] {
                guard let url else { continue }
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try render().write(to: url, atomically: true, encoding: .utf8)
            }
        }
        return history
    }

    /// Rows of `output` [B, C] whose argmax equals the target (indices [B] or one-hot/probabilities [B, C]).
    static func correctCount(_ output: Tensor, _ target: Tensor) -> Int {
        guard output.rank == 2, output.shape[1] > 1 else { return 0 }
        let predicted = output.argmax(dim: 1).integers
        let labels = target.dtype.isFloatingPoint && target.rank == 2 ? target.argmax(dim: 1).integers
            : target.rank == 1 ? target.integers : []
        return zip(predicted, labels).filter { $0 == $1 }.count
    }

    // ------------------------------------------------------------------ checkpoints
    /// Saves model, optimizer and trainer state (epoch, step, history, learning rate, training mode, the
    /// global generator) as one safetensors file, atomically; creates parent directories.
    public func saveCheckpoint(to url: URL) throws {
        var tensors: [String: Tensor] = [:]
        for (k, v) in model.stateDict() { tensors["model." + k] = v }
        for (k, v) in optimizer.stateDict() { tensors["optimizer." + k] = v }
        let meta = CheckpointMetadata(epoch: epoch, step: step, lr: optimizer.lr, training: model.training,
                                      history: history, generator: Generator.global.stateWords)
        let json = String(decoding: try JSONEncoder().encode(meta), as: UTF8.self)
        try Safetensors.save(tensors, metadata: ["format": "swifttorch-trainer-1", "trainer": json], to: url)
    }

    /// Restores a checkpoint written by `saveCheckpoint(to:)`: training continues exactly where it
    /// stopped. Names, dtypes and shapes are validated first; nothing changes on a mismatch.
    public func loadCheckpoint(from url: URL) throws {
        let (tensors, metadata) = try Safetensors.load(from: url)
        guard metadata["format"] == "swifttorch-trainer-1", let json = metadata["trainer"],
              let meta = try? JSONDecoder().decode(CheckpointMetadata.self, from: Data(json.utf8)) else {
            throw CheckpointError.malformed(path: url.path, reason: "not a SwiftTorch trainer checkpoint (metadata missing)")
        }
        guard meta.generator.count == 4, meta.generator.contains(where: { $0 != 0 }), meta.epoch >= 0, meta.step >= 0 else {
            throw CheckpointError.malformed(path: url.path, reason: "invalid trainer metadata")
        }
        var modelState: [String: Tensor] = [:], optimizerState: [String: Tensor] = [:], problems: [String] = []
        for (k, v) in tensors {
            if k.hasPrefix("model.") { modelState[String(k.dropFirst(6))] = v }
            else if k.hasPrefix("optimizer.") { optimizerState[String(k.dropFirst(10))] = v }
            else { problems.append("unexpected \(k)") }
        }
        if !problems.isEmpty { throw CheckpointError.mismatch(problems: problems) }
        let savedModel = model.stateDict().mapValues { $0.clone() }
        do {
            try model.loadStateDict(modelState)
            try optimizer.loadStateDict(optimizerState)
        } catch let e as StateDictError {
            try? model.loadStateDict(savedModel)
            throw CheckpointError.mismatch(problems: e.problems)
        }
        epoch = meta.epoch
        step = meta.step
        history = meta.history
        optimizer.lr = meta.lr
        model.train(meta.training)
        Generator.global.stateWords = meta.generator
    }
}

struct CheckpointMetadata: Codable {
    var epoch: Int, step: Int, lr: Double, training: Bool
    var history: TrainingHistory
    var generator: [UInt64]
}
