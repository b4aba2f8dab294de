// AVX-512F micro-kernel, MR x NR = 12 x 32: C tile [12, 32] held in 24 zmm accumulators
// (12 rows x 2 vectors of 16), 2 zmm for the B row, broadcasts of A: 27 of 32 registers.
// Per k step: 2 loads of B, 12 broadcasts of A, 24 FMAs (768 FLOP). Contract: see st_internal.h.
// A short tile runs fewer FMAs, each C element still getting the same sequence of operations: m < 12 rows
// run max(m, 4) rounded up to even rows (a 10-row tile: 20 FMAs per k step), and at most 16 columns
// (N = 10 classes, the last panel of a narrow B) the left half only.
#include "../internal/st_internal.h"
#if defined(__x86_64__)
#include <immintrin.h>

#define MR 12
#define NR 32
#define ST_AVX512 __attribute__((target("avx512f,avx2,fma")))

#define ST_STEP(u)                                                                                           \
    do {                                                                                                     \
        const __m512 b0 = _mm512_loadu_ps(bp + (u) * rs_b);                                                 \
        const __m512 b1 = halves == 2 ? _mm512_loadu_ps(bp + (u) * rs_b + 16) : b0;                          \
        for (int i = 0; i < rows; i++) {                                                                     \
            const __m512 av = _mm512_set1_ps(a[i * rs_a + (u) * cs_a]);                                      \
            acc[i][0] = _mm512_fmadd_ps(av, b0, acc[i][0]);                                                  \
            if (halves == 2) acc[i][1] = _mm512_fmadd_ps(av, b1, acc[i][1]);                                 \
        }                                                                                                    \
    } while (0)

static inline __attribute__((always_inline)) ST_AVX512 void
ukr_body(int64_t k, float alpha, const float *ST_RESTRICT a, const int64_t rs_a, const int64_t cs_a,
                                      const float *ST_RESTRICT bp, const int64_t rs_b, float beta, float *ST_RESTRICT c,
                                      int64_t ldc, int64_t m, int64_t n, const int rows, const int halves) {
    __m512 acc[MR][2]; // C tile [12, 32] (halves == 1: [12, 16])
    for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
    for (int64_t i = 0; i < m; i++) {
        _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
        if (halves == 2) _mm_prefetch((const char *)(c + i * ldc + 16), _MM_HINT_T0);
    }

    int64_t p = 0;
    for (; p + 4 <= k; p += 4) {
        _mm_prefetch((const char *)(a + 8 * cs_a), _MM_HINT_T0);
        if (rs_b != NR) { // B read in place (a packed micro-panel is re-read by every row tile)
            _mm_prefetch((const char *)(bp + 8 * rs_b), _MM_HINT_T0);
            if (halves == 2) _mm_prefetch((const char *)(bp + 8 * rs_b + 16), _MM_HINT_T0);
        }
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
    // Edge tile: the accumulators go to a local tile first (constant indices: every acc[i][j] above stays a
    // register; a row loop over acc[i] with a variable bound would put all 24 in memory, zeroed by a memset
    // on every call), then the valid columns of the valid rows get the same arithmetic through lane masks.
    __m512 tile[MR][2];
    for (int i = 0; i < MR; i++) {
        tile[i][0] = _mm512_mul_ps(va, acc[i][0]);
        tile[i][1] = _mm512_mul_ps(va, acc[i][1]);
    }
    const int64_t n0 = n < 16 ? n : 16, n1 = n > 16 ? n - 16 : 0;
    const __mmask16 mask0 = (__mmask16)((1u << n0) - 1u), mask1 = (__mmask16)((1u << n1) - 1u);
    for (int64_t i = 0; i < m; i++) {
        float *row = c + i * ldc;
        __m512 t0 = tile[i][0], t1 = tile[i][1];
        if (beta != 0.0f) {
            t0 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(mask0, row), t0);
            t1 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(mask1, row + 16), t1);
        }
        _mm512_mask_storeu_ps(row, mask0, t0);
        _mm512_mask_storeu_ps(row + 16, mask1, t1);
    }
}

// One function per row count and width, each with two stride forms: packed A and B (constant strides, the
// hot path) or A or B read in place.
#define ST_UKR_TILE(name, rows, halves)                                                                      \
    static ST_AVX512 void name(int64_t k, float alpha, const float *ST_RESTRICT a, int64_t rs_a, int64_t cs_a,  \
                               const float *ST_RESTRICT bp, int64_t rs_b, float beta, float *ST_RESTRICT c,    \
                               int64_t ldc, int64_t m, int64_t n) {                                           \
        if (rs_a == 1 && cs_a == MR && rs_b == NR)                                                            \
            ukr_body(k, alpha, a, 1, MR, bp, NR, beta, c, ldc, m, n, rows, halves);                          \
        else ukr_body(k, alpha, a, rs_a, cs_a, bp, rs_b, beta, c, ldc, m, n, rows, halves);                 \
    }
ST_UKR_TILE(ukr_rows4, 4, 2)
ST_UKR_TILE(ukr_rows6, 6, 2)
ST_UKR_TILE(ukr_rows8, 8, 2)
ST_UKR_TILE(ukr_rows10, 10, 2)
ST_UKR_TILE(ukr_rows12, 12, 2)
ST_UKR_TILE(ukr_rows4_half, 4, 1)
ST_UKR_TILE(ukr_rows6_half, 6, 1)
ST_UKR_TILE(ukr_rows8_half, 8, 1)
ST_UKR_TILE(ukr_rows10_half, 10, 1)
ST_UKR_TILE(ukr_rows12_half, 12, 1)

typedef void (*ukr_fn)(int64_t, float, const float *, int64_t, int64_t, const float *, int64_t, float, float *,
                       int64_t, int64_t, int64_t);

ST_AVX512 void sgemm_ukr_avx512_12x32(int64_t k, float alpha, const float *ST_RESTRICT a, int64_t rs_a, int64_t cs_a,
                                      const float *ST_RESTRICT bp, const int64_t rs_b, float beta, float *ST_RESTRICT c,
                                      int64_t ldc, int64_t m, int64_t n) {
    static const ukr_fn by_rows[2][6] = { // [n > 16][(m - 1) / 2] for m = 1 ... 12: rows >= m
        {ukr_rows4_half, ukr_rows4_half, ukr_rows6_half, ukr_rows8_half, ukr_rows10_half, ukr_rows12_half},
        {ukr_rows4, ukr_rows4, ukr_rows6, ukr_rows8, ukr_rows10, ukr_rows12},
    };
    by_rows[n > 16][(m - 1) / 2](k, alpha, a, rs_a, cs_a, bp, rs_b, beta, c, ldc, m, n);
}
#endif
