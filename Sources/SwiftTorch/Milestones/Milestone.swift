// The milestones of the curriculum as library functions: each trains a small model end to end and
// returns its metrics and whether it met its target. The `milestone` executable runs them with
// options; the tests run them in short form.
import Foundation

/// What a milestone run measured.
public struct MilestoneResult: Sendable {
    public let name: String
    /// Metric name → value (accuracies in [0, 1], losses, seconds, counts), printed in this order.
    public let metrics: [(String, Double)]
    /// The milestone's target, in words, and whether this run met it.
    public let target: String
    public let passed: Bool

    public subscript(metric: String) -> Double? { metrics.first { $0.0 == metric }?.1 }

    /// One JSON object: {"milestone": ..., "passed": ..., "target": ..., metrics...}.
    public var json: String {
        func esc(_ s: String) -> String { s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") }
        let fields = ["\"milestone\": \"\(esc(name))\"", "\"passed\": \(passed)", "\"target\": \"\(esc(target))\""]
            + metrics.map { "\"\(esc($0.0))\": \($0.1.isFinite ? String($0.1) : "null")" }
        return "{" + fields.joined(separator: ", ") + "}"
    }
}

/// Settings shared by the milestones (each has its own defaults for those left nil).
public struct MilestoneOptions: Sendable {
    public var epochs: Int?
    public var batchSize: Int?
    public var lr: Double?
    public var seed: UInt64 = 0
    /// "fashion" (Fashion-MNIST, the default for mlp) or "tiny" (the shipped 8×8 digits).
    public var data: String = "fashion"
    public var dataDirectory: String = FashionMNIST.defaultDirectory
    /// Limit of training batches per epoch (short runs in tests); nil = all.
    public var maxBatches: Int?
    public var csv: URL?
    public var svg: URL?
    public var progress = true

    public init() {}
}

/// Accuracy of `model` on (x, y): argmax for several classes, output > 0 (a logit) for one.
func accuracy(_ model: any Layer, _ x: Tensor, _ y: Tensor) -> Double {
    model.eval()
    defer { model.train() }
    let out = withNoGrad { model(x) }
    if out.shape.last != 1 { return Double(Trainer.correctCount(out, y)) / Double(y.count) }
    return Double(zip(out.scalars.map { $0 > 0 ? 1 : 0 }, y.integers).filter { $0 == $1 }.count) / Double(y.count)
}
