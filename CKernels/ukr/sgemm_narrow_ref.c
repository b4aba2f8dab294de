// Portable twin of the narrow-product kernels (contract: st_internal.h): the test oracle, with the same
// 16 lane partial sums and the same order of adding the lanes, so a SIMD kernel matches it closely.
// Shapes: A [M, K] (row stride lda), packed op(B) [ceil(K/16), N, 16], C [M, N] (row stride ldc).
#include "../internal/st_internal.h"
#include <math.h>

void sgemm_narrow_ref(int64_t k, int64_t m, int64_t n, float alpha, const float *a, int64_t lda, const float *bp,
                      float beta, float *c, int64_t ldc) {
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < n; j++) {
            float s[16] = {0};
            for (int64_t p = 0; p < k; p++) s[p % 16] = fmaf(a[i * lda + p], bp[(p / 16 * n + j) * 16 + p % 16], s[p % 16]);
            for (int w = 8; w >= 1; w /= 2)
                for (int q = 0; q < w; q++) s[q] = s[q] + s[q + w];
            const float t = alpha * s[0];
            c[i * ldc + j] = beta == 0.0f ? t : fmaf(beta, c[i * ldc + j], t);
        }
}

/// op(B) [K, N] (element (p, j) at b[p * rs + j * cs]) -> [ceil(K/16), N, 16], zero past K. The loop nest
/// follows the unit stride: runs of 16 k steps are copied whole when rs = 1 (B^T stored [N, K]); with
/// cs = 1 (B stored [K, N]) each row of B is dealt to the N runs.
void st_pack_narrow(const float *b, int64_t rs, int64_t cs, int64_t k, int64_t n, float *ST_RESTRICT out) {
    const int64_t full = k / 16, tail = k % 16;
    for (int64_t c = 0; c < full; c++) {
        const float *src = b + c * 16 * rs;
        float *ST_RESTRICT o = out + c * n * 16;
        if (rs == 1)
            for (int64_t j = 0; j < n; j++)
                for (int q = 0; q < 16; q++) o[j * 16 + q] = src[j * cs + q];
        else
            for (int q = 0; q < 16; q++)
                for (int64_t j = 0; j < n; j++) o[j * 16 + q] = src[q * rs + j * cs];
    }
    if (tail > 0) {
        const float *src = b + full * 16 * rs;
        float *ST_RESTRICT o = out + full * n * 16;
        for (int64_t j = 0; j < n; j++)
            for (int q = 0; q < 16; q++) o[j * 16 + q] = q < tail ? src[q * rs + j * cs] : 0.0f;
    }
}
