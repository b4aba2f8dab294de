// The roofline model: attainable GFLOP/s = min(peak, AI × bandwidth). The horizontal roof is the compute
// peak, the slanted one bandwidth × AI; they meet at the ridge point AI = peak / bandwidth. Kernels left of
// the ridge are memory-bound, right of it compute-bound.
import Foundation

/// One kernel run placed on a roofline.
public struct RooflinePoint: Codable, Equatable, Sendable {
    public enum Bound: String, Codable, Sendable { case memory, compute }

    public var name: String
    public var cost: KernelCost
    /// Median seconds per call.
    public var seconds: Double
    /// Achieved GFLOP/s.
    public var gflops: Double
    /// min(peak, AI × bandwidth) at this point's intensity, GFLOP/s.
    public var attainable: Double
    /// Achieved / attainable.
    public var fractionOfRoof: Double
    /// Which roof is the lower one at this intensity.
    public var bound: Bound
    /// Interquartile range of the seconds, when measured.
    public var p25: Double?
    public var p75: Double?

    public var arithmeticIntensity: Double { cost.arithmeticIntensity }
    /// Achieved bandwidth in GB/s (bytes of the cost model over the time).
    public var gbps: Double { cost.bytes / seconds / 1e9 }
}

/// A machine's roofs: one compute peak and one bandwidth, in the units users read (GFLOP/s, GB/s).
public struct Roofline: Codable, Equatable, Sendable {
    /// Compute roof, GFLOP/s.
    public var peakGFLOPS: Double
    /// Memory roof, GB/s.
    public var bandwidthGBps: Double
    public var label: String

    public init(peakGFLOPS: Double, bandwidthGBps: Double, label: String = "") {
        precondition(peakGFLOPS > 0 && bandwidthGBps > 0,
                     "Roofline: peak (\(peakGFLOPS) GFLOP/s) and bandwidth (\(bandwidthGBps) GB/s) must be positive")
        self.peakGFLOPS = peakGFLOPS
        self.bandwidthGBps = bandwidthGBps
        self.label = label
    }

    /// The intensity (FLOP/byte) where the two roofs meet.
    public var ridgePoint: Double { peakGFLOPS / bandwidthGBps }

    /// The roof at intensity `ai` FLOP/byte, GFLOP/s.
    public func attainable(arithmeticIntensity ai: Double) -> Double { min(peakGFLOPS, ai * bandwidthGBps) }

    /// Places a kernel that did `cost` in `seconds` per call.
    public func place(_ name: String, cost: KernelCost, seconds: Double, p25: Double? = nil, p75: Double? = nil) -> RooflinePoint {
        precondition(seconds > 0, "Roofline.place: \(name) took \(seconds) s; a time must be positive")
        let ai = cost.arithmeticIntensity
        let roof = attainable(arithmeticIntensity: ai)
        let gflops = cost.flops / seconds / 1e9
        return RooflinePoint(name: name, cost: cost, seconds: seconds, gflops: gflops, attainable: roof,
                             fractionOfRoof: roof > 0 ? gflops / roof : 0, bound: ai < ridgePoint ? .memory : .compute,
                             p25: p25, p75: p75)
    }

    /// Times `body` (`warmup` calls discarded, then the median of `runs` calls) and places it.
    public func measure(_ name: String, cost: KernelCost, warmup: Int = 2, runs: Int = 10,
                        _ body: () throws -> Void) rethrows -> RooflinePoint {
        let stats = try TimingStats.measure(warmup: warmup, runs: runs, body)
        return place(name, cost: cost, seconds: stats.median, p25: stats.p25, p75: stats.p75)
    }
}

/// Median and quartiles of repeated wall-clock timings.
public struct TimingStats: Codable, Equatable, Sendable {
    public var count: Int, median: Double, p25: Double, p75: Double

    public init(_ values: [Double]) {
        precondition(!values.isEmpty, "TimingStats requires at least one measurement.")
        let v = values.sorted()
        func q(_ f: Double) -> Double {
            let x = f * Double(v.count - 1), lo = Int(x.rounded(.down)), hi = min(lo + 1, v.count - 1)
            return v[lo] + (v[hi] - v[lo]) * (x - Double(lo))
        }
        count = v.count
        median = q(0.5)
        p25 = q(0.25)
        p75 = q(0.75)
    }

    /// Seconds `body` takes, once (monotonic clock).
    public static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let t0 = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9
    }

    /// `warmup` discarded calls, then the statistics of `runs` timed calls.
    public static func measure(warmup: Int, runs: Int, _ body: () throws -> Void) rethrows -> TimingStats {
        for _ in 0..<warmup { try body() }
        return TimingStats(try (0..<max(runs, 1)).map { _ in try seconds(body) })
    }
}
