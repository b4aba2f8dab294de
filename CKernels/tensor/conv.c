// Convolution by lowering (im2col → GEMM, and col2im for the input gradient), pooling, and a naive
// direct convolution kept as the reference and benchmark baseline. NCHW, float32 or float64.
//   x: [N, C, H, W]; col: [C·kh·kw, N·Ho·Wo] (row (c, i, j), column (n, oh, ow); row stride ldcol)
//   Ho = floor((H + 2·ph − dh·(kh − 1) − 1) / sh) + 1 (the same for W)
//   y = W [Cout, C·kh·kw] · col → [Cout, N·Ho·Wo] (one GEMM for the batch);  col memory: C·kh·kw·Ho·Wo
//   elements per image
// Pooling works on planes [P = N·C, H, W] → [P, Ho, Wo]; max pooling pads with −inf and records the
// argmax (flat index in the plane) to route gradients; average pooling divides by kh·kw (padding
// counted, as PyTorch's default).
#include "../internal/st_internal.h"
#include "../internal/st_iter.h"
#include "swifttorch_tensor.h"
#include <math.h>
#include <string.h>

/// Runs BODY for each (ih, iw) of the window of output (oh, ow) that lies inside the input (padding and
/// dilation applied), with i, j the kernel row and column.
#define FOR_WINDOW(g, oh, ow, BODY)                                                               \
    for (int64_t i = 0; i < (g)->kh; i++) {                                                       \
        int64_t ih = (oh) * (g)->sh - (g)->ph + i * (g)->dh;                                      \
        if (ih < 0 || ih >= (g)->H) continue;                                                     \
        for (int64_t j = 0; j < (g)->kw; j++) {                                                   \
            int64_t iw = (ow) * (g)->sw - (g)->pw + j * (g)->dw;                                  \
            if (iw < 0 || iw >= (g)->W) continue;                                                 \
            BODY                                                                                  \
        }                                                                                         \
    }

/// Output columns ow whose input column iw = ow·s + off lies in [0, W): [*lo, *hi).
static void valid_range(int64_t off, int64_t s, int64_t W, int64_t Wo, int64_t *lo, int64_t *hi) {
    int64_t a = off >= 0 ? 0 : (-off + s - 1) / s;          // first ow with iw >= 0
    int64_t b = W - off <= 0 ? 0 : (W - off + s - 1) / s;   // first ow with iw >= W
    *lo = a < Wo ? a : Wo;
    *hi = b < Wo ? b : Wo;
    if (*hi < *lo) *hi = *lo;
}

#define IM2COL_BODY(T)                                                                             \
    const T *xs = (const T *)x;                                                                    \
    T *cs = (T *)col;                                                                              \
    ST_FOR(threads, task, N * rows, {                                                              \
        int64_t n = task / rows, row = task % rows;                                                \
        int64_t c = row / (g->kh * g->kw), ki = row / g->kw % g->kh, kj = row % g->kw;              \
        T *dst = cs + row * ldcol + n * Ho * Wo;                                                   \
        int64_t off = kj * g->dw - g->pw, lo, hi;                                                  \
        valid_range(off, g->sw, g->W, Wo, &lo, &hi);                                               \
        for (int64_t oh = 0; oh < Ho; oh++, dst += Wo) {                                           \
            int64_t ih = oh * g->sh - g->ph + ki * g->dh;                                          \
            if (ih < 0 || ih >= g->H) { memset(dst, 0, (size_t)Wo * sizeof(T)); continue; }         \
            const T *src = xs + ((n * g->C + c) * g->H + ih) * g->W;                               \
            for (int64_t ow = 0; ow < lo; ow++) dst[ow] = 0;                                        \
            if (g->sw == 1) for (int64_t ow = lo; ow < hi; ow++) dst[ow] = src[ow + off];           \
            else for (int64_t ow = lo; ow < hi; ow++) dst[ow] = src[ow * g->sw + off];              \
            for (int64_t ow = hi; ow < Wo; ow++) dst[ow] = 0;                                       \
        }                                                                                          \
    });

