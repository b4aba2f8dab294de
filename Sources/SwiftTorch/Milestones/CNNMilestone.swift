// Milestone 4, the CNN (1998): LeNet-5 style on Fashion-MNIST.
//   x [B, 1, 28, 28] → Conv2d(1, 6, 5, padding 2) → ReLU → MaxPool 2 → [B, 6, 14, 14]
//   → Conv2d(6, 16, 5) → ReLU → MaxPool 2 → [B, 16, 5, 5] → Flatten [B, 400]
//   → Linear(400, 120) → ReLU → Linear(120, 84) → ReLU → Linear(84, 10)
//   parameters 61,706; forward ≈ 0.42 MMAC per image. Target ≥ 90% test accuracy within 10 epochs.
// On the shipped 8×8 digits a smaller CNN: Conv2d(1, 16, 3, padding 1) → ReLU → MaxPool 2 → [B, 16, 4, 4]
//   → Flatten → Linear(256, 10); target ≥ 90%.
import Foundation

extension Milestones {
    /// The LeNet-5 model of the cnn milestone (for benchmarks).
    public static func lenet(generator g: Generator) -> Sequential {
        Sequential(Conv2d(1, 6, kernelSize: 5, padding: 2, generator: g), ReLU(), MaxPool2d(2),
                   Conv2d(6, 16, kernelSize: 5, generator: g), ReLU(), MaxPool2d(2), Flatten(),
                   Linear(400, 120, generator: g), ReLU(), Linear(120, 84, generator: g), ReLU(), Linear(84, 10, generator: g))
    }

    static func tinyCNN(generator g: Generator) -> Sequential {
        Sequential(Conv2d(1, 16, kernelSize: 3, padding: 1, generator: g), ReLU(), MaxPool2d(2), Flatten(),
                   Linear(256, 10, generator: g))
    }

    public static func cnn(_ o: MilestoneOptions = MilestoneOptions()) throws -> MilestoneResult {
        let (rawTrain, rawTest, name) = try imageData(o)
        let (train, test) = (rawTrain.withChannelDimension(), rawTest.withChannelDimension())
        let g = Generator(seed: o.seed)
        let model = name == "digits8x8" ? tinyCNN(generator: g) : lenet(generator: g)
        let tiny = name == "digits8x8"
        return try trainClassifier("cnn", model: model, train: train, test: test, options: o, generator: g,
                                   defaultLR: tiny ? 0.05 : 0.02, defaultBatch: 64, evalBatch: 256,
                                   target: "\(name): test accuracy >= 0.90" + (tiny ? "" : " within 10 epochs"), goal: 0.90)
    }
}
