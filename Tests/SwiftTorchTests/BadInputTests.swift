// Bad input: the C API returns an error code and a message; the Swift API traps naming the argument.
import CKernels
import Foundation
import Testing
@testable import SwiftTorch

@Suite("SGEMM bad input")
struct BadInputTests {
    /// Calls st_sgemm and returns (status, message); C is checked to be untouched.
    func cCall(m: Int64, n: Int64, k: Int64, lda: Int64, ldb: Int64, ldc: Int64, nullA: Bool = false,
               nullC: Bool = false, impl: st_sgemm_impl = ST_SGEMM_PACKED, ta: st_trans = ST_NO_TRANS) -> (st_status, String) {
        var a = [Float](repeating: 1, count: 64), b = [Float](repeating: 1, count: 64)
        var c = [Float](repeating: 7, count: 64)
        let status = a.withUnsafeMutableBufferPointer { pa in
            b.withUnsafeMutableBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    st_sgemm(impl, ta, ST_NO_TRANS, m, n, k, 1, nullA ? nil : pa.baseAddress, lda, pb.baseAddress, ldb,
                             0, nullC ? nil : pc.baseAddress, ldc)
                }
            }
        }
        #expect(c.allSatisfy { $0 == 7 }, "C was modified by a failing call")
        return (status, String(cString: st_last_error()))
    }

    @Test("C API: negative sizes, short leading dimensions, null pointers, bad enums")
    func cErrors() {
        var (s, msg) = cCall(m: -1, n: 2, k: 2, lda: 2, ldb: 2, ldc: 2)
        #expect(s == ST_ERR_ARGUMENT && msg == "sgemm: m = -1 must be >= 0")
        (s, msg) = cCall(m: 2, n: -3, k: 2, lda: 2, ldb: 2, ldc: 2)
        #expect(s == ST_ERR_ARGUMENT && msg == "sgemm: n = -3 must be >= 0")
        (s, msg) = cCall(m: 2, n: 2, k: -4, lda: 2, ldb: 2, ldc: 2)
        #expect(s == ST_ERR_ARGUMENT && msg == "sgemm: k = -4 must be >= 0")
        (s, msg) = cCall(m: 2, n: 2, k: 5, lda: 3, ldb: 2, ldc: 2)
        #expect(s == ST_ERR_ARGUMENT && msg == "sgemm: lda = 3 is smaller than the row length of A (k = 5); it must be >= 5")
        (s, msg) = cCall(m: 4, n: 2, k: 5, lda: 3, ldb: 2, ldc: 2, ta: ST_TRANS)
        #expect(s == ST_ERR_ARGUMENT && msg == "sgemm: lda = 3 is smaller than the row length of A (m = 4); it must be >= 4")
        (s, msg) = cCall(m: 2, n: 6, k: 2, lda: 2, ldb: 5, ldc: 6)
        #expect(s == ST_ERR_ARGUMENT && msg.hasPrefix("sgemm: ldb = 5 is smaller than the row length of B (n = 6)"))
        (s, msg) = cCall(m: 2, n: 6, k: 2, lda: 2, ldb: 6, ldc: 0)
        #expect(s == ST_ERR_ARGUMENT && msg.hasPrefix("sgemm: ldc = 0 is smaller than the row length of C (n = 6)"))
        (s, msg) = cCall(m: 2, n: 2, k: 2, lda: 2, ldb: 2, ldc: 2, nullA: true)
        #expect(s == ST_ERR_ARGUMENT && msg == "sgemm: A is a null pointer but holds 2 x 2 elements")
        (s, msg) = cCall(m: 2, n: 2, k: 2, lda: 2, ldb: 2, ldc: 2, nullC: true)
        #expect(s == ST_ERR_ARGUMENT && msg == "sgemm: C is a null pointer but holds 2 x 2 elements")
        (s, msg) = cCall(m: 2, n: 2, k: 2, lda: 2, ldb: 2, ldc: 2, impl: st_sgemm_impl(rawValue: 9))
        #expect(s == ST_ERR_ARGUMENT && msg.hasPrefix("sgemm: impl = 9"))
        (s, msg) = cCall(m: 2, n: 2, k: 2, lda: 2, ldb: 2, ldc: 2, ta: st_trans(rawValue: 5))
        #expect(s == ST_ERR_ARGUMENT && msg.hasPrefix("sgemm: transA = 5"))
        (s, msg) = cCall(m: 1 << 40, n: 1 << 40, k: 2, lda: 2, ldb: 1 << 40, ldc: 1 << 40)
        #expect(s == ST_ERR_ARGUMENT && msg.contains("too large"))
        // Empty matrices may be null; a valid call clears the message.
        #expect(st_sgemm(ST_SGEMM_PACKED, ST_NO_TRANS, ST_NO_TRANS, 0, 0, 0, 1, nil, 1, nil, 1, 0, nil, 1) == ST_OK)
        #expect(String(cString: st_last_error()) == "")
    }

    @Test("C API: an unsupported ISA is refused")
    func unsupportedISA() {
        for isa in ISA.allCases where !isa.isSupported {
            #expect(st_isa_set(isa.cValue) == ST_ERR_UNSUPPORTED)
            #expect(String(cString: st_last_error()).contains("does not support \(isa)"))
        }
        #expect(st_isa_from_name("avx2") == 1 && st_isa_from_name("sse9") == -1)
    }

    @Test("Swift API: a negative size traps naming it")
    func swiftNegativeSize() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var c = [Float](repeating: 0, count: 4)
            sgemm(m: -2, n: 2, k: 2, a: [1, 2, 3, 4], b: [1, 2, 3, 4], c: &c)
        }
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr.contains("sgemm: m = -2 must be >= 0"))
    }

    @Test("Swift API: a short leading dimension traps naming it")
    func swiftShortLeadingDimension() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var c = [Float](repeating: 0, count: 4)
            sgemm(m: 2, n: 2, k: 3, a: [1, 2, 3, 4, 5, 6], lda: 2, b: [1, 2, 3, 4, 5, 6], c: &c)
        }
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr.contains("sgemm: lda = 2 is smaller than the row length of A stored as [2, 3]; it must be >= 3"))
    }

    @Test("Swift API: a buffer too short for its shape traps instead of reading past it")
    func swiftShortBuffer() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var c = [Float](repeating: 0, count: 4)
            sgemm(m: 2, n: 2, k: 3, a: [1, 2, 3, 4, 5], b: [1, 2, 3, 4, 5, 6], c: &c)
        }
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr.contains("sgemm: A has 5 elements but [2, 3] with lda = 3 needs 6"))
    }
}