/// Unit column stride and dilation (any padding, row stride and row dilation): each column row is Ho runs
/// of Wo floats, a copy of part of one input row between zero margins (all zeros for a row in the padding).
/// Restrict pointers and no library calls let the compiler vectorize the short runs (LeNet: 24 and 8 floats).
static void im2col_unit_f32(int threads, const st_conv_geometry *g, int64_t N, const float *x, float *col,
                            int64_t ldcol) {
    const int64_t Ho = g->Ho, Wo = g->Wo, H = g->H, W = g->W, kk = g->kh * g->kw, rows = g->C * kk;
    ST_FOR(threads, task, N * rows, {
        const int64_t n = task / rows, row = task % rows, c = row / kk, ki = row % kk / g->kw, kj = row % g->kw;
        const int64_t off = kj - g->pw;
        int64_t lo, hi;
        valid_range(off, 1, W, Wo, &lo, &hi);
        const float *ST_RESTRICT plane = x + (n * g->C + c) * H * W;
        float *ST_RESTRICT dst = col + row * ldcol + n * Ho * Wo;
        for (int64_t oh = 0; oh < Ho; oh++, dst += Wo) {
            const int64_t ih = oh * g->sh - g->ph + ki * g->dh;
            if (ih < 0 || ih >= H) {
                for (int64_t ow = 0; ow < Wo; ow++) dst[ow] = 0;
                continue;
            }
            const float *ST_RESTRICT src = plane + ih * W;
            for (int64_t ow = 0; ow < lo; ow++) dst[ow] = 0;
            for (int64_t ow = lo; ow < hi; ow++) dst[ow] = src[ow + off];
            for (int64_t ow = hi; ow < Wo; ow++) dst[ow] = 0;
        }
    });
}

void st_im2col(st_dtype dtype, const st_conv_geometry *g, int64_t N, const void *x, void *col, int64_t ldcol) {
    const int64_t Ho = g->Ho, Wo = g->Wo, rows = g->C * g->kh * g->kw;
    const int threads = st_threads_for(N * rows * Ho * Wo);
    if (dtype == ST_F32 && g->sw == 1 && g->dw == 1) {
        im2col_unit_f32(threads, g, N, (const float *)x, (float *)col, ldcol);
        return;
    }
    if (dtype == ST_F32) { IM2COL_BODY(float) } else { IM2COL_BODY(double) }
}

/// dx [N, C, H, W] += the columns of col put back where im2col took them (dx zeroed by the caller).
/// Threads split (image, channel) pairs: the rows of one channel add into the same plane.
#define COL2IM_BODY(T)                                                                             \
    T *xs = (T *)dx;                                                                               \
    const T *cs = (const T *)col;                                                                  \
    ST_FOR(threads, task, N * g->C, {                                                              \
        int64_t n = task / g->C, c = task % g->C;                                                  \
        for (int64_t ki = 0; ki < g->kh; ki++)                                                     \
            for (int64_t kj = 0; kj < g->kw; kj++) {                                               \
                const T *src = cs + ((c * g->kh + ki) * g->kw + kj) * ldcol + n * Ho * Wo;          \
                int64_t off = kj * g->dw - g->pw, lo, hi;                                          \
                valid_range(off, g->sw, g->W, Wo, &lo, &hi);                                       \
                for (int64_t oh = 0; oh < Ho; oh++, src += Wo) {                                   \
                    int64_t ih = oh * g->sh - g->ph + ki * g->dh;                                  \
                    if (ih < 0 || ih >= g->H) continue;                                            \
                    T *dst = xs + ((n * g->C + c) * g->H + ih) * g->W;                             \
                    for (int64_t ow = lo; ow < hi; ow++) dst[ow * g->sw + off] += src[ow];          \
                }                                                                                  \
            }                                                                                      \
    });

