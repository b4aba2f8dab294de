// Shared by the bench subcommands: wall-clock timing (one call, the median of repeated calls after discarded
// warm-ups, the median per-call time of rounds of many short calls) and output helpers (padding, JSON lines).
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

/// One JSON object on one line from `fields`, keys in `order` (absent keys skipped; default: sorted keys).
/// Strings are escaped; non-finite numbers become null (JSON has no inf or nan).
func jsonLine(_ fields: [String: Any], order: [String]? = nil) -> String {
    func string(_ v: String) -> String {
        var out = "\""
        for ch in v.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case let c where c.value < 0x20: out += String(format: "\\u%04x", c.value)
            default: out.unicodeScalars.append(ch)
            }
        }
        return out + "\""
    }
    let parts = (order ?? fields.keys.sorted()).compactMap { k -> String? in
        guard let value = fields[k] else { return nil }
        switch value {
        case let v as String: return "\"\(k)\":" + string(v)
        case let v as Double: return "\"\(k)\":" + (v.isFinite ? "\(v)" : "null")
        case let v: return "\"\(k)\":\(v)"
        }
    }
    return "{" + parts.joined(separator: ",") + "}"
}
