// Elementwise kernels: binary ops with broadcasting, unary ops, where, copy, accumulate, convert, fill.
// The row functions come from internal/elementwise_impl.h, instantiated per dtype; the strided loop
// and its OpenMP split from tensor/iter.c.
#include "../internal/st_internal.h"
#include "../internal/st_iter.h"
#include "swifttorch_tensor.h"
#include <math.h>
#include <string.h>

/// GELU and its derivative in double (the float64 path and the strided float32 fallback; contiguous
/// float32 runs the fused SIMD kernels of tensor/gelu.c). kind 0: x·Φ(x); kind 1: the tanh form.
static inline double gelu64(int kind, double x) {
    if (x < -40) return 0; // both forms underflow to 0 (and -inf * 0 would be NaN)
    if (kind == 0) return 0.5 * x * erfc(-x * M_SQRT1_2);
    const double k = 0.7978845608028654; // √(2/π)
    return 0.5 * x * (1 + tanh(k * (x + 0.044715 * x * x * x)));
}

static inline double gelu_grad64(int kind, double x) {
    if (x < -40 || x > 40) return x > 0; // saturated (and inf * 0 would be NaN)
    if (kind == 0) return 0.5 * erfc(-x * M_SQRT1_2) + x * exp(-0.5 * x * x) * 0.3989422804014327; // Φ + x·φ
    const double k = 0.7978845608028654;
    double t = tanh(k * (x + 0.044715 * x * x * x));
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x);
}

#define T float
#define SFX f32
#define IS_INT 0
#define M_EXP expf
#define M_LOG logf
#define M_SQRT sqrtf
#define M_TANH tanhf
#define M_SIN sinf
#define M_COS cosf
#define M_POW powf
#include "../internal/elementwise_impl.h"
#undef T
#undef SFX
#undef M_EXP
#undef M_LOG
#undef M_SQRT
#undef M_TANH
#undef M_SIN
#undef M_COS
#undef M_POW

#define T double
#define SFX f64
#define M_EXP exp
#define M_LOG log
#define M_SQRT sqrt
#define M_TANH tanh
#define M_SIN sin
#define M_COS cos
#define M_POW pow
#include "../internal/elementwise_impl.h"
#undef T
#undef SFX
#undef IS_INT

#define IS_INT 1
#define T int32_t
#define SFX i32
#define T_MIN INT32_MIN
#define T_MAX INT32_MAX
#include "../internal/elementwise_impl.h"
#undef T
#undef SFX
#undef T_MIN
#undef T_MAX
#define T int64_t
#define SFX i64
#define T_MIN INT64_MIN
#define T_MAX INT64_MAX
#include "../internal/elementwise_impl.h"
#undef T
#undef SFX
#undef T_MIN
#undef T_MAX
#undef IS_INT

static st_iter make_iter(int nops, int ndim, const int64_t *shape, size_t esize, void *const *ptrs,
                         const int64_t *const *strides) {
    st_iter it = {.nops = nops, .ndim = ndim, .shape = shape};
    for (int k = 0; k < nops; k++) {
        it.base[k] = ptrs[k];
        it.esize[k] = esize;
        it.strides[k] = strides[k];
    }
    return it;
}

