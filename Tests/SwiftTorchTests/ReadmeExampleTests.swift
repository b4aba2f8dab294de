// The README's usage example, kept honest.
import Testing
import SwiftTorch

@Test("README usage example")
func readmeExample() {
    let a: [Float] = [1, 2, 3, 4, 5, 6]
    let b: [Float] = [7, 8, 9, 10, 11, 12]
    #expect(sgemm(m: 2, n: 2, k: 3, a: a, b: b) == [58, 64, 139, 154])
    var out = [Float](repeating: 1, count: 4)
    sgemm(.packed, transB: true, m: 2, n: 2, k: 3, alpha: 2, a: a, b: [7, 9, 11, 8, 10, 12], beta: 0.5, c: &out)
    #expect(out == [116.5, 128.5, 278.5, 308.5])
}
