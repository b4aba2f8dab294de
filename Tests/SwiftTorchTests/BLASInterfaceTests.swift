// The exported cblas_sgemm and Fortran sgemm_ entry points (column-major conventions).
import CKernels
import Testing
@testable import SwiftTorch

@Suite("BLAS entry points")
struct BLASInterfaceTests {
    // Column-major A [2, 3] = [[1, 2, 3], [4, 5, 6]] stored by columns, B [3, 2] = [[7, 8], [9, 10], [11, 12]].
    let aCol: [Float] = [1, 4, 2, 5, 3, 6]
    let bCol: [Float] = [7, 9, 11, 8, 10, 12]
    // A·B = [[58, 64], [139, 154]]; column-major: [58, 139, 64, 154].

    @Test("cblas_sgemm column-major and row-major")
    func cblas() {
        var c = [Float](repeating: .nan, count: 4)
        cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, 2, 2, 3, 1, aCol, 2, bCol, 3, 0, &c, 2)
        #expect(c == [58, 139, 64, 154])
        // Row-major with a transposed A: A stored [3, 2] row-major is aCol read as rows.
        var r = [Float](repeating: 1, count: 4)
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, 2, 2, 3, 2, aCol, 2, [7, 8, 9, 10, 11, 12], 2, 1, &r, 2)
        #expect(r == [117, 129, 279, 309])
    }

    @Test("Fortran sgemm_ with transposes and beta")
    func fortran() {
        var c: [Float] = [1, 1, 1, 1]
        var m: Int32 = 2, n: Int32 = 2, k: Int32 = 3, lda: Int32 = 3, ldb: Int32 = 3, ldc: Int32 = 2
        var alpha: Float = 1, beta: Float = 0.5
        // op(A) = Aᵀ where A is [3, 2] column-major (= aCol read as a 3x2 col-major: [[1,5],[4,3],[2,6]])
        let aT: [Float] = [1, 2, 3, 4, 5, 6] // column-major [3, 2]: columns (1,2,3), (4,5,6); Aᵀ = [[1,2,3],[4,5,6]]
        sgemm_("T", "N", &m, &n, &k, &alpha, aT, &lda, bCol, &ldb, &beta, &c, &ldc)
        #expect(c == [58.5, 139.5, 64.5, 154.5])
    }

    @Test("cblas_sgemm names the caller's argument in an error, row- and column-major, and leaves C untouched")
    func cblasErrors() {
        // (order, transA, transB, M, N, K, lda, ldb, ldc, null B) -> the expected parameter and message
        let cases: [(CBLAS_ORDER, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE, Int32, Int32, Int32, Int32, Int32, Int32, Bool, String)] = [
            (CblasColMajor, CblasNoTrans, CblasNoTrans, 4, 2, 3, 3, 3, 4, false,
             "parameter 9: lda = 3 is smaller than a column of A (4 x 3, column-major); it must be >= 4"),
            (CblasColMajor, CblasNoTrans, CblasTrans, 4, 2, 3, 4, 1, 4, false,
             "parameter 11: ldb = 1 is smaller than a column of B (2 x 3, column-major); it must be >= 2"),
            (CblasColMajor, CblasNoTrans, CblasNoTrans, 4, 2, 3, 4, 3, 3, false,
             "parameter 14: ldc = 3 is smaller than a column of C (4 x 2, column-major); it must be >= 4"),
            (CblasColMajor, CblasNoTrans, CblasNoTrans, 4, 2, 3, 4, 3, 4, true,
             "parameter 10: B is a null pointer but holds 3 x 2 elements"),
            (CblasRowMajor, CblasTrans, CblasNoTrans, 4, 2, 3, 3, 2, 2, false,
             "parameter 9: lda = 3 is smaller than a row of A (3 x 4, row-major); it must be >= 4"),
            (CblasColMajor, CblasNoTrans, CblasNoTrans, -1, 2, 3, 4, 3, 4, false, "parameter 4: M = -1 must be >= 0"),
            (CBLAS_ORDER(rawValue: 7), CblasNoTrans, CblasNoTrans, 4, 2, 3, 4, 3, 4, false,
             "parameter 1: order = 7 is not CblasRowMajor (101) or CblasColMajor (102)"),
            (CblasRowMajor, CBLAS_TRANSPOSE(rawValue: 5), CblasNoTrans, 4, 2, 3, 4, 3, 4, false,
             "parameter 2: transA = 5 is not CblasNoTrans (111), CblasTrans (112) or CblasConjTrans (113)"),
        ]
        let a = [Float](repeating: 1, count: 64), b = [Float](repeating: 1, count: 64)
        for (order, ta, tb, m, n, k, lda, ldb, ldc, nullB, message) in cases {
            var c = [Float](repeating: 7, count: 64)
            if nullB {
                cblas_sgemm(order, ta, tb, m, n, k, 1, a, lda, nil, ldb, 0, &c, ldc)
            } else {
                cblas_sgemm(order, ta, tb, m, n, k, 1, a, lda, b, ldb, 0, &c, ldc)
            }
            #expect(String(cString: st_last_error()) == "cblas_sgemm: " + message)
            #expect(c.allSatisfy { $0 == 7 }, "C changed: \(message)")
        }
        // A valid call after an error clears it.
        var c = [Float](repeating: .nan, count: 4)
        cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, 2, 2, 3, 1, aCol, 2, bCol, 3, 0, &c, 2)
        #expect(c == [58, 139, 64, 154])
        #expect(String(cString: st_last_error()) == "")
    }

    @Test("Fortran sgemm_ names a null operand by the caller's name and leaves C untouched")
    func fortranNullOperand() {
        var m: Int32 = 2, n: Int32 = 2, k: Int32 = 3, lda: Int32 = 2, ldb: Int32 = 3, ldc: Int32 = 2
        var alpha: Float = 1, beta: Float = 0
        var c: [Float] = [7, 7, 7, 7]
        sgemm_("N", "N", &m, &n, &k, &alpha, aCol, &lda, nil, &ldb, &beta, &c, &ldc)
        #expect(String(cString: st_last_error()) == "sgemm_: B is a null pointer but holds K x N = 3 x 2 elements")
        #expect(c == [7, 7, 7, 7])
        sgemm_("N", "N", &m, &n, &k, &alpha, nil, &lda, bCol, &ldb, &beta, &c, &ldc)
        #expect(String(cString: st_last_error()) == "sgemm_: A is a null pointer but holds M x K = 2 x 3 elements")
        var zero: Int32 = 0 // a valid call that returns early still clears the error
        sgemm_("N", "N", &zero, &n, &k, &alpha, aCol, &lda, bCol, &ldb, &beta, &c, &ldc)
        #expect(String(cString: st_last_error()) == "")
        sgemm_("N", "N", &m, &n, &k, &alpha, aCol, &lda, bCol, &ldb, &beta, &c, &ldc)
        #expect(c == [58, 139, 64, 154])
    }
}