/// The adjoint of im2col_unit_f32: each column row's runs are added back onto the input rows they came
/// from (the zero margins are skipped).
static void col2im_unit_f32(int threads, const st_conv_geometry *g, int64_t N, const float *col, int64_t ldcol,
                            float *dx) {
    const int64_t Ho = g->Ho, Wo = g->Wo, H = g->H, W = g->W;
    ST_FOR(threads, task, N * g->C, {
        const int64_t n = task / g->C, c = task % g->C;
        float *ST_RESTRICT plane = dx + (n * g->C + c) * H * W;
        for (int64_t ki = 0; ki < g->kh; ki++)
            for (int64_t kj = 0; kj < g->kw; kj++) {
                const float *ST_RESTRICT src = col + ((c * g->kh + ki) * g->kw + kj) * ldcol + n * Ho * Wo;
                const int64_t off = kj - g->pw;
                int64_t lo, hi;
                valid_range(off, 1, W, Wo, &lo, &hi);
                for (int64_t oh = 0; oh < Ho; oh++, src += Wo) {
                    const int64_t ih = oh * g->sh - g->ph + ki * g->dh;
                    if (ih < 0 || ih >= H) continue;
                    float *ST_RESTRICT dst = plane + ih * W;
                    for (int64_t ow = lo; ow < hi; ow++) dst[ow + off] += src[ow];
                }
            }
    });
}

void st_col2im(st_dtype dtype, const st_conv_geometry *g, int64_t N, const void *col, int64_t ldcol, void *dx) {
    const int64_t Ho = g->Ho, Wo = g->Wo;
    const int threads = st_threads_for(N * g->C * g->kh * g->kw * Ho * Wo);
    if (dtype == ST_F32 && g->sw == 1 && g->dw == 1) {
        col2im_unit_f32(threads, g, N, (const float *)col, ldcol, (float *)dx);
        return;
    }
    if (dtype == ST_F32) { COL2IM_BODY(float) } else { COL2IM_BODY(double) }
}

/// y [N, Cout, Ho, Wo] = Σ_c,i,j w[co, c, i, j] · x[n, c, ih, iw] (+ bias[co]), the textbook six loops
/// (the oracle and the baseline of `bench conv`). Accumulates in double.
#define DIRECT_BODY(T)                                                                             \
    const T *xs = (const T *)x, *ws = (const T *)w, *bs = (const T *)bias;                         \
    T *ys = (T *)y;                                                                                \
    ST_FOR(threads, t, N * Cout, {                                                                 \
        int64_t n = t / Cout, co = t % Cout;                                                       \
        for (int64_t oh = 0; oh < g->Ho; oh++)                                                     \
            for (int64_t ow = 0; ow < g->Wo; ow++) {                                               \
                double s = bs ? (double)bs[co] : 0;                                                \
                for (int64_t c = 0; c < g->C; c++)                                                 \
                    FOR_WINDOW(g, oh, ow, s += (double)ws[((co * g->C + c) * g->kh + i) * g->kw + j] * \
                                              (double)xs[((n * g->C + c) * g->H + ih) * g->W + iw];)   \
                ys[(t * g->Ho + oh) * g->Wo + ow] = (T)s;                                          \
            }                                                                                      \
    });

void st_conv2d_direct(st_dtype dtype, int64_t N, int64_t Cout, const st_conv_geometry *g, const void *x,
                      const void *w, const void *bias, void *y) {
    const int threads = st_threads_for(N * Cout * g->Ho * g->Wo * g->C * g->kh * g->kw);
    if (dtype == ST_F32) { DIRECT_BODY(float) } else { DIRECT_BODY(double) }
}

// ---------------------------------------------------------------- pooling
#define MAXPOOL_BODY(T)                                                                            \
    const T *xs = (const T *)x;                                                                    \
    T *ys = (T *)y;                                                                                \
    ST_FOR(threads, p, planes, {                                                                   \
        const T *xp = xs + p * g->H * g->W;                                                        \
        for (int64_t oh = 0; oh < g->Ho; oh++)                                                     \
            for (int64_t ow = 0; ow < g->Wo; ow++) {                                               \
                T best = -INFINITY;                                                                \
                int64_t at = -1;                                                                   \
                int nan = 0; /* the first NaN wins: max pooling propagates NaN */                   \
                FOR_WINDOW(g, oh, ow, {                                                            \
                    T v = xp[ih * g->W + iw];                                                      \
                    if (!nan && (v > best || at < 0 || v != v)) { best = v; at = ih * g->W + iw; } \
                    nan |= v != v;                                                                 \
                })                                                                                 \
                ys[(p * g->Ho + oh) * g->Wo + ow] = best;                                          \
                argmax[(p * g->Ho + oh) * g->Wo + ow] = at;                                        \
            }                                                                                      \
    });

