// Milestone 3, the MLP (1986), twice: with autograd, and with hand-written gradients.
//   x [B, 784] → Linear(784, 256) → ReLU → Linear(256, 10) → logits [B, 10]; cross-entropy; batch 128;
//   SGD with momentum, cosine decay. Target: ≥ 88% test accuracy on Fashion-MNIST within 10 epochs; ≥ 90% on the
//   shipped 8×8 digits (64 inputs) in seconds.
//   Hand-written backward (the shape ledger):
//     dlogits = (softmax(logits) − onehot(y)) / B        [B, 10]
//     dW2 = hᵀ·dlogits [256, 10]   db2 = Σ_B dlogits [10]   dh = dlogits·W2ᵀ [B, 256]
//     dz1 = dh ⊙ 1[z1 > 0] [B, 256]   dW1 = xᵀ·dz1 [784, 256]   db1 = Σ_B dz1 [256]
//   parameters 784·256 + 256 + 256·10 + 10 = 203,530 (795 KiB); FLOPs per sample 2·203,264 forward
import Foundation

extension Milestones {
    /// Training and test sets for the MLP milestones, normalized with the training set's statistics.
    static func imageData(_ o: MilestoneOptions) throws -> (train: ImageDataset, test: ImageDataset, name: String) {
        let (train, test): (ImageDataset, ImageDataset)
        let name: String
        if o.data == "tiny" {
            (train, test, name) = (try TinyDigits.load(train: true), try TinyDigits.load(train: false), "digits8x8")
        } else {
            train = try FashionMNIST.load(directory: o.dataDirectory, train: true)
            test = try FashionMNIST.load(directory: o.dataDirectory, train: false)
            name = "fashion-mnist"
        }
        let s = train.pixelStatistics
        return (train.normalized(mean: s.mean, std: s.std), test.normalized(mean: s.mean, std: s.std), name)
    }

    static func mlpModel(inputs: Int, generator: Generator) -> Sequential {
        Sequential(Flatten(), Linear(inputs, 256, generator: generator), ReLU(), Linear(256, 10, generator: generator))
    }

    static func target(_ data: String) -> (String, Double) {
        data == "digits8x8" ? ("test accuracy >= 0.90", 0.90) : ("test accuracy >= 0.88 within 10 epochs", 0.88)
    }

    public static func mlp(_ o: MilestoneOptions = MilestoneOptions()) throws -> MilestoneResult {
        let (train, test, name) = try imageData(o)
        let g = Generator(seed: o.seed)
        let inputs = train.images.shape[1] * train.images.shape[2]
        let model = mlpModel(inputs: inputs, generator: g)
        let (words, goal) = target(name)
        return try trainClassifier("mlp", model: model, train: train, test: test, options: o, generator: g,
                                   defaultLR: 0.05, defaultBatch: 128, evalBatch: 1000, target: "\(name): \(words)", goal: goal)
    }

    /// Trains `model` with SGD (momentum 0.9) and a cosine decay to 1% of the rate by the last epoch (the
    /// last epochs refine instead of bouncing), evaluating after each epoch; the result of the mlp and cnn
    /// milestones.
    static func trainClassifier(_ milestone: String, model: Sequential, train: ImageDataset, test: ImageDataset,
                                options o: MilestoneOptions, generator g: Generator, defaultLR: Double, defaultBatch: Int,
                                evalBatch: Int, target: String, goal: Double) throws -> MilestoneResult {
        let epochs = o.epochs ?? 10, lr = o.lr ?? defaultLR
        let opt = SGD(model.parameters(), lr: lr, momentum: 0.9)
        let schedule = CosineSchedule(maxLR: lr, minLR: lr / 100, totalEpochs: epochs)
        let trainer = Trainer(model: model, optimizer: opt, lossFunction: CrossEntropyLoss(), scheduler: schedule)
        trainer.progress.enabled = o.progress
        let loader = DataLoader(train, batchSize: o.batchSize ?? defaultBatch, shuffle: true, generator: g)
        let history = try trainer.fit(loader, test: DataLoader(test, batchSize: evalBatch), epochs: epochs,
                                      csv: o.csv, svg: o.svg)
        let acc = Double(history.evalAccuracy.last ?? 0)
        let seconds = history.seconds.sorted()[history.seconds.count / 2]
        return MilestoneResult(name: milestone, metrics: [
            ("test_accuracy", acc), ("best_test_accuracy", Double(history.evalAccuracy.max() ?? 0)),
            ("test_loss", Double(history.evalLoss.last ?? .nan)), ("train_loss", Double(history.trainLoss.last ?? .nan)),
            ("train_accuracy", Double(history.trainAccuracy.last ?? 0)), ("epochs", Double(history.trainLoss.count)),
            ("median_epoch_seconds", seconds), ("parameters", Double(model.parameterCount)),
        ], target: target, passed: acc >= goal)
    }

