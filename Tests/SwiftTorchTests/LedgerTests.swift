// The shape ledger (ops, shapes, parameters, bytes, MACs, FLOPs) and the allocator's statistics.
import Foundation
import Testing
@testable import SwiftTorch

@Suite("Shape ledger and memory statistics")
struct LedgerTests {
    @Test("golden: linear(x [32, 784], W [784, 256], b [256]) is one row with 200,960 params and 12,845,056 FLOPs")
    func linearRow() {
        let x = Tensor.randn([32, 784], generator: seeded(1))
        let w = Tensor.randn([784, 256], generator: seeded(2), requiresGrad: true), b = Tensor.zeros([256], requiresGrad: true)
        let report = Ledger.trace { _ = linear(x, weight: w, bias: b) }
        #expect(report.entries.count == 1)
        let row = report.entries[0]
        #expect(row.op == "linear" && row.inputShapes == [[32, 784]] && row.outputShape == [32, 256])
        #expect(row.parameters == 784 * 256 + 256 && row.parameters == 200_960)
        #expect(row.parameterBytes == 803_840 && row.parameterBytes == 4 * row.parameters)
        #expect(row.flops == 2 * 32 * 784 * 256 && row.flops == 12_845_056 && row.macs == 6_422_528)
        #expect(row.outputBytes == 32 * 256 * 4)
        #expect(report.totalParameters == 200_960 && report.totalParameterBytes == 803_840)
        #expect(report.totalMACs == 6_422_528 && report.totalFLOPs == 12_845_056 && report.totalOutputBytes == 32_768)
        let text = report.description
        #expect(text.contains("785 KiB") && text.contains("803,840 B") && text.contains("12,845,056") && text.contains("200,960"))
        #expect(text.split(separator: "\n").count == 5) // header, rule, one row, rule, total
    }

    @Test("golden: 784 → 256 → 128 → 10 at batch 32")
    func mlp() {
        let x = Tensor.randn([32, 784], generator: seeded(3))
        let sizes = [784, 256, 128, 10]
        let layers = (0..<3).map { i in
            (Tensor.randn([sizes[i], sizes[i + 1]], generator: seeded(10 + UInt64(i)), requiresGrad: true),
             Tensor.zeros([sizes[i + 1]], requiresGrad: true))
        }
        let report = Ledger.trace {
            var h = x
            for (i, (w, b)) in layers.enumerated() {
                h = linear(h, weight: w, bias: b)
                if i < 2 { h = h.relu() }
            }
        }
        #expect(report.entries.map(\.op) == ["linear", "relu", "linear", "relu", "linear"])
        let linears = report.entries.filter { $0.op == "linear" }
        #expect(linears.map(\.macs) == [6_422_528, 1_048_576, 40_960])
        #expect(linears.reduce(0) { $0 + $1.macs } == 7_512_064 && linears.reduce(0) { $0 + $1.flops } == 15_024_128)
        #expect(report.totalParameters == 235_146 && report.totalParameterBytes == 4 * 235_146)
        #expect(report.totalMACs == 7_512_064)
        // relu rows: one FLOP per output element, no parameters, no MACs.
        let relus = report.entries.filter { $0.op == "relu" }
        #expect(relus.map(\.flops) == [32 * 256, 32 * 128] && relus.allSatisfy { $0.macs == 0 && $0.parameters == 0 })
        #expect(report.totalFLOPs == 15_024_128 + 32 * 256 + 32 * 128)
        #expect(report.totalOutputBytes == 4 * 32 * (256 + 256 + 128 + 128 + 10))
    }

