// SGEMM front end: argument validation, the alpha == 0 / K == 0 cases, dispatch to an implementation.
// Shapes: op(A) [M, K], op(B) [K, N], C [M, N], all row-major with leading dimensions lda, ldb, ldc.
#include "internal/st_internal.h"
#include <string.h>

const char *st_sgemm_impl_name(st_sgemm_impl impl) {
    switch (impl) {
    case ST_SGEMM_NAIVE: return "naive";
    case ST_SGEMM_TILED: return "tiled";
    case ST_SGEMM_PACKED: return "packed";
    }
    return NULL;
}

void st_scale_matrix(int64_t m, int64_t n, float beta, float *c, int64_t ldc) {
    if (beta == 1.0f) return;
    for (int64_t i = 0; i < m; i++) {
        float *row = c + i * ldc;
        if (beta == 0.0f) {
            memset(row, 0, (size_t)n * sizeof(float));
        } else {
            for (int64_t j = 0; j < n; j++) row[j] *= beta;
        }
    }
}

// Checks one stored matrix: `rows` x `cols` elements with row stride `ld`.
static st_status check_matrix(const char *name, const void *p, int64_t rows, int64_t cols, int64_t ld,
                              const char *ld_name, const char *what) {
    int64_t min_ld = cols > 1 ? cols : 1;
    if (ld < min_ld)
        return st_fail(ST_ERR_ARGUMENT,
                       "sgemm: %s = %lld is smaller than the row length of %s (%s = %lld); it must be >= %lld",
                       ld_name, (long long)ld, name, what, (long long)cols, (long long)min_ld);
    if (rows > 0 && cols > 0) {
        if (p == NULL)
            return st_fail(ST_ERR_ARGUMENT, "sgemm: %s is a null pointer but holds %lld x %lld elements",
                           name, (long long)rows, (long long)cols);
        int64_t extent;
        if (__builtin_mul_overflow(rows - 1, ld, &extent) || __builtin_add_overflow(extent, cols, &extent) ||
            extent > INT64_MAX / (int64_t)sizeof(float))
            return st_fail(ST_ERR_ARGUMENT, "sgemm: %s spans (%lld - 1) * %lld + %lld elements: too large",
                           name, (long long)rows, (long long)ld, (long long)cols);
    }
    return ST_OK;
}

st_status st_sgemm(st_sgemm_impl impl, st_trans ta, st_trans tb, int64_t m, int64_t n, int64_t k,
                   float alpha, const float *a, int64_t lda, const float *b, int64_t ldb,
                   float beta, float *c, int64_t ldc) {
    st_clear_error();
    if (st_sgemm_impl_name(impl) == NULL)
        return st_fail(ST_ERR_ARGUMENT, "sgemm: impl = %d is not naive (0), tiled (1) or packed (2)", (int)impl);
    if (ta != ST_NO_TRANS && ta != ST_TRANS)
        return st_fail(ST_ERR_ARGUMENT, "sgemm: transA = %d is not ST_NO_TRANS (0) or ST_TRANS (1)", (int)ta);
    if (tb != ST_NO_TRANS && tb != ST_TRANS)
        return st_fail(ST_ERR_ARGUMENT, "sgemm: transB = %d is not ST_NO_TRANS (0) or ST_TRANS (1)", (int)tb);
    if (m < 0) return st_fail(ST_ERR_ARGUMENT, "sgemm: m = %lld must be >= 0", (long long)m);
    if (n < 0) return st_fail(ST_ERR_ARGUMENT, "sgemm: n = %lld must be >= 0", (long long)n);
    if (k < 0) return st_fail(ST_ERR_ARGUMENT, "sgemm: k = %lld must be >= 0", (long long)k);

    // A is stored [M, K] (or [K, M] transposed), B [K, N] (or [N, K]), C [M, N].
    st_status s;
    if (ta == ST_NO_TRANS) s = check_matrix("A", a, m, k, lda, "lda", "k");
    else s = check_matrix("A", a, k, m, lda, "lda", "m");
    if (s != ST_OK) return s;
    if (tb == ST_NO_TRANS) s = check_matrix("B", b, k, n, ldb, "ldb", "n");
    else s = check_matrix("B", b, n, k, ldb, "ldb", "k");
    if (s != ST_OK) return s;
    if ((s = check_matrix("C", c, m, n, ldc, "ldc", "n")) != ST_OK) return s;

    if (m == 0 || n == 0) return ST_OK;
    if (alpha == 0.0f || k == 0) { // A and B are not read
        st_scale_matrix(m, n, beta, c, ldc);
        return ST_OK;
    }
    switch (impl) {
    case ST_SGEMM_NAIVE: st_sgemm_naive(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc); return ST_OK;
    case ST_SGEMM_TILED: st_sgemm_tiled(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc); return ST_OK;
    case ST_SGEMM_PACKED: return st_sgemm_packed(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }
    return ST_ERR_ARGUMENT;
}
