// Direct convolution for layers with few input taps (C·kh·kw <= ST_CONV_SMALL_TAPS), unit stride and
// dilation: LeNet's first layer (1→6, 5×5) and the like. There im2col would copy the input 25 times into a
// [K = 25, N·L] matrix, and the GEMM with K = 25 would spend much of its time loading and storing C tiles.
// Here each block of outputs stays in registers while the taps stream past:
//
//   for image n, group of OG = 3 output channels, output row oh, 24 output columns ow0..ow0+23:
//     acc[3][3] (9 ymm) = bias;  for c, ki, kj:  acc[g][v] += w[o0+g, c, ki, kj] · xpad[c, oh+ki, ow0+8v+kj .. +7]
//
// Shapes: x [N, C, H, W], w [O, C, kh, kw], bias [O] or NULL, y [N, O, Ho, Wo]. Each image's planes are first
// copied into a zero-bordered scratch (padding, and slack so 24-wide loads never leave it): no bounds checks
// in the loops. Per tap: 3 loads, 3 broadcasts, 9 FMAs. FLOPs 2·N·O·Ho·Wo·C·kh·kw, as the GEMM path.
// The portable twin below runs the same loops with scalar arithmetic: the fallback and the test oracle.
#include "../internal/st_internal.h"
#include "../internal/st_iter.h"
#include "swifttorch_tensor.h"
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define OG 3  // output channels per register block (9 accumulators + 3 inputs + 1 weight: 13 of 16 ymm)
#define OW 24 // output columns per register block (3 vectors of 8)

typedef struct {
    const st_conv_geometry *g;
    int64_t O, Hp, Wp;   // padded plane: Hp rows of Wp floats (Wp includes the slack)
    const float *w;      // [Og, C, kh, kw], Og = O rounded up to OG, zero rows past O
    const float *bias;   // [Og] (zeros past O, and all zeros without a bias)
} small_ctx;

/// Copies image x [C, H, W] into xp [C, Hp, Wp] with zero borders.
static void pad_image(const small_ctx *s, const float *x, float *xp) {
    const st_conv_geometry *g = s->g;
    memset(xp, 0, (size_t)(g->C * s->Hp * s->Wp) * sizeof(float));
    for (int64_t c = 0; c < g->C; c++)
        for (int64_t h = 0; h < g->H; h++)
            memcpy(xp + (c * s->Hp + h + g->ph) * s->Wp + g->pw, x + (c * g->H + h) * g->W, (size_t)g->W * sizeof(float));
}

/// Stores block rows out[g][0..OW) to y rows (o0 + g) for the valid channels and columns.
static void store_block(const small_ctx *s, float out[OG][OW], float *yn, int64_t o0, int64_t oh, int64_t ow0) {
    const int64_t Ho = s->g->Ho, Wo = s->g->Wo, cols = Wo - ow0 < OW ? Wo - ow0 : OW;
    for (int64_t gi = 0; gi < OG && o0 + gi < s->O; gi++)
        memcpy(yn + ((o0 + gi) * Ho + oh) * Wo + ow0, out[gi], (size_t)cols * sizeof(float));
}

