// Float64 GEMM at reference speed: float64 tensors exist so gradients can be checked with finite
// differences, not for speed. Row-major, op() by transpose flags, parallel over rows of C.
//   a: [M, K] (lda) or [K, M] when ta; b: [K, N] (ldb) or [N, K] when tb; c: [M, N] (ldc)
#include "../internal/st_internal.h"
#include "../internal/st_iter.h"
#include "swifttorch_tensor.h"

void st_dgemm(st_trans ta, st_trans tb, int64_t m, int64_t n, int64_t k, double alpha,
              const double *a, int64_t lda, const double *b, int64_t ldb, double beta, double *c, int64_t ldc) {
    const int threads = st_threads_for(m * n * (k > 0 ? k : 1));
    ST_FOR(threads, i, m, {
        double *ci = c + i * ldc;
        for (int64_t j = 0; j < n; j++) ci[j] = beta == 0 ? 0 : beta * ci[j];
        if (alpha == 0) continue;
        for (int64_t p = 0; p < k; p++) {
            double aip = alpha * (ta ? a[p * lda + i] : a[i * lda + p]);
            if (tb) for (int64_t j = 0; j < n; j++) ci[j] += aip * b[j * ldb + p];
            else {
                const double *bp = b + p * ldb;
                for (int64_t j = 0; j < n; j++) ci[j] += aip * bp[j];
            }
        }
    });
}