/// The common case (float32, no padding, no dilation): every window lies inside the plane, so the loops
/// need no bounds checks. Same results as MAXPOOL_BODY (first maximum, NaN wins).
static void maxpool_inside_f32(int threads, int64_t planes, const st_conv_geometry *g, const float *xs, float *ys,
                               int64_t *argmax) {
    ST_FOR(threads, p, planes, {
        const float *xp = xs + p * g->H * g->W;
        for (int64_t oh = 0; oh < g->Ho; oh++)
            for (int64_t ow = 0; ow < g->Wo; ow++) {
                const int64_t base = oh * g->sh * g->W + ow * g->sw;
                float best = xp[base];
                int64_t at = base;
                for (int64_t i = 0; i < g->kh; i++)
                    for (int64_t j = 0; j < g->kw; j++) {
                        const int64_t idx = base + i * g->W + j;
                        const float v = xp[idx];
                        // branch-free (selects): on random data a branch here mispredicts half the time
                        const int take = ((v > best) | (v != v)) & (best == best);
                        best = take ? v : best;
                        at = take ? idx : at;
                    }
                ys[(p * g->Ho + oh) * g->Wo + ow] = best;
                argmax[(p * g->Ho + oh) * g->Wo + ow] = at;
            }
    });
}

/// 2×2 windows with stride 2 (every CNN's pooling): the four values of a window are compared in window
/// order with the same selects as above, one output per iteration with no inner loops, so the compiler
/// vectorizes across ow. Compiled once per ISA from this one source (the plain build is the reference twin).
#define MAXPOOL2X2(attr, name)                                                                          \
    attr static void name(int64_t p0, int64_t p1, const st_conv_geometry *g, const float *xs, float *ys,  \
                          int64_t *argmax) {                                                              \
        const int64_t W = g->W, Ho = g->Ho, Wo = g->Wo;                                                   \
        for (int64_t p = p0; p < p1; p++)                                                                 \
            for (int64_t oh = 0; oh < Ho; oh++) {                                                         \
                const float *ST_RESTRICT r0 = xs + (p * g->H + 2 * oh) * W, *ST_RESTRICT r1 = r0 + W;      \
                float *ST_RESTRICT yo = ys + (p * Ho + oh) * Wo;                                          \
                int64_t *ST_RESTRICT ao = argmax + (p * Ho + oh) * Wo;                                    \
                const int64_t row = 2 * oh * W;                                                           \
                for (int64_t ow = 0; ow < Wo; ow++) {                                                     \
                    const float v0 = r0[2 * ow], v1 = r0[2 * ow + 1], v2 = r1[2 * ow], v3 = r1[2 * ow + 1];  \
                    float best = v0;                                                                      \
                    int64_t at = 0;                                                                       \
                    int take = ((v1 > best) | (v1 != v1)) & (best == best);                               \
                    best = take ? v1 : best, at = take ? 1 : at;                                          \
                    take = ((v2 > best) | (v2 != v2)) & (best == best);                                   \
                    best = take ? v2 : best, at = take ? W : at;                                          \
                    take = ((v3 > best) | (v3 != v3)) & (best == best);                                   \
                    best = take ? v3 : best, at = take ? W + 1 : at;                                      \
                    yo[ow] = best;                                                                        \
                    ao[ow] = row + 2 * ow + at;                                                           \
                }                                                                                         \
            }                                                                                             \
    }

MAXPOOL2X2(, maxpool2x2_ref)
#if defined(__x86_64__)
MAXPOOL2X2(__attribute__((target("avx2"))), maxpool2x2_avx2)
MAXPOOL2X2(__attribute__((target("avx512f"))), maxpool2x2_avx512)
#endif

