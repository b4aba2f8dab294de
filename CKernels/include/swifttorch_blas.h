// Standard BLAS entry points exported by the SwiftTorchBLAS shared library (and the CKernels module).
#ifndef SWIFTTORCH_BLAS_H
#define SWIFTTORCH_BLAS_H

#ifdef __cplusplus
extern "C" {
#endif

// CBLAS enums, with the reference values so that existing cblas.h users interoperate.
enum CBLAS_ORDER { CblasRowMajor = 101, CblasColMajor = 102 };
enum CBLAS_TRANSPOSE { CblasNoTrans = 111, CblasTrans = 112, CblasConjTrans = 113 };

/// CBLAS SGEMM: C := alpha * op(A) * op(B) + beta * C, row- or column-major. Bad arguments (the reference
/// CBLAS's checks, and null operands that hold elements) call cblas_xerbla with the parameter's number,
/// set st_last_error() and leave C untouched.
void cblas_sgemm(enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE transA, enum CBLAS_TRANSPOSE transB,
                 int m, int n, int k, float alpha, const float *a, int lda,
                 const float *b, int ldb, float beta, float *c, int ldc);

/// CBLAS error handler, called with the bad parameter's number (1 = order ... 14 = ldc). The library's
/// own prints the message and returns; a program may define its own, which then takes precedence.
void cblas_xerbla(int p, const char *rout, const char *form, ...);

/// Fortran-77 SGEMM (column-major, arguments by reference). Bad arguments call xerbla_.
void sgemm_(const char *transa, const char *transb, const int *m, const int *n, const int *k,
            const float *alpha, const float *a, const int *lda, const float *b, const int *ldb,
            const float *beta, float *c, const int *ldc);

#ifdef __cplusplus
}
#endif
#endif