/// The portable twin: one image, the same blocks and tap order, scalar arithmetic.
static void image_ref(const small_ctx *s, const float *xp, float *yn) {
    const st_conv_geometry *g = s->g;
    const int64_t taps = g->C * g->kh * g->kw;
    for (int64_t o0 = 0; o0 < s->O; o0 += OG)
        for (int64_t oh = 0; oh < g->Ho; oh++)
            for (int64_t ow0 = 0; ow0 < g->Wo; ow0 += OW) {
                float out[OG][OW];
                for (int gi = 0; gi < OG; gi++)
                    for (int j = 0; j < OW; j++) out[gi][j] = s->bias[o0 + gi];
                for (int64_t c = 0; c < g->C; c++)
                    for (int64_t ki = 0; ki < g->kh; ki++) {
                        const float *row = xp + (c * s->Hp + oh + ki) * s->Wp + ow0;
                        for (int64_t kj = 0; kj < g->kw; kj++) {
                            const int64_t t = (c * g->kh + ki) * g->kw + kj;
                            for (int gi = 0; gi < OG; gi++) {
                                const float wv = s->w[(o0 + gi) * taps + t];
                                for (int j = 0; j < OW; j++) out[gi][j] += wv * row[kj + j];
                            }
                        }
                    }
                store_block(s, out, yn, o0, oh, ow0);
            }
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) static void image_avx2(const small_ctx *s, const float *xp, float *yn) {
    const st_conv_geometry *g = s->g;
    const int64_t taps = g->C * g->kh * g->kw, Ho = g->Ho, Wo = g->Wo;
    for (int64_t o0 = 0; o0 < s->O; o0 += OG) {
        const float *w0 = s->w + o0 * taps;
        for (int64_t oh = 0; oh < Ho; oh++)
            for (int64_t ow0 = 0; ow0 < Wo; ow0 += OW) {
                __m256 acc[OG][3];
                for (int gi = 0; gi < OG; gi++) acc[gi][0] = acc[gi][1] = acc[gi][2] = _mm256_set1_ps(s->bias[o0 + gi]);
                for (int64_t c = 0; c < g->C; c++)
                    for (int64_t ki = 0; ki < g->kh; ki++) {
                        const float *row = xp + (c * s->Hp + oh + ki) * s->Wp + ow0;
                        const float *wt = w0 + (c * g->kh + ki) * g->kw;
                        for (int64_t kj = 0; kj < g->kw; kj++) {
                            const __m256 x0 = _mm256_loadu_ps(row + kj), x1 = _mm256_loadu_ps(row + kj + 8),
                                         x2 = _mm256_loadu_ps(row + kj + 16);
                            for (int gi = 0; gi < OG; gi++) {
                                const __m256 wv = _mm256_broadcast_ss(wt + gi * taps + kj);
                                acc[gi][0] = _mm256_fmadd_ps(wv, x0, acc[gi][0]);
                                acc[gi][1] = _mm256_fmadd_ps(wv, x1, acc[gi][1]);
                                acc[gi][2] = _mm256_fmadd_ps(wv, x2, acc[gi][2]);
                            }
                        }
                    }
                if (ow0 + OW <= Wo && o0 + OG <= s->O) { // full block: straight to y
                    for (int gi = 0; gi < OG; gi++) {
                        float *dst = yn + ((o0 + gi) * Ho + oh) * Wo + ow0;
                        _mm256_storeu_ps(dst, acc[gi][0]);
                        _mm256_storeu_ps(dst + 8, acc[gi][1]);
                        _mm256_storeu_ps(dst + 16, acc[gi][2]);
                    }
                } else {
                    float out[OG][OW];
                    for (int gi = 0; gi < OG; gi++) {
                        _mm256_storeu_ps(out[gi], acc[gi][0]);
                        _mm256_storeu_ps(out[gi] + 8, acc[gi][1]);
                        _mm256_storeu_ps(out[gi] + 16, acc[gi][2]);
                    }
                    store_block(s, out, yn, o0, oh, ow0);
                }
            }
    }
}
#endif

int st_conv2d_small_applies(const st_conv_geometry *g) {
    return g->sh == 1 && g->sw == 1 && g->dh == 1 && g->dw == 1 && g->C * g->kh * g->kw <= ST_CONV_SMALL_TAPS &&
           g->Ho > 0 && g->Wo > 0;
}

st_status st_conv2d_small_f32(st_isa isa, int64_t N, int64_t O, const st_conv_geometry *g, const float *x,
                              const float *w, const float *bias, float *y) {
    if (!st_conv2d_small_applies(g) || O < 1 || N < 0)
        return st_fail(ST_ERR_ARGUMENT, "st_conv2d_small_f32: needs unit stride and dilation and C*kh*kw <= %d",
                       ST_CONV_SMALL_TAPS);
    if (!st_isa_supported(isa))
        return st_fail(ST_ERR_UNSUPPORTED, "st_conv2d_small_f32: this CPU does not support ISA %d", (int)isa);
    void (*image)(const small_ctx *, const float *, float *) = image_ref;
#if defined(__x86_64__)
    if (isa == ST_ISA_AVX2 || isa == ST_ISA_AVX512) image = image_avx2;
#endif
    const int64_t taps = g->C * g->kh * g->kw, Og = (O + OG - 1) / OG * OG;
    small_ctx s = {.g = g, .O = O, .Hp = g->H + 2 * g->ph, .Wp = g->W + 2 * g->pw + OW};
    const int threads = st_threads_for(N * O * g->Ho * g->Wo * taps);
    const size_t plane_floats = (size_t)(g->C * s.Hp * s.Wp);
    float *buf = malloc(((size_t)(Og * taps + Og) + (size_t)threads * plane_floats) * sizeof(float));
    if (buf == NULL) return st_fail(ST_ERR_ALLOCATION, "st_conv2d_small_f32: no memory for the padded planes");
    float *wpad = buf, *bpad = buf + Og * taps, *planes = bpad + Og;
    memcpy(wpad, w, (size_t)(O * taps) * sizeof(float));
    memset(wpad + O * taps, 0, (size_t)((Og - O) * taps) * sizeof(float));
    for (int64_t o = 0; o < Og; o++) bpad[o] = bias != NULL && o < O ? bias[o] : 0.0f;
    s.w = wpad;
    s.bias = bpad;
    // Images in `threads` fixed chunks, each thread with its own padded planes.
    ST_FOR(threads, t, threads, {
        float *xp = planes + (size_t)t * plane_floats;
        for (int64_t n = N * t / threads; n < N * (t + 1) / threads; n++) {
            pad_image(&s, x + n * g->C * g->H * g->W, xp);
            image(&s, xp, y + n * O * g->Ho * g->Wo);
        }
    });
    free(buf);
    return ST_OK;
}