    /// The two-layer network's gradients written out by hand (no autograd), for a batch.
    static func manualGradients(_ l1: Linear, _ l2: Linear, x: Tensor, y: Tensor) -> (loss: Float, grads: [Tensor]) {
        withNoGrad {
            let b = x.shape[0]
            let z1 = matmul(x, l1.weight) + l1.bias!                 // [B, 256]
            let h = z1.relu()                                         // [B, 256]
            let logits = matmul(h, l2.weight) + l2.bias!              // [B, 10]
            let p = logits.softmax(dim: 1)
            let onehot = Tensor.oneHot(y, classes: logits.shape[1])
            let loss = -(onehot * logits.logSoftmax(dim: 1)).sum().item() / Float(b)
            let dlogits = (p - onehot) / Float(b)                     // [B, 10]
            let dW2 = matmul(h.T, dlogits)                            // [256, 10]
            let db2 = dlogits.sum(dim: 0)                             // [10]
            let dh = matmul(dlogits, l2.weight.T)                     // [B, 256]
            let dz1 = dh * (z1 .> 0)                                  // [B, 256]
            let dW1 = matmul(x.T, dz1)                                // [784, 256]
            let db1 = dz1.sum(dim: 0)                                 // [256]
            return (loss, [dW1, db1, dW2, db2])
        }
    }

    public static func mlpManual(_ o: MilestoneOptions = MilestoneOptions()) throws -> MilestoneResult {
        let (train, test, name) = try imageData(o)
        let g = Generator(seed: o.seed)
        let inputs = train.images.shape[1] * train.images.shape[2]
        let model = mlpModel(inputs: inputs, generator: g)
        let l1 = model.layers[1] as! Linear, l2 = model.layers[3] as! Linear
        let params = [l1.weight, l1.bias!, l2.weight, l2.bias!]
        let epochs = o.epochs ?? 10, lr = o.lr ?? 0.05
        let opt = SGD(params, lr: lr, momentum: 0.9)
        let schedule = CosineSchedule(maxLR: lr, minLR: lr / 100, totalEpochs: epochs)
        let loader = DataLoader(train, batchSize: o.batchSize ?? 128, shuffle: true, generator: g)
        var gradientError = 0.0, lossError = 0.0, first = true
        var accuracyAfter = 0.0
        for epoch in 0..<epochs {
            schedule.apply(to: opt, epoch: epoch)
            for batch in loader {
                let x = batch.input.flatten(startDim: 1)
                let (loss, grads) = manualGradients(l1, l2, x: x, y: batch.target)
                if first { // autograd on the same batch and parameters: the two must agree
                    let auto = CrossEntropyLoss()(model(batch.input), batch.target)
                    auto.backward()
                    for (p, m) in zip(params, grads) {
                        let diff = withNoGrad { (p.grad! - m).abs().max().itemDouble() }
                        let scale = withNoGrad { p.grad!.abs().max().itemDouble() }
                        gradientError = Swift.max(gradientError, diff / Swift.max(scale, 1e-12))
                    }
                    lossError = Swift.abs(Double(auto.item() - loss))
                    first = false
                }
                for (p, m) in zip(params, grads) { p.grad = m }
                opt.step()
            }
            accuracyAfter = accuracy(model, test.images, test.labels)
            if o.progress {
                FileHandle.standardError.write(Data(String(format: "epoch %d: test accuracy %.2f%%\n", epoch + 1, 100 * accuracyAfter).utf8))
            }
        }
        let (words, goal) = target(name)
        return MilestoneResult(name: "mlp-manual", metrics: [
            ("test_accuracy", accuracyAfter), ("first_batch_max_relative_gradient_difference", gradientError),
            ("first_batch_loss_difference", lossError), ("epochs", Double(epochs)),
        ], target: "\(name): \(words); hand-written gradients equal autograd's (relative difference < 1e-5)",
           passed: accuracyAfter >= goal && gradientError < 1e-5)
    }
}
