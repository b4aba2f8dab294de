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
}
