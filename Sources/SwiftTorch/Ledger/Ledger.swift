// The shape ledger: a trace of the ops a piece of code runs, with shapes, parameters, bytes and FLOPs.
//
//   let report = Ledger.trace { _ = linear(x, weight: w, bias: b).relu() }
//   print(report)
//
// Each row: op, input shapes, output shape, parameters (leaf tensors that require grad, or a layer's
// weights), parameter bytes, output (activation) bytes, MACs and FLOPs (FLOP = 2·MAC for products;
// elementwise ops count one FLOP per output element and no MACs). Views allocate nothing and show 0
// output bytes. Composite ops (linear, mean, variance, ...) are one row; the ops inside them are not
// listed. Tracing is per thread; when no trace runs, recording costs one atomic load per op.
import Foundation
import Synchronization

public struct LedgerEntry: Sendable {
    public var op: String
    public var inputShapes: [[Int]]
    public var outputShape: [Int]
    public var parameters: Int
    public var parameterBytes: Int
    public var outputBytes: Int
    public var macs: Int
    public var flops: Int
    /// Scratch memory the op needs while it runs (e.g. a convolution's im2col columns), in bytes.
    public var workspaceBytes: Int = 0
}

public struct LedgerReport: Sendable, CustomStringConvertible {
    public var entries: [LedgerEntry]
    /// Elements of the distinct parameter tensors seen (a tensor used twice counts once).
    public var totalParameters: Int
    public var totalParameterBytes: Int
    /// Sum of the bytes of every op's output.
    public var totalOutputBytes: Int
    public var totalMACs: Int { entries.reduce(0) { $0 + $1.macs } }
    public var totalFLOPs: Int { entries.reduce(0) { $0 + $1.flops } }

    public var description: String {
        let workspace = entries.contains { $0.workspaceBytes > 0 } // the column only when some op needs scratch
        let header = ["#", "op", "inputs", "output", "params", "param bytes", "output bytes", "MACs", "FLOPs"]
            + (workspace ? ["workspace"] : [])
        var rows = entries.enumerated().map { i, e in
            [String(i), e.op, e.inputShapes.map { "\($0)" }.joined(separator: " "), "\(e.outputShape)",
             groupThousands(e.parameters), formatBytes(e.parameterBytes), formatBytes(e.outputBytes),
             groupThousands(e.macs), groupThousands(e.flops)] + (workspace ? [formatBytes(e.workspaceBytes)] : [])
        }
        rows.append(["", "total", "", "", groupThousands(totalParameters), formatBytes(totalParameterBytes),
                     formatBytes(totalOutputBytes), groupThousands(totalMACs), groupThousands(totalFLOPs)]
                    + (workspace ? [formatBytes(entries.map(\.workspaceBytes).max() ?? 0)] : []))
        let widths = header.indices.map { c in ([header] + rows).map { $0[c].count }.max()! }
        func line(_ r: [String]) -> String {
            r.enumerated().map { c, s in
                c <= 3 ? s.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                       : String(repeating: " ", count: widths[c] - s.count) + s
            }.joined(separator: "  ")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(header), rule] + rows.dropLast().map(line) + [rule, line(rows.last!)]).joined(separator: "\n")
    }
}

public enum Ledger {
    /// Number of traces running on any thread (0: recording returns at once).
    static let active = Atomic<Int>(0)
    private static let key = "SwiftTorch.Ledger.recorder"

    final class Recorder {
        var entries: [LedgerEntry] = []
        var depth = 0
        var parameters: [ObjectIdentifier: (Int, Int)] = [:] // id -> (elements, bytes)
    }

    static var recorder: Recorder? {
        if active.load(ordering: .relaxed) == 0 { return nil }
        return Thread.current.threadDictionary[key] as? Recorder
    }

    /// Runs `body` and returns the ledger of the ops it ran on this thread.
    public static func trace(_ body: () throws -> Void) rethrows -> LedgerReport {
        let rec = Recorder()
        let previous = Thread.current.threadDictionary[key]
        Thread.current.threadDictionary[key] = rec
        active.add(1, ordering: .relaxed)
        defer {
            active.subtract(1, ordering: .relaxed)
            Thread.current.threadDictionary[key] = previous
        }
        try body()
        let params = rec.parameters.values
        return LedgerReport(entries: rec.entries, totalParameters: params.reduce(0) { $0 + $1.0 },
                            totalParameterBytes: params.reduce(0) { $0 + $1.1 },
                            totalOutputBytes: rec.entries.reduce(0) { $0 + $1.outputBytes })
    }

    /// Records one op (no-op unless a trace runs on this thread and no composite op encloses it).
    /// `flops` defaults to one per output element; views pass `flops: 0` and report no output bytes.
    @inline(__always)
    static func record(_ op: String, _ inputs: @autoclosure () -> [Tensor], _ out: Tensor, flops: Int? = nil,
                       macs: Int = 0, params explicitParams: [Tensor]? = nil, workspaceBytes: Int = 0) {
        guard let rec = recorder, rec.depth == 0 else { return }
        let ins = inputs()
        let params = explicitParams ?? ins.filter { $0.requiresGrad && $0.isLeaf }
        let dataInputs = explicitParams == nil ? ins.filter { !($0.requiresGrad && $0.isLeaf) } : ins
        for p in params { rec.parameters[ObjectIdentifier(p)] = (p.scalarCount, p.byteCount) }
        let isView = flops == 0 && out.storage === ins.first?.storage
        rec.entries.append(LedgerEntry(
            op: op, inputShapes: (dataInputs.isEmpty ? ins : dataInputs).map(\.shape), outputShape: out.shape,
            parameters: params.reduce(0) { $0 + $1.scalarCount }, parameterBytes: params.reduce(0) { $0 + $1.byteCount },
            outputBytes: isView ? 0 : out.byteCount, macs: macs, flops: flops ?? out.scalarCount,
            workspaceBytes: workspaceBytes))
    }

    /// Runs an op's internal steps (moving a dim last, making a copy contiguous) without listing them:
    /// the op records one row itself.
    static func hidden<R>(_ body: () -> R) -> R {
        guard let rec = recorder else { return body() }
        rec.depth += 1
        defer { rec.depth -= 1 }
        return body()
    }

    /// An op's internal step that is neither differentiated nor listed (a layout copy, a bias broadcast):
    /// `hidden` without recording a graph either.
    static func internalStep<R>(_ body: () -> R) -> R { withNoGrad { hidden(body) } }

    /// Runs a composite op: its inner ops are not listed; one row is recorded for the whole.
    /// FLOPs are 2·macs when macs > 0, else one per output element.
    static func composite(_ op: String, _ inputs: @autoclosure () -> [Tensor], params: [Tensor]? = nil, macs: Int = 0,
                          _ body: () -> Tensor) -> Tensor {
        guard let rec = recorder else { return body() }
        rec.depth += 1
        let out = body()
        rec.depth -= 1
        record(op, inputs(), out, flops: macs > 0 ? 2 * macs : nil, macs: macs, params: params)
        return out
    }
}
