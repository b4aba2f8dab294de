// Direct convolution for unit stride and dilation and up to ST_CONV_SMALL_TAPS (1024) input taps C·kh·kw:
// LeNet's layers (1→6 and 6→16, 5×5), a ResNet 3×3 layer of 64 channels (576 taps) and the like. im2col
// would copy the input k² times into a [K, N·L] matrix, and a GEMM with M = O = 6..16 output channels spends
// much of its time loading and storing C tiles. Here each block of outputs stays in registers while the
// taps stream past:
//
//   an image's outputs are cut into chunks of 8 consecutive columns of one output row (the last chunk of a
//   row may be short); for each group of OG = 3 output channels and each 4 consecutive chunks v = 0..3
//   at (oh_v, ow_v):
//     acc[3][4] (12 ymm) = bias;  for c, ki, kj:  acc[g][v] += w[o0+g, c, ki, kj] · xpad[c, oh_v+ki, ow_v+kj .. +7]
//   (a 32-wide row is one block; 8-wide rows put four rows in one block)
//
// Shapes: x [N, C, H, W], w [O, C, kh, kw], bias [O] or NULL, y [N, O, Ho, Wo]. Each image's planes are first
// copied into a zero-bordered scratch (padding, and slack so 8-wide loads never leave it): no bounds checks
// in the loops. Per tap: 3 broadcasts (the weights stay in registers), 4 loads, 12 FMAs; with 3 x 3
// (9 accumulators, 3 loads, 9 FMAs a tap) the kernel ran 12% slower. FLOPs 2·N·O·Ho·Wo·C·kh·kw, as the GEMM path.
// The portable twin below runs the same loops with scalar arithmetic: the fallback and the test oracle.
#include "../internal/st_internal.h"
#include "../internal/st_iter.h"
#include "swifttorch_tensor.h"
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define OG 3  // output channels per register block (12 accumulators + 3 weights + 1 input: 16 of 16 ymm)
#define OV 4  // chunks of 8 outputs per register block