    @Test("views report 0 output bytes; copies and elementwise ops report their outputs")
    func viewsAndCopies() {
        let x = Tensor.zeros([8, 16]), y = Tensor.ones([8, 16])
        let report = Ledger.trace {
            _ = x.reshape(16, 8)          // view
            _ = x.T                      // view (permute)
            _ = x[.all, 0..<4]           // view (slice)
            _ = x.unsqueeze(0).expand([3, 8, 16]) // views
            _ = x.T.reshape(-1)          // copy
            _ = x + y
            _ = matmul(x, y.T)
            _ = x.sum(dim: 1)
            _ = x.mean()                 // composite: one row
        }
        #expect(report.entries.map(\.op) == ["reshape", "permute", "slice", "reshape", "expand", "permute", "reshape", "add",
                                             "permute", "matmul", "sum", "mean"])
        let bytes = report.entries.map(\.outputBytes)
        #expect(bytes == [0, 0, 0, 0, 0, 0, 512, 512, 0, 256, 32, 4])
        let e = report.entries
        #expect(e[7].flops == 128 && e[9].flops == 2 * 8 * 8 * 16 && e[9].macs == 8 * 8 * 16 && e[10].flops == 128)
        #expect(e[9].inputShapes == [[8, 16], [16, 8]] && e[9].outputShape == [8, 8])
        #expect(e.filter { $0.outputBytes == 0 }.allSatisfy { $0.flops == 0 })
    }

    @Test("ops that move a dim internally (softmax along dim 0, sums over leading dims) are one row each")
    func internalStepsHidden() {
        let x = Tensor.ones([8, 16])
        let report = Ledger.trace {
            _ = x.softmax(dim: 0)
            _ = x.logSoftmax(dim: 0)
            _ = x.sum(dim: 0)
            _ = x.gather(dim: 1, index: Tensor(integers: [[0, 1]]))
        }
        #expect(report.entries.map(\.op) == ["softmax", "logSoftmax", "sum", "gather"])
        #expect(report.entries.map(\.outputBytes) == [512, 512, 64, 8])
    }

    @Test("parameters are counted once per tensor; tracing is scoped")
    func parametersAndScope() {
        let w = Tensor.ones([4, 4], requiresGrad: true)
        let x = Tensor.ones([2, 4])
        let report = Ledger.trace { _ = matmul(matmul(x, w), w) }
        #expect(report.entries.count == 2 && report.entries.allSatisfy { $0.parameters == 16 })
        #expect(report.totalParameters == 16 && report.totalParameterBytes == 64)
        // Nested traces: the inner one sees only its ops; the outer one resumes afterwards.
        var inner: LedgerReport?
        let outer = Ledger.trace {
            _ = x + x
            inner = Ledger.trace { _ = x * x }
            _ = x - x
        }
        #expect(inner?.entries.map(\.op) == ["mul"] && outer.entries.map(\.op) == ["add", "sub"])
        // Nothing is recorded outside a trace.
        #expect(Ledger.recorder == nil)
    }

    @Test("memory statistics: a [1024, 1024] float32 tensor is 4,194,304 live bytes until released")
    func memoryStatistics() async {
        // A fresh process: the counters are process-wide and other tests allocate in parallel.
        let result = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) {
            // Failures are written to standard error (the parent shows them) instead of trapping.
            func check(_ ok: Bool, _ message: @autoclosure () -> String) {
                if !ok { FileHandle.standardError.write(Data("FAILED: \(message())\n".utf8)) }
            }
            let before = Memory.stats.liveBytes
            var t: Tensor? = Tensor.zeros([1024, 1024])
            let during = Memory.stats
            check(during.liveBytes - before == 4_194_304, "live bytes grew by \(during.liveBytes - before)")
            check(during.peakBytes >= during.liveBytes, "peak \(during.peakBytes) < live \(during.liveBytes)")
            withExtendedLifetime(t) {}
            t = nil
            let after = Memory.stats
            check(after.liveBytes == before, "live bytes \(after.liveBytes) after release, \(before) before")
            check(after.peakBytes >= before + 4_194_304, "peak \(after.peakBytes)")
            check(after.cachedBytes >= 4_194_304, "a freed 4 MiB block is kept for reuse (cached \(after.cachedBytes))")
            Memory.resetPeak()
            let reset = Memory.stats
            check(reset.peakBytes == reset.liveBytes && reset.allocations == 0, "after resetPeak: \(reset)")
            let (sum, peak) = Memory.measurePeak { Tensor.ones([256, 1024]).sum() }
            check(sum.item() == 262_144, "sum \(sum.item())")
            check(peak >= 1_048_576 && peak < 1_048_576 + 1024, "measured peak \(peak)")
            Memory.emptyCache()
            check(Memory.stats.cachedBytes == 0, "cache not emptied")
            check(Memory.stats.description.hasPrefix("live "), Memory.stats.description)
        }
        #expect(standardError(result).isEmpty, "\(standardError(result))")
    }
}
