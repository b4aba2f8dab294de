// AVX-512F narrow-product kernel: y [M, N] = A [M, K] · op(B) [K, N] for N <= 16, op(B) packed in chunks of
// 16 k steps [ceil(K/16), N, 16] (contract: st_internal.h).
// Each output is a dot product along K, 16 lanes at a time: one zmm accumulator per output, two rows of A
// per pass for N <= 8 (one row for N > 8: with 2N accumulators and the lane sums' temporaries clang spilled
// accumulators inside the loop, 128x10x256 ran at half speed), so every lane of every FMA holds a real
// product. Per 16 k steps and two rows: 2 loads of A, N loads of packed B (in L1, one pointer and constant
// offsets), 2N FMAs. Then the accumulators are
// summed across their lanes in the contract's fixed order, 16 at a time, and C gets one masked row update.
#include "../internal/st_internal.h"
#if defined(__x86_64__)
#include <immintrin.h>

#define ST_AVX512 __attribute__((target("avx512f,avx2,fma")))

// The 16 lane sums of acc[0..16) in one vector (lane j: the sum of acc[j]), each added in the contract's
// order: lanes q and q + 8, then q + 4, q + 2, q + 1. Four levels of pairing, each one shuffle pair and one
// add per two vectors, and a permute: 46 instructions for 16 sums instead of 7 for each.
static inline __attribute__((always_inline)) ST_AVX512 __m512 lane_sums(const __m512 *acc) {
    __m512 t[8], u[4], v[2];
#pragma GCC unroll 8
    for (int i = 0; i < 8; i++) // q + 8: [acc[2i] lanes 0-7 | acc[2i+1] lanes 0-7]
        t[i] = _mm512_add_ps(_mm512_shuffle_f32x4(acc[2 * i], acc[2 * i + 1], _MM_SHUFFLE(1, 0, 1, 0)),
                             _mm512_shuffle_f32x4(acc[2 * i], acc[2 * i + 1], _MM_SHUFFLE(3, 2, 3, 2)));
#pragma GCC unroll 4
    for (int i = 0; i < 4; i++) // q + 4: 128-bit lane l holds acc[4i + l] lanes 0-3
        u[i] = _mm512_add_ps(_mm512_shuffle_f32x4(t[2 * i], t[2 * i + 1], _MM_SHUFFLE(2, 0, 2, 0)),
                             _mm512_shuffle_f32x4(t[2 * i], t[2 * i + 1], _MM_SHUFFLE(3, 1, 3, 1)));
#pragma GCC unroll 2
    for (int i = 0; i < 2; i++) // q + 2: lane l holds acc[8i + l] lanes 0-1, then acc[8i + 4 + l] lanes 0-1
        v[i] = _mm512_add_ps(_mm512_shuffle_ps(u[2 * i], u[2 * i + 1], _MM_SHUFFLE(1, 0, 1, 0)),
                             _mm512_shuffle_ps(u[2 * i], u[2 * i + 1], _MM_SHUFFLE(3, 2, 3, 2)));
    // q + 1: 128-bit lane l holds the sums of acc[l], acc[4 + l], acc[8 + l], acc[12 + l]
    const __m512 w = _mm512_add_ps(_mm512_shuffle_ps(v[0], v[1], _MM_SHUFFLE(2, 0, 2, 0)),
                                   _mm512_shuffle_ps(v[0], v[1], _MM_SHUFFLE(3, 1, 3, 1)));
    const __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    return _mm512_permutexvar_ps(order, w);
}

