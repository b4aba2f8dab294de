// Progress on stderr: on a terminal a bar redrawn in place (at most ~20 times a second); otherwise
// (a log file, CI) only one plain line per epoch.
import Foundation

public struct ProgressReporter {
    /// false: print nothing.
    public var enabled = true
    /// Whether stderr is a terminal (decides bar or plain lines).
    public var isTerminal = isatty(2) != 0
    var lastDraw: UInt64 = 0

    public init(enabled: Bool = true) { self.enabled = enabled }

    mutating func batch(epoch: Int, batch: Int, of total: Int, loss: Double) {
        guard enabled && isTerminal else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        guard batch == total || now - lastDraw > 50_000_000 else { return }
        lastDraw = now
        let width = 30, filled = total > 0 ? width * batch / total : width
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        FileHandle.standardError.write(Data(String(format: "\repoch %d [%@] %d/%d loss %.4f ", epoch, bar, batch, total, loss).utf8))
    }

    func epochDone(_ line: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data(((isTerminal ? "\r\u{1B}[K" : "") + line + "\n").utf8))
    }
}
