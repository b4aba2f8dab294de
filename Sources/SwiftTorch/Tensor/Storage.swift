// Reference-counted tensor storage, allocated by the C allocator (aligned, counted, cached when large).
import CKernels
import Foundation

/// A block of memory shared by a tensor and all of its views. Freed when the last one goes.
final class Storage {
    let pointer: UnsafeMutableRawPointer
    let byteCount: Int

    init(byteCount: Int, shape: [Int], dtype: DType) {
        guard let p = st_tensor_alloc(byteCount) else {
            fatalError("Tensor: out of memory allocating \(formatBytes(byteCount)) for shape \(shape) (\(dtype))")
        }
        pointer = p
        self.byteCount = byteCount
    }

    deinit { st_tensor_free(pointer, byteCount) }
}

/// Statistics of the tensor storage allocator: bytes held by live tensors, their peak since the last
/// reset, and blocks kept for reuse. Compare a shape ledger's estimate with what was really allocated.
public struct AllocationStats: Sendable, CustomStringConvertible {
    public var liveBytes: Int
    public var peakBytes: Int
    public var allocations: Int
    public var cachedBytes: Int

    public var description: String {
        "live \(formatBytes(liveBytes)), peak \(formatBytes(peakBytes)), \(allocations) allocations, cached \(formatBytes(cachedBytes))"
    }
}

/// The tensor allocator's counters and cache.
public enum Memory {
    /// Current allocation statistics (process-wide).
    public static var stats: AllocationStats {
        let s = st_get_alloc_stats()
        return AllocationStats(liveBytes: Int(s.live_bytes), peakBytes: Int(s.peak_bytes),
                               allocations: Int(s.allocations), cachedBytes: Int(s.cached_bytes))
    }

    /// Sets the peak to the live bytes and the allocation count to 0.
    public static func resetPeak() { st_reset_alloc_stats() }

    /// Returns cached blocks (freed tensors of 64 KiB and more kept for reuse) to the system.
    public static func emptyCache() { st_empty_cache() }

    /// Runs `body` and returns its result with the peak bytes allocated above the live bytes at the start.
    public static func measurePeak<R>(_ body: () throws -> R) rethrows -> (result: R, peakBytes: Int) {
        resetPeak()
        let start = stats.liveBytes
        let r = try body()
        return (r, stats.peakBytes - start)
    }
}

/// "803,840 B (785 KiB)": exact bytes and the binary-prefixed size.
public func formatBytes(_ bytes: Int) -> String {
    let exact = "\(groupThousands(bytes)) B"
    let units = ["KiB", "MiB", "GiB", "TiB"]
    var value = Double(bytes), unit = -1
    while abs(value) >= 1024 && unit < units.count - 1 {
        value /= 1024
        unit += 1
    }
    if unit < 0 { return exact }
    var text = String(format: "%.1f", value)
    if text.hasSuffix(".0") { text.removeLast(2) }
    return "\(exact) (\(text) \(units[unit]))"
}

/// 1234567 -> "1,234,567".
public func groupThousands(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, ch) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return n < 0 ? "-" + out : out
}
