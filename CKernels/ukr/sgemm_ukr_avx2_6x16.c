// AVX2 + FMA micro-kernel, MR x NR = 6 x 16: C tile [6, 16] held in 12 ymm accumulators
// (6 rows x 2 vectors of 8), 2 ymm for the B row, 1 for the broadcast A value: 15 of 16 registers.
// Per k step: 2 loads of B, 6 broadcasts of A, 12 FMAs (192 FLOP). Contract: see st_internal.h.
// A short row tile (m < 6) runs only max(m, 3) rows: every row gets the same sequence of FMAs as in a full
// tile (so C does not depend on tile boundaries), and 3 rows still keep 6 accumulators in flight.
#include "../internal/st_internal.h"
#if defined(__x86_64__)
#include <immintrin.h>

#define MR 6
#define NR 16
#define ST_AVX2 __attribute__((target("avx2,fma")))

#define ST_STEP(u)                                                                                           \
    do {                                                                                                     \
        const __m256 b0 = _mm256_loadu_ps(bp + (u) * rs_b), b1 = _mm256_loadu_ps(bp + (u) * rs_b + 8);              \
        for (int i = 0; i < rows; i++) {                                                                     \
            const __m256 av = _mm256_broadcast_ss((i < 3 ? a : a3) + i % 3 * rs_a + (u) * cs_a);                  \
            acc[i][0] = _mm256_fmadd_ps(av, b0, acc[i][0]);                                                  \
            acc[i][1] = _mm256_fmadd_ps(av, b1, acc[i][1]);                                                  \
        }                                                                                                    \
    } while (0)

static inline __attribute__((always_inline)) ST_AVX2 void
ukr_body(int64_t k, float alpha, const float *ST_RESTRICT a, const int64_t rs_a, const int64_t cs_a,
                                 const float *ST_RESTRICT bp, const int64_t rs_b, float beta, float *ST_RESTRICT c, int64_t ldc,
                                 int64_t m, int64_t n, const int rows) {
    __m256 acc[MR][2]; // C tile [rows, 16] of [6, 16]
    for (int i = 0; i < rows; i++) acc[i][0] = acc[i][1] = _mm256_setzero_ps();
    // C rows of the tile, both cache lines when a row's 16 floats are not line-aligned (a Swift array's
    // elements start 32 bytes into its block): the epilogue then does not wait on a load from L3.
    for (int64_t i = 0; i < m; i++) {
        const float *row = c + i * ldc;
        _mm_prefetch((const char *)row, _MM_HINT_T0);
        if ((uintptr_t)row % 64 != 0) _mm_prefetch((const char *)(row + NR - 1), _MM_HINT_T0);
    }

    // Rows 0-2 from a, rows 3-5 from a3: with A read in place (rs_a = lda) every row address is one of
    // two base registers plus 0, 1 or 2 times rs_a, which x86 addressing modes encode (no spilled offsets).
    const float *a3 = rows > 3 ? a + 3 * rs_a : a; // (a short tile never forms a pointer past its rows)
    int64_t p = 0;
    for (; p + 4 <= k; p += 4) {
        _mm_prefetch((const char *)(a + 8 * cs_a), _MM_HINT_T0);
        if (rs_b != NR) { // B read in place; a packed B micro-panel is already in L1 (2048^3: +2% without)
            _mm_prefetch((const char *)(bp + 8 * rs_b), _MM_HINT_T0);
            _mm_prefetch((const char *)(bp + 8 * rs_b + 16), _MM_HINT_T0);
        }
        ST_STEP(0);
        ST_STEP(1);
        ST_STEP(2);
        ST_STEP(3);
        a += 4 * cs_a;
        a3 += 4 * cs_a;
        bp += 4 * rs_b;
    }
    for (; p < k; p++) {
        ST_STEP(0);
        a += cs_a;
        a3 += cs_a;
        bp += rs_b;
    }

    const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
    if (m == MR && n == NR) {
        for (int i = 0; i < MR; i++) {
            float *row = c + i * ldc;
            __m256 t0 = _mm256_mul_ps(va, acc[i][0]), t1 = _mm256_mul_ps(va, acc[i][1]);
            if (beta != 0.0f) {
                t0 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(row), t0);
                t1 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(row + 8), t1);
            }
            _mm256_storeu_ps(row, t0);
            _mm256_storeu_ps(row + 8, t1);
        }
        return;
    }
    // Edge tile: same arithmetic, masked loads/stores of the valid n columns of the valid m rows.
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i mask0 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), lane);
    const __m256i mask1 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n - 8), lane);
    for (int64_t i = 0; i < m; i++) {
        float *row = c + i * ldc;
        __m256 t0 = _mm256_mul_ps(va, acc[i][0]), t1 = _mm256_mul_ps(va, acc[i][1]);
        if (beta != 0.0f) {
            t0 = _mm256_fmadd_ps(vb, _mm256_maskload_ps(row, mask0), t0);
            t1 = _mm256_fmadd_ps(vb, _mm256_maskload_ps(row + 8, mask1), t1);
        }
        _mm256_maskstore_ps(row, mask0, t0);
        _mm256_maskstore_ps(row + 8, mask1, t1);
    }
}

// One body per row count (3 stands for 1-3 rows) and per stride form: packed A and B (constant strides,
// the hot path); A read in place, row-major (lda, 1) or transposed (1, lda), with packed B; anything else.
#define ST_UKR_ROWS(name, rows)                                                                              \
    static ST_AVX2 void name(int64_t k, float alpha, const float *ST_RESTRICT a, int64_t rs_a, int64_t cs_a,   \
                             const float *ST_RESTRICT bp, int64_t rs_b, float beta, float *ST_RESTRICT c,      \
                             int64_t ldc, int64_t m, int64_t n) {                                             \
        if (rs_a == 1 && cs_a == MR && rs_b == NR) ukr_body(k, alpha, a, 1, MR, bp, NR, beta, c, ldc, m, n, rows); \
        else if (cs_a == 1 && rs_b == NR) ukr_body(k, alpha, a, rs_a, 1, bp, NR, beta, c, ldc, m, n, rows);       \
        else if (rs_a == 1 && rs_b == NR) ukr_body(k, alpha, a, 1, cs_a, bp, NR, beta, c, ldc, m, n, rows);       \
        else ukr_body(k, alpha, a, rs_a, cs_a, bp, rs_b, beta, c, ldc, m, n, rows);                           \
    }
ST_UKR_ROWS(ukr_rows3, 3)
ST_UKR_ROWS(ukr_rows4, 4)
ST_UKR_ROWS(ukr_rows5, 5)
ST_UKR_ROWS(ukr_rows6, 6)

ST_AVX2 void sgemm_ukr_avx2_6x16(int64_t k, float alpha, const float *ST_RESTRICT a, int64_t rs_a, int64_t cs_a,
                                 const float *ST_RESTRICT bp, const int64_t rs_b, float beta, float *ST_RESTRICT c, int64_t ldc,
                                 int64_t m, int64_t n) {
    switch (m) {
    case MR: ukr_rows6(k, alpha, a, rs_a, cs_a, bp, rs_b, beta, c, ldc, m, n); break;
    case 5: ukr_rows5(k, alpha, a, rs_a, cs_a, bp, rs_b, beta, c, ldc, m, n); break;
    case 4: ukr_rows4(k, alpha, a, rs_a, cs_a, bp, rs_b, beta, c, ldc, m, n); break;
    default: ukr_rows3(k, alpha, a, rs_a, cs_a, bp, rs_b, beta, c, ldc, m, n); break;
    }
}
#endif
