// Standard BLAS entry points over the packed SGEMM: cblas_sgemm (row- and column-major) and the
// Fortran-77 sgemm_ (column-major, by reference), with the reference implementation's argument checks.
// A column-major C[M, N] is the row-major C^T[N, M] = op(B)^T op(A)^T, so column-major calls swap
// the operands and M with N; the transpose flags carry over unchanged.
#include "internal/st_internal.h"
#include "swifttorch_blas.h"
#include <stdio.h>

// Reference-BLAS error handler; a program (such as the BLAS test suite) may define its own, which
// then takes precedence. Unlike the reference, this one reports and returns instead of stopping.
__attribute__((weak)) void xerbla_(const char *srname, const int *info, size_t len) {
    fprintf(stderr, " ** On entry to %.*s parameter number %d had an illegal value\n", (int)len, srname, *info);
}

static int trans_of(char t) { // -1 for an invalid letter
    switch (t) {
    case 'N': case 'n': return ST_NO_TRANS;
    case 'T': case 't': case 'C': case 'c': return ST_TRANS;
    default: return -1;
    }
}

void sgemm_(const char *transa, const char *transb, const int *m, const int *n, const int *k, const float *alpha,
            const float *a, const int *lda, const float *b, const int *ldb, const float *beta, float *c,
            const int *ldc) {
    const int ta = trans_of(*transa), tb = trans_of(*transb);
    const int nrowa = ta == ST_NO_TRANS ? *m : *k, nrowb = tb == ST_NO_TRANS ? *k : *n;
    int info = 0;
    if (ta < 0) info = 1;
    else if (tb < 0) info = 2;
    else if (*m < 0) info = 3;
    else if (*n < 0) info = 4;
    else if (*k < 0) info = 5;
    else if (*lda < (nrowa > 1 ? nrowa : 1)) info = 8;
    else if (*ldb < (nrowb > 1 ? nrowb : 1)) info = 10;
    else if (*ldc < (*m > 1 ? *m : 1)) info = 13;
    if (info != 0) {
        xerbla_("SGEMM ", &info, 6);
        return;
    }
    if (*m == 0 || *n == 0 || ((*alpha == 0.0f || *k == 0) && *beta == 1.0f)) return;
    st_status s = st_sgemm(ST_SGEMM_PACKED, (st_trans)tb, (st_trans)ta, *n, *m, *k, *alpha, b, *ldb, a, *lda,
                           *beta, c, *ldc);
    if (s != ST_OK) fprintf(stderr, "sgemm_: %s\n", st_last_error());
}

void cblas_sgemm(enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE transA, enum CBLAS_TRANSPOSE transB, int m, int n,
                 int k, float alpha, const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc) {
    const int ta = transA == CblasNoTrans ? ST_NO_TRANS : (transA == CblasTrans || transA == CblasConjTrans) ? ST_TRANS : -1;
    const int tb = transB == CblasNoTrans ? ST_NO_TRANS : (transB == CblasTrans || transB == CblasConjTrans) ? ST_TRANS : -1;
    st_status s;
    if (order == CblasRowMajor) {
        s = st_sgemm(ST_SGEMM_PACKED, (st_trans)ta, (st_trans)tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    } else if (order == CblasColMajor) {
        s = st_sgemm(ST_SGEMM_PACKED, (st_trans)tb, (st_trans)ta, n, m, k, alpha, b, ldb, a, lda, beta, c, ldc);
    } else {
        fprintf(stderr, "cblas_sgemm: order = %d is not CblasRowMajor (101) or CblasColMajor (102)\n", (int)order);
        return;
    }
    if (s != ST_OK) fprintf(stderr, "cblas_sgemm: %s\n", st_last_error());
}
