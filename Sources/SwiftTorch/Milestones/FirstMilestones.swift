// Milestones 1 and 2: the perceptron (1957) and XOR (1969).
//   perceptron: Linear(2 → 1) + sigmoid on linearly separable points: ≈ 50% untrained, ≥ 95% trained
//   xor: a single Linear(2 → 1) cannot fit XOR (loss stays ≈ ln 2 = 0.693, ≤ 75% accuracy); one hidden
//        layer Linear(2 → 16) → ReLU → Linear(16 → 1) reaches 100% with loss < 0.05
// Both train full-batch (the data sets are tiny) with the logistic loss (BCE with logits).
import Foundation

public enum Milestones {
    public static func perceptron(_ o: MilestoneOptions = MilestoneOptions()) -> MilestoneResult {
        let g = Generator(seed: o.seed)
        let (x, y) = SyntheticData.linearlySeparable(count: 512, generator: g)
        let (testX, testY) = SyntheticData.linearlySeparable(count: 256, generator: g)
        let model = Linear(2, 1, initializer: .normal(std: 0), generator: g) // zero: chance level before training
        let before = accuracy(model, testX, testY)
        let opt = SGD(model.parameters(), lr: o.lr ?? 0.5, momentum: 0.9)
        let target = y.to(.float32).unsqueeze(1)
        var loss: Float = .nan
        for _ in 0..<(o.epochs ?? 200) {
            let l = BCEWithLogitsLoss()(model(x), target) // = BCE(sigmoid(Linear(x)), y), computed stably
            opt.zeroGrad()
            l.backward()
            opt.step()
            loss = l.item()
        }
        let after = accuracy(model, testX, testY)
        return MilestoneResult(name: "perceptron", metrics: [("untrained_accuracy", before), ("accuracy", after),
                                                            ("train_loss", Double(loss)), ("parameters", 3)],
                               target: "accuracy >= 0.95 (untrained ≈ 0.5)", passed: after >= 0.95)
    }

    public static func xor(_ o: MilestoneOptions = MilestoneOptions()) -> MilestoneResult {
        let (x, y) = SyntheticData.xor()
        let target = y.to(.float32).unsqueeze(1)
        func train(_ model: any Layer, steps: Int) -> Double {
            let opt = Adam(model.parameters(), lr: o.lr ?? 0.05)
            var loss = 0.0
            for _ in 0..<steps {
                let l = BCEWithLogitsLoss()(model(x), target)
                opt.zeroGrad()
                l.backward()
                opt.step()
                loss = Double(l.item())
            }
            return loss
        }
        let steps = o.epochs ?? 1000
        let g = Generator(seed: o.seed)
        let linear = Linear(2, 1, generator: g)
        let linearLoss = train(linear, steps: steps)
        let hidden = Sequential(Linear(2, 16, generator: g), ReLU(), Linear(16, 1, generator: g))
        let hiddenLoss = train(hidden, steps: steps)
        let (la, ha) = (accuracy(linear, x, y), accuracy(hidden, x, y))
        let passed = Swift.abs(linearLoss - Foundation.log(2)) < 0.02 && la <= 0.75 && ha == 1 && hiddenLoss < 0.05
        return MilestoneResult(name: "xor", metrics: [("linear_loss", linearLoss), ("linear_accuracy", la),
                                                     ("hidden_loss", hiddenLoss), ("hidden_accuracy", ha)],
                               target: "linear: loss ≈ 0.693 and accuracy <= 0.75; hidden layer: accuracy 1.0 and loss < 0.05",
                               passed: passed)
    }
}
