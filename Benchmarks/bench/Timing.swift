// Wall-clock timing shared by the bench subcommands: one call, the median of repeated calls after
// discarded warm-ups, and the median per-call time of rounds of many short calls.
import Foundation
import Roofline

/// Seconds `body` takes, once.
func elapsedSeconds(_ body: () -> Void) -> Double { TimingStats.seconds(body) }

/// Median seconds of `runs` calls of `body` after `warmup` discarded calls.
func medianSeconds(warmup: Int, runs: Int, _ body: () -> Void) -> Double {
    TimingStats.measure(warmup: warmup, runs: runs, body).median
}

/// Median seconds per call over `rounds` rounds of `calls` calls each (after `warmupCalls` discarded calls):
/// for operations too short to time one by one.
func medianSecondsPerCall(calls: Int, rounds: Int, warmupCalls: Int, _ body: () -> Void) -> Double {
    for _ in 0..<warmupCalls { body() }
    return Summary((0..<rounds).map { _ in elapsedSeconds { for _ in 0..<calls { body() } } / Double(calls) }).median
}

/// `s` padded with spaces to `width` (String(format:) does not pad Swift strings on Linux).
func pad(_ s: String, _ width: Int, left: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - s.count))
    return left ? fill + s : s + fill
}