static void maxpool2x2_f32(int threads, int64_t planes, const st_conv_geometry *g, const float *xs, float *ys,
                           int64_t *argmax) {
    void (*fn)(int64_t, int64_t, const st_conv_geometry *, const float *, float *, int64_t *) = maxpool2x2_ref;
#if defined(__x86_64__)
    const st_isa isa = st_isa_active();
    if (isa == ST_ISA_AVX512) fn = maxpool2x2_avx512;
    else if (isa == ST_ISA_AVX2) fn = maxpool2x2_avx2;
#endif
    // Planes in `threads` fixed chunks: each output is computed the same way whatever the split.
    ST_FOR(threads, t, threads, { fn(planes * t / threads, planes * (t + 1) / threads, g, xs, ys, argmax); });
}

void st_maxpool2d(st_dtype dtype, int64_t planes, const st_conv_geometry *g, const void *x, void *y, int64_t *argmax) {
    const int threads = st_threads_for(planes * g->Ho * g->Wo * g->kh * g->kw);
    if (dtype == ST_F32 && g->kh == 2 && g->kw == 2 && g->sh == 2 && g->sw == 2 && g->ph == 0 && g->pw == 0 &&
        g->dh == 1 && g->dw == 1) {
        maxpool2x2_f32(threads, planes, g, (const float *)x, (float *)y, argmax);
        return;
    }
    if (dtype == ST_F32 && g->ph == 0 && g->pw == 0 && g->dh == 1 && g->dw == 1) {
        maxpool_inside_f32(threads, planes, g, (const float *)x, (float *)y, argmax);
        return;
    }
    if (dtype == ST_F32) { MAXPOOL_BODY(float) } else { MAXPOOL_BODY(double) }
}

void st_maxpool2d_backward(st_dtype dtype, int64_t planes, const st_conv_geometry *g, const void *gy,
                           const int64_t *argmax, void *dx) {
    const int64_t outs = g->Ho * g->Wo, ins = g->H * g->W;
    const int threads = st_threads_for(planes * outs);
    ST_FOR(threads, p, planes, {
        for (int64_t o = 0; o < outs; o++) {
            int64_t at = argmax[p * outs + o];
            if (at < 0) continue; // a window entirely in the padding
            if (dtype == ST_F32) ((float *)dx)[p * ins + at] += ((const float *)gy)[p * outs + o];
            else ((double *)dx)[p * ins + at] += ((const double *)gy)[p * outs + o];
        }
    });
}

#define AVGPOOL_BODY(T, BACKWARD)                                                                  \
    ST_FOR(threads, p, planes, {                                                                   \
        for (int64_t oh = 0; oh < g->Ho; oh++)                                                     \
            for (int64_t ow = 0; ow < g->Wo; ow++) {                                               \
                const int64_t o = (p * g->Ho + oh) * g->Wo + ow;                                   \
                double s = 0;                                                                      \
                T share = BACKWARD ? (T)(((const T *)src)[o] * inv) : 0;                           \
                FOR_WINDOW(g, oh, ow, {                                                            \
                    int64_t at = (p * g->H + ih) * g->W + iw;                                      \
                    if (BACKWARD) ((T *)dst)[at] += share;                                         \
                    else s += ((const T *)src)[at];                                                \
                })                                                                                 \
                if (!BACKWARD) ((T *)dst)[o] = (T)(s * inv);                                       \
            }                                                                                      \
    });

void st_avgpool2d(st_dtype dtype, int64_t planes, const st_conv_geometry *g, const void *src, void *dst) {
    const double inv = 1.0 / (double)(g->kh * g->kw);
    const int threads = st_threads_for(planes * g->Ho * g->Wo * g->kh * g->kw);
    if (dtype == ST_F32) { AVGPOOL_BODY(float, 0) } else { AVGPOOL_BODY(double, 0) }
}

void st_avgpool2d_backward(st_dtype dtype, int64_t planes, const st_conv_geometry *g, const void *src, void *dst) {
    const double inv = 1.0 / (double)(g->kh * g->kw);
    const int threads = st_threads_for(planes * g->Ho * g->Wo * g->kh * g->kw);
    if (dtype == ST_F32) { AVGPOOL_BODY(float, 1) } else { AVGPOOL_BODY(double, 1) }
}