typedef struct {
    const st_conv_geometry *g;
    int64_t O, Hp, Wp;   // padded plane: Hp rows of Wp floats (Wp includes 8 floats of slack)
    int64_t row_chunks;  // chunks of 8 outputs per output row: ceil(Wo / 8)
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

/// Output row and first column of chunk q of an image.
static inline void chunk_at(const small_ctx *s, int64_t q, int64_t *oh, int64_t *ow) {
    *oh = q / s->row_chunks;
    *ow = q % s->row_chunks * 8;
}

/// Stores chunk values out[g][8] (channel o0 + g) at (oh, ow): the valid channels and columns only.
static void store_chunk(const small_ctx *s, const float out[OG][8], float *yn, int64_t o0, int64_t oh, int64_t ow) {
    const int64_t Ho = s->g->Ho, Wo = s->g->Wo, cols = Wo - ow < 8 ? Wo - ow : 8;
    for (int64_t gi = 0; gi < OG && o0 + gi < s->O; gi++)
        memcpy(yn + ((o0 + gi) * Ho + oh) * Wo + ow, out[gi], (size_t)cols * sizeof(float));
}

/// The portable twin: one image, the same blocks and tap order, scalar arithmetic.
static void image_ref(const small_ctx *s, const float *xp, float *yn, int64_t og0, int64_t og1) {
    const st_conv_geometry *g = s->g;
    const int64_t taps = g->C * g->kh * g->kw, chunks = g->Ho * s->row_chunks;
    for (int64_t o0 = og0 * OG; o0 < og1 * OG; o0 += OG)
        for (int64_t q0 = 0; q0 < chunks; q0 += OV)
            for (int64_t q = q0; q < q0 + OV && q < chunks; q++) {
                int64_t oh, ow;
                chunk_at(s, q, &oh, &ow);
                float out[OG][8];
                for (int gi = 0; gi < OG; gi++)
                    for (int j = 0; j < 8; j++) out[gi][j] = s->bias[o0 + gi];
                for (int64_t c = 0; c < g->C; c++)
                    for (int64_t ki = 0; ki < g->kh; ki++) {
                        const float *row = xp + (c * s->Hp + oh + ki) * s->Wp + ow;
                        for (int64_t kj = 0; kj < g->kw; kj++) {
                            const int64_t t = (c * g->kh + ki) * g->kw + kj;
                            for (int gi = 0; gi < OG; gi++) {
                                const float wv = s->w[(o0 + gi) * taps + t];
                                for (int j = 0; j < 8; j++) out[gi][j] += wv * row[kj + j];
                            }
                        }
                    }
                store_chunk(s, out, yn, o0, oh, ow);
            }
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) static void image_avx2(const small_ctx *s, const float *xp, float *yn, int64_t og0,
                                                           int64_t og1) {
    const st_conv_geometry *g = s->g;
    const int64_t taps = g->C * g->kh * g->kw, Ho = g->Ho, Wo = g->Wo, chunks = Ho * s->row_chunks;
    for (int64_t o0 = og0 * OG; o0 < og1 * OG; o0 += OG) {
        const float *w0 = s->w + o0 * taps;
        for (int64_t q0 = 0; q0 < chunks; q0 += OV) {
            // The block's chunks; past the image's last chunk a block repeats it (computed, not stored).
            int64_t oh[OV], ow[OV];
            for (int v = 0; v < OV; v++) chunk_at(s, q0 + v < chunks ? q0 + v : chunks - 1, &oh[v], &ow[v]);
            __m256 acc[OG][OV];
            for (int gi = 0; gi < OG; gi++)
                for (int v = 0; v < OV; v++) acc[gi][v] = _mm256_set1_ps(s->bias[o0 + gi]);
            for (int64_t c = 0; c < g->C; c++)
                for (int64_t ki = 0; ki < g->kh; ki++) {
                    const float *r[OV];
                    for (int v = 0; v < OV; v++) r[v] = xp + (c * s->Hp + oh[v] + ki) * s->Wp + ow[v];
                    const float *wt = w0 + (c * g->kh + ki) * g->kw;
                    for (int64_t kj = 0; kj < g->kw; kj++) {
                        // 3 weights in registers, then one input vector at a time: 12 accumulators + 4 = 16 ymm
                        const __m256 w0v = _mm256_broadcast_ss(wt + kj), w1v = _mm256_broadcast_ss(wt + taps + kj),
                                     w2v = _mm256_broadcast_ss(wt + 2 * taps + kj);
                        for (int v = 0; v < OV; v++) {
                            const __m256 xv = _mm256_loadu_ps(r[v] + kj);
                            acc[0][v] = _mm256_fmadd_ps(w0v, xv, acc[0][v]);
                            acc[1][v] = _mm256_fmadd_ps(w1v, xv, acc[1][v]);
                            acc[2][v] = _mm256_fmadd_ps(w2v, xv, acc[2][v]);
                        }
                    }
                }
            for (int v = 0; v < OV && q0 + v < chunks; v++) {
                if (ow[v] + 8 <= Wo && o0 + OG <= s->O) { // a full chunk of every channel: straight to y
                    for (int gi = 0; gi < OG; gi++) _mm256_storeu_ps(yn + ((o0 + gi) * Ho + oh[v]) * Wo + ow[v], acc[gi][v]);
                } else {
                    float out[OG][8];
                    for (int gi = 0; gi < OG; gi++) _mm256_storeu_ps(out[gi], acc[gi][v]);
                    store_chunk(s, out, yn, o0, oh[v], ow[v]);
                }
            }
        }
    }
}
#endif

int st_conv2d_small_applies(const st_conv_geometry *g) {
    return g->sh == 1 && g->sw == 1 && g->dh == 1 && g->dw == 1 && g->C * g->kh * g->kw <= ST_CONV_SMALL_TAPS &&
           g->Ho > 0 && g->Wo > 0;
}

/// The checks both entry points make: a geometry they handle, sizes, and an ISA this CPU runs.
static st_status check_call(const char *fn, const st_conv_geometry *g, int64_t N, int64_t O, st_isa isa) {
    if (!st_conv2d_small_applies(g) || O < 1 || N < 0)
        return st_fail(ST_ERR_ARGUMENT, "%s: needs unit stride and dilation and C*kh*kw <= %d", fn, ST_CONV_SMALL_TAPS);
    if (!st_isa_supported(isa))
        return st_fail(ST_ERR_UNSUPPORTED, "%s: this CPU does not support ISA %d", fn, (int)isa);
    return ST_OK;
}

/// The padded-plane geometry of both passes: Hp rows of Wp floats (8 of slack), ceil(Wo / 8) chunks a row.
static small_ctx small_geometry(const st_conv_geometry *g, int64_t O) {
    return (small_ctx){.g = g, .O = O, .Hp = g->H + 2 * g->ph, .Wp = g->W + 2 * g->pw + 8, .row_chunks = (g->Wo + 7) / 8};
}

st_status st_conv2d_small_f32(st_isa isa, int64_t N, int64_t O, const st_conv_geometry *g, const float *x,
                              const float *w, const float *bias, float *y) {
    const st_status ok = check_call("st_conv2d_small_f32", g, N, O, isa);
    if (ok != ST_OK) return ok;
    void (*image)(const small_ctx *, const float *, float *, int64_t, int64_t) = image_ref;
#if defined(__x86_64__)
    if (isa == ST_ISA_AVX2 || isa == ST_ISA_AVX512) image = image_avx2;
#endif
    const int64_t taps = g->C * g->kh * g->kw, Og = (O + OG - 1) / OG * OG;
    small_ctx s = small_geometry(g, O);
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
    // Tasks (image, channel group) in `threads` fixed chunks, each thread with its own padded planes (an
    // image is padded once per thread that works on it): one image splits among threads too.
    const int64_t groups = Og / OG, tasks = N * groups;
    ST_FOR(threads, t, threads, {
        float *xp = planes + (size_t)t * plane_floats;
        const int64_t k0 = tasks * t / threads, k1 = tasks * (t + 1) / threads;
        for (int64_t n = k0 / groups; n < N && n * groups < k1; n++) {
            const int64_t og0 = n * groups > k0 ? 0 : k0 - n * groups, og1 = (n + 1) * groups < k1 ? groups : k1 - n * groups;
            pad_image(&s, x + n * g->C * g->H * g->W, xp);
            image(&s, xp, y + n * O * g->Ho * g->Wo, og0, og1);
        }
    });
    free(buf);
    return ST_OK;
}

// ---------------------------------------------------------------- weight gradient
// dw [O, C, kh, kw] = Σ_n Σ_oh,ow dy[n, o, oh, ow] · xpad[n, c, oh+ki, ow+kj]: for each block of 3 output
// channels × 4 taps, 12 ymm accumulators run over every chunk of 8 outputs of an image (3 dy loads, 4 x
// loads, 12 FMAs; 3 × 3 taps ran LeNet conv2's dW 15% slower) and carry their 8 lanes from image to image
// (a per-thread buffer); the lanes are summed
// once at the end. Threads split the blocks, so each weight is summed by one thread in image order: the
// result does not depend on the thread count.
// dy is first copied per image into rows of ceil(Wo/8)·8 floats with zero tails (the lanes past Wo add 0).
#define TG 4 // taps per register block (3 channels x 4 taps: 12 accumulators + 3 dY vectors + 1 input)

typedef struct {
    small_ctx p;             // the padded input planes, as in the forward pass
    int64_t Og, taps, W8;    // channels rounded up to OG, C·kh·kw, padded dy row: row_chunks · 8
    int64_t xs, ds;          // floats between consecutive images' padded x planes and dy planes
} dw_ctx;

/// The portable twin of dw_block_avx2: the same block, images and lanes, scalar arithmetic.
static void dw_block_ref(const dw_ctx *s, const float *xp, const float *dyp, int64_t images, int64_t o0, int64_t t0,
                         float part[OG][TG][8]) {
    const st_conv_geometry *g = s->p.g;
    const int64_t kk = g->kh * g->kw;
    for (int64_t im = 0; im < images; im++)
        for (int gi = 0; gi < OG; gi++)
            for (int ti = 0; ti < TG; ti++) {
                const int64_t t = t0 + ti < s->taps ? t0 + ti : s->taps - 1; // past the last tap: repeat it (discarded)
                const int64_t c = t / kk, ki = t % kk / g->kw, kj = t % g->kw;
                float *lanes = part[gi][ti];
                for (int64_t oh = 0; oh < g->Ho; oh++)
                    for (int64_t ow = 0; ow < s->W8; ow += 8) {
                        const float *d = dyp + im * s->ds + ((o0 + gi) * g->Ho + oh) * s->W8 + ow;
                        const float *x = xp + im * s->xs + (c * s->p.Hp + oh + ki) * s->p.Wp + ow + kj;
                        for (int j = 0; j < 8; j++) lanes[j] += d[j] * x[j];
                    }
            }
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) static void dw_block_avx2(const dw_ctx *s, const float *xp, const float *dyp,
                                                              int64_t images, int64_t o0, int64_t t0,
                                                              float part[OG][TG][8]) {
    const st_conv_geometry *g = s->p.g;
    const int64_t kk = g->kh * g->kw;
    const float *xt[TG];
    for (int ti = 0; ti < TG; ti++) {
        const int64_t t = t0 + ti < s->taps ? t0 + ti : s->taps - 1;
        xt[ti] = xp + (t / kk * s->p.Hp + t % kk / g->kw) * s->p.Wp + t % g->kw;
    }
    __m256 acc[OG][TG]; // the block's 8-lane partial sums, carried from image to image in part
    for (int gi = 0; gi < OG; gi++)
        for (int ti = 0; ti < TG; ti++) acc[gi][ti] = _mm256_loadu_ps(part[gi][ti]);
    for (int64_t im = 0; im < images; im++)
    for (int64_t oh = 0; oh < g->Ho; oh++) {
        const float *d0 = dyp + im * s->ds + (o0 * g->Ho + oh) * s->W8, *d1 = d0 + g->Ho * s->W8, *d2 = d1 + g->Ho * s->W8;
        const float *xr[TG];
        for (int ti = 0; ti < TG; ti++) xr[ti] = xt[ti] + im * s->xs + oh * s->p.Wp;
        for (int64_t ow = 0; ow < s->W8; ow += 8) {
            // the 3 channels' dY in registers, then one tap's input vector at a time, each feeding 3 FMAs
            const __m256 a0 = _mm256_loadu_ps(d0 + ow), a1 = _mm256_loadu_ps(d1 + ow), a2 = _mm256_loadu_ps(d2 + ow);
            for (int ti = 0; ti < TG; ti++) {
                const __m256 b = _mm256_loadu_ps(xr[ti] + ow);
                acc[0][ti] = _mm256_fmadd_ps(a0, b, acc[0][ti]);
                acc[1][ti] = _mm256_fmadd_ps(a1, b, acc[1][ti]);
                acc[2][ti] = _mm256_fmadd_ps(a2, b, acc[2][ti]);
            }
        }
    }
    for (int gi = 0; gi < OG; gi++)
        for (int ti = 0; ti < TG; ti++) _mm256_storeu_ps(part[gi][ti], acc[gi][ti]);
}
#endif

st_status st_conv2d_small_dw_f32(st_isa isa, int64_t N, int64_t O, const st_conv_geometry *g, const float *x,
                                 const float *dy, float *dw) {
    const st_status ok = check_call("st_conv2d_small_dw_f32", g, N, O, isa);
    if (ok != ST_OK) return ok;
    void (*block)(const dw_ctx *, const float *, const float *, int64_t, int64_t, int64_t, float[OG][TG][8]) = dw_block_ref;
#if defined(__x86_64__)
    if (isa == ST_ISA_AVX2 || isa == ST_ISA_AVX512) block = dw_block_avx2;
#endif
    dw_ctx s = {.p = small_geometry(g, O), .Og = (O + OG - 1) / OG * OG, .taps = g->C * g->kh * g->kw};
    s.W8 = s.p.row_chunks * 8;
    const int64_t og_blocks = s.Og / OG, tg_blocks = (s.taps + TG - 1) / TG, blocks = og_blocks * tg_blocks;
    int threads = st_threads_for(N * O * g->Ho * g->Wo * s.taps);
    if (threads > blocks) threads = (int)blocks;
    s.xs = g->C * s.p.Hp * s.p.Wp, s.ds = s.Og * g->Ho * s.W8;
    // Small planes (LeNet conv2: 8 x 8 outputs, 8 chunk steps per block and image) give a block call too
    // little work for its set-up, so a call runs over a group of images whose planes fit in half of L2. Large
    // planes stay one image per call, in L1. The sums run in the same order either way (image by image).
    const int64_t image_bytes = (s.xs + s.ds) * (int64_t)sizeof(float), steps = g->Ho * s.p.row_chunks;
    const int64_t group = steps >= 64 ? 1 : st_cache_half_l2_items(image_bytes, N);
    const size_t part_floats = (size_t)((blocks + threads - 1) / threads + 1) * OG * TG * 8;
    const size_t per_thread = (size_t)(group * (s.xs + s.ds)) + part_floats;
    float *buf = malloc((size_t)threads * per_thread * sizeof(float));
    if (buf == NULL) return st_fail(ST_ERR_ALLOCATION, "st_conv2d_small_dw_f32: no memory for the padded planes");
    ST_FOR(threads, t, threads, {
        float *xp = buf + (size_t)t * per_thread, *dyp = xp + group * s.xs, *part = dyp + group * s.ds;
        const int64_t b0 = blocks * t / threads, b1 = blocks * (t + 1) / threads;
        memset(dyp, 0, (size_t)(group * s.ds) * sizeof(float)); // zero tails and channels past O, once
        memset(part, 0, (size_t)(b1 - b0) * OG * TG * 8 * sizeof(float));
        for (int64_t n0 = 0; n0 < N; n0 += group) {
            const int64_t images = N - n0 < group ? N - n0 : group;
            for (int64_t im = 0; im < images; im++) {
                const int64_t n = n0 + im;
                pad_image(&s.p, x + n * g->C * g->H * g->W, xp + im * s.xs);
                for (int64_t o = 0; o < O; o++)
                    for (int64_t oh = 0; oh < g->Ho; oh++)
                        memcpy(dyp + im * s.ds + (o * g->Ho + oh) * s.W8, dy + ((n * O + o) * g->Ho + oh) * g->Wo,
                               (size_t)g->Wo * sizeof(float));
            }
            for (int64_t bi = b0; bi < b1; bi++)
                block(&s, xp, dyp, images, bi / tg_blocks * OG, bi % tg_blocks * TG,
                      (float(*)[TG][8])(part + (size_t)(bi - b0) * OG * TG * 8));
        }
        for (int64_t bi = b0; bi < b1; bi++) { // lanes summed once, in a fixed order
            const int64_t o0 = bi / tg_blocks * OG, t0 = bi % tg_blocks * TG;
            const float *pb = part + (size_t)(bi - b0) * OG * TG * 8;
            for (int gi = 0; gi < OG && o0 + gi < O; gi++)
                for (int ti = 0; ti < TG && t0 + ti < s.taps; ti++) {
                    const float *lanes = pb + (gi * TG + ti) * 8;
                    dw[(o0 + gi) * s.taps + t0 + ti] = ((lanes[0] + lanes[4]) + (lanes[1] + lanes[5])) +
                                                       ((lanes[2] + lanes[6]) + (lanes[3] + lanes[7]));
                }
        }
    });
    free(buf);
    return ST_OK;
}
