// The textbook triple loop: C[M, N] := alpha * op(A)[M, K] * op(B)[K, N] + beta * C. Reference and oracle.
#include "internal/st_internal.h"

void st_sgemm_naive(st_trans ta, st_trans tb, int64_t m, int64_t n, int64_t k, float alpha,
                    const float *a, int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc) {
    for (int64_t i = 0; i < m; i++) {
        for (int64_t j = 0; j < n; j++) {
            float sum = 0.0f;
            for (int64_t p = 0; p < k; p++) sum += st_op_a(a, lda, ta, i, p) * st_op_b(b, ldb, tb, p, j);
            float *cij = &c[i * ldc + j];
            *cij = beta == 0.0f ? alpha * sum : alpha * sum + beta * *cij;
        }
    }
}
