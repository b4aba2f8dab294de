// AVX-512F micro-kernel, MR x NR = 12 x 32: C tile [12, 32] held in 24 zmm accumulators
// (12 rows x 2 vectors of 16), 2 zmm for the B row, broadcasts of A: 27 of 32 registers.
// Per k step: 2 loads of B, 12 broadcasts of A, 24 FMAs (768 FLOP). Contract: see st_internal.h.
#include "../internal/st_internal.h"
#if defined(__x86_64__)
#include <immintrin.h>

#define MR 12
#define NR 32
#define ST_AVX512 __attribute__((target("avx512f,avx2,fma")))

#define ST_STEP(u)                                                                                           \
    do {                                                                                                     \
        const __m512 b0 = _mm512_loadu_ps(bp + (u) * rs_b), b1 = _mm512_loadu_ps(bp + (u) * rs_b + 16);            \
        for (int i = 0; i < MR; i++) {                                                                       \
            const __m512 av = _mm512_set1_ps(a[i * rs_a + (u) * cs_a]);                                              \
            acc[i][0] = _mm512_fmadd_ps(av, b0, acc[i][0]);                                                  \
            acc[i][1] = _mm512_fmadd_ps(av, b1, acc[i][1]);                                                  \
        }                                                                                                    \
    } while (0)

static inline __attribute__((always_inline)) ST_AVX512 void
ukr_body(int64_t k, float alpha, const float *ST_RESTRICT a, const int64_t rs_a, const int64_t cs_a,
                                      const float *ST_RESTRICT bp, const int64_t rs_b, float beta, float *ST_RESTRICT c,
                                      int64_t ldc, int64_t m, int64_t n) {
    __m512 acc[MR][2]; // C tile [12, 32]
    for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
    for (int64_t i = 0; i < m; i++) {
        _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
        _mm_prefetch((const char *)(c + i * ldc + 16), _MM_HINT_T0);
    }

    int64_t p = 0;
    for (; p + 4 <= k; p += 4) {
        _mm_prefetch((const char *)(a + 8 * cs_a), _MM_HINT_T0);
        _mm_prefetch((const char *)(bp + 8 * rs_b), _MM_HINT_T0);
        _mm_prefetch((const char *)(bp + 8 * rs_b + 16), _MM_HINT_T0);
        ST_STEP(0);
        ST_STEP(1);
        ST_STEP(2);
        ST_STEP(3);
        a += 4 * cs_a;
        bp += 4 * rs_b;
    }
    for (; p < k; p++) {
        ST_STEP(0);
        a += cs_a;
        bp += rs_b;
    }

    const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    if (m == MR && n == NR) { // full tile: constant trip counts keep the accumulators in registers
        for (int i = 0; i < MR; i++) {
            float *row = c + i * ldc;
            __m512 t0 = _mm512_mul_ps(va, acc[i][0]), t1 = _mm512_mul_ps(va, acc[i][1]);
            if (beta != 0.0f) {
                t0 = _mm512_fmadd_ps(vb, _mm512_loadu_ps(row), t0);
                t1 = _mm512_fmadd_ps(vb, _mm512_loadu_ps(row + 16), t1);
            }
            _mm512_storeu_ps(row, t0);
            _mm512_storeu_ps(row + 16, t1);
        }
        return;
    }
    // Edge tile: the same arithmetic with lane masks for the valid columns of the valid rows.
    const int64_t n0 = n < 16 ? n : 16, n1 = n > 16 ? n - 16 : 0;
    const __mmask16 mask0 = (__mmask16)((1u << n0) - 1u), mask1 = (__mmask16)((1u << n1) - 1u);
    for (int64_t i = 0; i < m; i++) {
        float *row = c + i * ldc;
        __m512 t0 = _mm512_mul_ps(va, acc[i][0]), t1 = _mm512_mul_ps(va, acc[i][1]);
        if (beta != 0.0f) {
            t0 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(mask0, row), t0);
            t1 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(mask1, row + 16), t1);
        }
        _mm512_mask_storeu_ps(row, mask0, t0);
        _mm512_mask_storeu_ps(row + 16, mask1, t1);
    }
}

ST_AVX512 void sgemm_ukr_avx512_12x32(int64_t k, float alpha, const float *ST_RESTRICT a, int64_t rs_a, int64_t cs_a,
                                      const float *ST_RESTRICT bp, const int64_t rs_b, float beta, float *ST_RESTRICT c,
                                      int64_t ldc, int64_t m, int64_t n) {
    // Two instantiations of one body: packed A and B (constant strides, the hot path) and A or B read in place.
    if (rs_a == 1 && cs_a == MR && rs_b == NR) ukr_body(k, alpha, a, 1, MR, bp, NR, beta, c, ldc, m, n);
    else ukr_body(k, alpha, a, rs_a, cs_a, bp, rs_b, beta, c, ldc, m, n);
}
#endif
