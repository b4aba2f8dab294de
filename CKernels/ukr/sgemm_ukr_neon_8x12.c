// AArch64 NEON micro-kernel, MR x NR = 8 x 12: C tile [8, 12] held in 24 q-register accumulators
// (8 rows x 3 vectors of 4), 3 registers for the B row, 2 for the 8 A values: 29 of 32 registers.
// Per k step: 3 loads of B, 2 loads of A, 24 lane-indexed FMAs (192 FLOP). Contract: see st_internal.h.
#include "../internal/st_internal.h"
#if defined(__aarch64__)
#include <arm_neon.h>
#include <string.h>

#define MR 8
#define NR 12

#define ST_ROW(i, a, lane)                                                                                   \
    acc[i][0] = vfmaq_laneq_f32(acc[i][0], b0, a, lane);                                                     \
    acc[i][1] = vfmaq_laneq_f32(acc[i][1], b1, a, lane);                                                     \
    acc[i][2] = vfmaq_laneq_f32(acc[i][2], b2, a, lane);

void sgemm_ukr_neon_8x12(int64_t k, float alpha, const float *ST_RESTRICT a, int64_t rs_a, int64_t cs_a,
                         const float *ST_RESTRICT bp, int64_t rs_b,
                         float beta, float *ST_RESTRICT c, int64_t ldc, int64_t m, int64_t n) {
    float32x4_t acc[MR][3]; // C tile [8, 12]
    for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = acc[i][2] = vdupq_n_f32(0.0f);
    for (int64_t p = 0; p < k; p++) {
        const float32x4_t b0 = vld1q_f32(bp), b1 = vld1q_f32(bp + 4), b2 = vld1q_f32(bp + 8);
        float32x4_t a0, a1;
        if (rs_a == 1) { // column p of the panel is contiguous (packed, or a transposed op(A))
            a0 = vld1q_f32(a);
            a1 = vld1q_f32(a + 4);
        } else {
            const float col[MR] = {a[0], a[rs_a], a[2 * rs_a], a[3 * rs_a], a[4 * rs_a], a[5 * rs_a], a[6 * rs_a], a[7 * rs_a]};
            a0 = vld1q_f32(col);
            a1 = vld1q_f32(col + 4);
        }
        ST_ROW(0, a0, 0) ST_ROW(1, a0, 1) ST_ROW(2, a0, 2) ST_ROW(3, a0, 3)
        ST_ROW(4, a1, 0) ST_ROW(5, a1, 1) ST_ROW(6, a1, 2) ST_ROW(7, a1, 3)
        a += cs_a;
        bp += rs_b;
    }
    const float32x4_t va = vdupq_n_f32(alpha), vb = vdupq_n_f32(beta);
    for (int64_t i = 0; i < m; i++) {
        float *row = c + i * ldc;
        if (n == NR) {
            for (int v = 0; v < 3; v++) {
                float32x4_t t = vmulq_f32(va, acc[i][v]);
                if (beta != 0.0f) t = vfmaq_f32(t, vb, vld1q_f32(row + 4 * v));
                vst1q_f32(row + 4 * v, t);
            }
        } else { // edge tile: the same vector arithmetic on a padded copy of the valid columns
            float buf[NR] = {0};
            if (beta != 0.0f) memcpy(buf, row, (size_t)n * sizeof(float));
            for (int v = 0; v < 3; v++) {
                float32x4_t t = vmulq_f32(va, acc[i][v]);
                if (beta != 0.0f) t = vfmaq_f32(t, vb, vld1q_f32(buf + 4 * v));
                vst1q_f32(buf + 4 * v, t);
            }
            memcpy(row, buf, (size_t)n * sizeof(float));
        }
    }
}
#endif