// rows (1 or 2) rows of A from a: C rows c[0:n] (row stride ldc) := alpha * sums + beta * C.
static inline __attribute__((always_inline)) ST_AVX512 void
narrow_body(int64_t k, float alpha, const float *ST_RESTRICT a, int64_t lda, const float *ST_RESTRICT bp, float beta,
            float *ST_RESTRICT c, int64_t ldc, const int n, const int rows) {
    __m512 acc[2][16]; // [rows, 16]: lane partial sums, zero past n
    // Every loop over j fully unrolled (n is a constant): otherwise acc lives in memory (n = 12: 2x slower).
#pragma GCC unroll 2
    for (int r = 0; r < 2; r++)
#pragma GCC unroll 16
        for (int j = 0; j < 16; j++) acc[r][j] = _mm512_setzero_ps();
    int64_t p = 0;
    for (; p + 16 <= k; p += 16, bp += 16 * n) {
        const __m512 x0 = _mm512_loadu_ps(a + p), x1 = rows == 2 ? _mm512_loadu_ps(a + lda + p) : x0;
#pragma GCC unroll 16
        for (int j = 0; j < n; j++) {
            const __m512 b = _mm512_load_ps(bp + 16 * j);
            acc[0][j] = _mm512_fmadd_ps(x0, b, acc[0][j]);
            if (rows == 2) acc[1][j] = _mm512_fmadd_ps(x1, b, acc[1][j]);
        }
    }
    if (p < k) { // the last k % 16 steps: masked loads of A; packed B is zero there, lanes add exact zeros
        const __mmask16 mask = (__mmask16)((1u << (k - p)) - 1u);
        const __m512 x0 = _mm512_maskz_loadu_ps(mask, a + p);
        const __m512 x1 = rows == 2 ? _mm512_maskz_loadu_ps(mask, a + lda + p) : x0;
#pragma GCC unroll 16
        for (int j = 0; j < n; j++) {
            const __m512 b = _mm512_load_ps(bp + 16 * j);
            acc[0][j] = _mm512_fmadd_ps(x0, b, acc[0][j]);
            if (rows == 2) acc[1][j] = _mm512_fmadd_ps(x1, b, acc[1][j]);
        }
    }
    const __mmask16 cols = (__mmask16)((1u << n) - 1u);
    const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
#pragma GCC unroll 2
    for (int r = 0; r < rows; r++) {
        float *row = c + r * ldc;
        __m512 t = _mm512_mul_ps(va, lane_sums(acc[r]));
        if (beta != 0.0f) t = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(cols, row), t);
        _mm512_mask_storeu_ps(row, cols, t);
    }
}

#define ST_NARROW_N(N)                                                                                       \
    static ST_AVX512 void narrow_##N(int64_t k, int64_t m, float alpha, const float *a, int64_t lda,         \
                                     const float *bp, float beta, float *c, int64_t ldc) {                   \
        int64_t i = 0;                                                                                       \
        if ((N) <= 8)                                                                                        \
            for (; i + 2 <= m; i += 2)                                                                       \
                narrow_body(k, alpha, a + i * lda, lda, bp, beta, c + i * ldc, ldc, N, 2);                   \
        for (; i < m; i++) narrow_body(k, alpha, a + i * lda, lda, bp, beta, c + i * ldc, ldc, N, 1);        \
    }
ST_NARROW_N(1)
ST_NARROW_N(2)
ST_NARROW_N(3)
ST_NARROW_N(4)
ST_NARROW_N(5)
ST_NARROW_N(6)
ST_NARROW_N(7)
ST_NARROW_N(8)
ST_NARROW_N(9)
ST_NARROW_N(10)
ST_NARROW_N(11)
ST_NARROW_N(12)
ST_NARROW_N(13)
ST_NARROW_N(14)
ST_NARROW_N(15)
ST_NARROW_N(16)

ST_AVX512 void sgemm_narrow_avx512(int64_t k, int64_t m, int64_t n, float alpha, const float *a, int64_t lda,
                                   const float *bp, float beta, float *c, int64_t ldc) {
    static void (*const by_n[17])(int64_t, int64_t, float, const float *, int64_t, const float *, float, float *,
                                  int64_t) = {
        NULL, narrow_1, narrow_2, narrow_3, narrow_4, narrow_5, narrow_6, narrow_7, narrow_8,
        narrow_9, narrow_10, narrow_11, narrow_12, narrow_13, narrow_14, narrow_15, narrow_16};
    by_n[n](k, m, alpha, a, lda, bp, beta, c, ldc);
}
#endif
