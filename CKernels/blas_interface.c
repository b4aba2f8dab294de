// Standard BLAS entry points over the packed SGEMM: cblas_sgemm (row- and column-major) and the
// Fortran-77 sgemm_ (column-major, by reference), with the reference implementation's argument checks.
// A column-major C[M, N] is the row-major C^T[N, M] = op(B)^T op(A)^T, so column-major calls swap
// the operands and M with N; the transpose flags carry over unchanged.
#include "internal/st_internal.h"
#include "swifttorch_blas.h"
#include <stdarg.h>
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
    st_clear_error();
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
    // A null operand that holds elements (a C caller's mistake; the reference cannot see it), by the caller's name.
    const struct {
        const char *name, *dims;
        const void *p;
        int rows, cols;
    } op[3] = {{"A", "M x K", a, *m, *k}, {"B", "K x N", b, *k, *n}, {"C", "M x N", c, *m, *n}};
    for (int i = 0; i < 3; i++)
        if (op[i].p == NULL && op[i].rows > 0 && op[i].cols > 0) {
            st_fail(ST_ERR_ARGUMENT, "sgemm_: %s is a null pointer but holds %s = %d x %d elements", op[i].name,
                    op[i].dims, op[i].rows, op[i].cols);
            fprintf(stderr, "%s\n", st_last_error());
            return;
        }
    if (*m == 0 || *n == 0 || ((*alpha == 0.0f || *k == 0) && *beta == 1.0f)) return;
    st_status s = st_sgemm(ST_SGEMM_PACKED, (st_trans)tb, (st_trans)ta, *n, *m, *k, *alpha, b, *ldb, a, *lda,
                           *beta, c, *ldc);
    if (s != ST_OK) fprintf(stderr, "sgemm_: %s\n", st_last_error());
}

// CBLAS error handler (the reference's signature); a program may define its own, which then takes
// precedence. Like xerbla_ above, it reports and returns instead of stopping.
__attribute__((weak)) void cblas_xerbla(int p, const char *rout, const char *form, ...) {
    va_list ap;
    va_start(ap, form);
    fprintf(stderr, "Parameter %d to routine %s was incorrect\n", p, rout);
    vfprintf(stderr, form, ap);
    va_end(ap);
}

// Reports bad parameter number `pos` through cblas_xerbla and st_last_error(); returns pos.
__attribute__((format(printf, 2, 3))) static int cblas_fail(int pos, const char *fmt, ...) {
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    st_fail(ST_ERR_ARGUMENT, "cblas_sgemm: parameter %d: %s", pos, msg);
    cblas_xerbla(pos, "cblas_sgemm", "%s\n", msg);
    return pos;
}

static int cblas_trans_of(enum CBLAS_TRANSPOSE t) { // -1 for an invalid value
    return t == CblasNoTrans ? ST_NO_TRANS : (t == CblasTrans || t == CblasConjTrans) ? ST_TRANS : -1;
}

// The reference CBLAS's checks, in its order and with its parameter numbers, made before a column-major call
// swaps its operands, so that a message names the caller's argument. Null operands that hold elements (the
// reference does not check them) are parameters 8, 10 and 13. Returns 0 when all are valid.
static int cblas_sgemm_check(enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE transA, enum CBLAS_TRANSPOSE transB, int m,
                             int n, int k, const float *a, int lda, const float *b, int ldb, const float *c, int ldc) {
    static const char *const trans_rule = "is not CblasNoTrans (111), CblasTrans (112) or CblasConjTrans (113)";
    const int ta = cblas_trans_of(transA), tb = cblas_trans_of(transB);
    if (order != CblasRowMajor && order != CblasColMajor)
        return cblas_fail(1, "order = %d is not CblasRowMajor (101) or CblasColMajor (102)", (int)order);
    if (ta < 0) return cblas_fail(2, "transA = %d %s", (int)transA, trans_rule);
    if (tb < 0) return cblas_fail(3, "transB = %d %s", (int)transB, trans_rule);
    if (m < 0) return cblas_fail(4, "M = %d must be >= 0", m);
    if (n < 0) return cblas_fail(5, "N = %d must be >= 0", n);
    if (k < 0) return cblas_fail(6, "K = %d must be >= 0", k);
    // Stored matrices, rows x cols: A [M, K] (or [K, M] transposed), B [K, N] (or [N, K]), C [M, N]. The
    // leading dimension spans a row in row-major storage and a column in column-major storage.
    const int row_major = order == CblasRowMajor;
    const struct {
        const char *name, *ld_name;
        const float *p;
        int rows, cols, ld, pos, ld_pos;
    } mat[3] = {{"A", "lda", a, ta == ST_NO_TRANS ? m : k, ta == ST_NO_TRANS ? k : m, lda, 8, 9},
                {"B", "ldb", b, tb == ST_NO_TRANS ? k : n, tb == ST_NO_TRANS ? n : k, ldb, 10, 11},
                {"C", "ldc", c, m, n, ldc, 13, 14}};
    for (int i = 0; i < 3; i++) {
        const int span = row_major ? mat[i].cols : mat[i].rows, need = span > 1 ? span : 1;
        if (mat[i].ld < need)
            return cblas_fail(mat[i].ld_pos, "%s = %d is smaller than a %s of %s (%d x %d, %s); it must be >= %d",
                              mat[i].ld_name, mat[i].ld, row_major ? "row" : "column", mat[i].name, mat[i].rows,
                              mat[i].cols, row_major ? "row-major" : "column-major", need);
    }
    for (int i = 0; i < 3; i++)
        if (mat[i].p == NULL && mat[i].rows > 0 && mat[i].cols > 0)
            return cblas_fail(mat[i].pos, "%s is a null pointer but holds %d x %d elements", mat[i].name,
                              mat[i].rows, mat[i].cols);
    return 0;
}

void cblas_sgemm(enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE transA, enum CBLAS_TRANSPOSE transB, int m, int n,
                 int k, float alpha, const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc) {
    st_clear_error();
    if (cblas_sgemm_check(order, transA, transB, m, n, k, a, lda, b, ldb, c, ldc) != 0) return;
    const st_trans ta = (st_trans)cblas_trans_of(transA), tb = (st_trans)cblas_trans_of(transB);
    st_status s = order == CblasRowMajor
                      ? st_sgemm(ST_SGEMM_PACKED, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
                      : st_sgemm(ST_SGEMM_PACKED, tb, ta, n, m, k, alpha, b, ldb, a, lda, beta, c, ldc);
    if (s != ST_OK) fprintf(stderr, "cblas_sgemm: %s\n", st_last_error());
}