#define PICK(name, dtype) \
    ((dtype) == ST_F32 ? name##_f32 : (dtype) == ST_F64 ? name##_f64 : (dtype) == ST_I32 ? name##_i32 : name##_i64)

void st_binary(st_binary_op op, st_dtype dtype, int ndim, const int64_t *shape,
               void *out, const int64_t *so, const void *a, const int64_t *sa, const void *b, const int64_t *sb) {
    void *ptrs[3] = {out, (void *)a, (void *)b};
    const int64_t *strides[3] = {so, sa, sb};
    st_iter it = make_iter(3, ndim, shape, st_dtype_size(dtype), ptrs, strides);
    st_iter_run(&it, PICK(binary_row, dtype), &op);
}

/// exp over a row: the vectorized kernel when both operands are contiguous float32.
static void exp_row_f32(const void *ctx, int64_t n, char *const *p, const int64_t *s) {
    if (s[0] == 1 && s[1] == 1) st_vexp_f32(n, (const float *)p[1], (float *)p[0]);
    else unary_row_f32(ctx, n, p, s);
}

void st_unary(st_unary_op op, st_dtype dtype, int ndim, const int64_t *shape,
              void *out, const int64_t *so, const void *x, const int64_t *sx, double p0, double p1) {
    void *ptrs[2] = {out, (void *)x};
    const int64_t *strides[2] = {so, sx};
    st_iter it = make_iter(2, ndim, shape, st_dtype_size(dtype), ptrs, strides);
    unary_ctx_f32 ctx = {op, p0, p1}; // the same layout for every dtype
    st_row_fn fn = PICK(unary_row, dtype);
    if (dtype == ST_F32 && op == ST_EXP) fn = exp_row_f32;
    st_iter_run(&it, fn, &ctx);
}

void st_where(st_dtype dtype, int ndim, const int64_t *shape, void *out, const int64_t *so,
              const void *cond, const int64_t *sc, const void *a, const int64_t *sa, const void *b, const int64_t *sb) {
    void *ptrs[4] = {out, (void *)cond, (void *)a, (void *)b};
    const int64_t *strides[4] = {so, sc, sa, sb};
    st_iter it = make_iter(4, ndim, shape, st_dtype_size(dtype), ptrs, strides);
    st_iter_run(&it, PICK(where_row, dtype), NULL);
}

void st_accumulate(st_dtype dtype, int ndim, const int64_t *shape, void *dst, const int64_t *sd,
                   const void *src, const int64_t *ss) {
    void *ptrs[2] = {dst, (void *)src};
    const int64_t *strides[2] = {sd, ss};
    st_iter it = make_iter(2, ndim, shape, st_dtype_size(dtype), ptrs, strides);
    st_iter_run(&it, PICK(accumulate_row, dtype), NULL);
}

static void copy_row(const void *ctx, int64_t n, char *const *p, const int64_t *s) {
    size_t es = *(const size_t *)ctx;
    if (s[0] == 1 && s[1] == 1) { memcpy(p[0], p[1], (size_t)n * es); return; }
    switch (es) {
    case 4: for (int64_t i = 0; i < n; i++) ((uint32_t *)p[0])[i * s[0]] = ((const uint32_t *)p[1])[i * s[1]]; break;
    case 8: for (int64_t i = 0; i < n; i++) ((uint64_t *)p[0])[i * s[0]] = ((const uint64_t *)p[1])[i * s[1]]; break;
    default: for (int64_t i = 0; i < n; i++) memcpy(p[0] + i * s[0] * (int64_t)es, p[1] + i * s[1] * (int64_t)es, es);
    }
}

void st_copy(size_t esize, int ndim, const int64_t *shape, void *dst, const int64_t *sd,
             const void *src, const int64_t *ss) {
    void *ptrs[2] = {dst, (void *)src};
    const int64_t *strides[2] = {sd, ss};
    st_iter it = make_iter(2, ndim, shape, esize, ptrs, strides);
    st_iter_run(&it, copy_row, &esize);
}

#define CONVERT_FROM(TS)                                                                      \
    do {                                                                                      \
        const TS *s = src;                                                                    \
        switch (to) {                                                                         \
        case ST_F32: for (int64_t i = 0; i < n; i++) ((float *)dst)[i] = (float)s[i]; break;  \
        case ST_F64: for (int64_t i = 0; i < n; i++) ((double *)dst)[i] = (double)s[i]; break; \
        case ST_I32: for (int64_t i = 0; i < n; i++) ((int32_t *)dst)[i] = (int32_t)s[i]; break; \
        case ST_I64: for (int64_t i = 0; i < n; i++) ((int64_t *)dst)[i] = (int64_t)s[i]; break; \
        }                                                                                     \
    } while (0)

void st_convert(st_dtype from, st_dtype to, int64_t n, const void *src, void *dst) {
    switch (from) {
    case ST_F32: CONVERT_FROM(float); break;
    case ST_F64: CONVERT_FROM(double); break;
    case ST_I32: CONVERT_FROM(int32_t); break;
    case ST_I64: CONVERT_FROM(int64_t); break;
    }
}

void st_fill(st_dtype dtype, int64_t n, void *dst, double value) {
    switch (dtype) {
    case ST_F32: { float v = (float)value; for (int64_t i = 0; i < n; i++) ((float *)dst)[i] = v; break; }
    case ST_F64: for (int64_t i = 0; i < n; i++) ((double *)dst)[i] = value; break;
    case ST_I32: { int32_t v = (int32_t)value; for (int64_t i = 0; i < n; i++) ((int32_t *)dst)[i] = v; break; }
    case ST_I64: { int64_t v = (int64_t)value; for (int64_t i = 0; i < n; i++) ((int64_t *)dst)[i] = v; break; }
    }
}

void st_arange(st_dtype dtype, int64_t n, void *dst, double start, double step) {
    switch (dtype) {
    case ST_F32: for (int64_t i = 0; i < n; i++) ((float *)dst)[i] = (float)(start + (double)i * step); break;
    case ST_F64: for (int64_t i = 0; i < n; i++) ((double *)dst)[i] = start + (double)i * step; break;
    case ST_I32: for (int64_t i = 0; i < n; i++) ((int32_t *)dst)[i] = (int32_t)(start + (double)i * step); break;
    case ST_I64: for (int64_t i = 0; i < n; i++) ((int64_t *)dst)[i] = (int64_t)(start + (double)i * step); break;
    }
}

// ---------------------------------------------------------------- GELU over threads
/// GELU arrays in chunks of ST_ROW_CHUNK (a multiple of every SIMD width) shared among the threads;
/// each chunk runs the single-thread kernel of tensor/gelu.c.
void st_gelu_f32(st_gelu_kind kind, int64_t n, const float *x, float *y) {
    const int threads = st_threads_for(n);
    ST_FOR(threads, c, (n + ST_ROW_CHUNK - 1) / ST_ROW_CHUNK, {
        int64_t lo = c * ST_ROW_CHUNK, len = n - lo < ST_ROW_CHUNK ? n - lo : ST_ROW_CHUNK;
        st_gelu_f32_active(kind, len, x + lo, y + lo);
    });
}

void st_gelu_backward_f32(st_gelu_kind kind, int64_t n, const float *x, const float *g, float *dx) {
    const int threads = st_threads_for(n);
    ST_FOR(threads, c, (n + ST_ROW_CHUNK - 1) / ST_ROW_CHUNK, {
        int64_t lo = c * ST_ROW_CHUNK, len = n - lo < ST_ROW_CHUNK ? n - lo : ST_ROW_CHUNK;
        st_gelu_backward_f32_active(kind, len, x + lo, g + lo, dx + lo);
    });
}
