// SwiftTorch tensor kernels: every loop over tensor elements runs here; Swift plans shapes and strides.
//
// Conventions:
//   - Sizes, strides and offsets are int64_t counted in elements (not bytes), row-major.
//   - An operand is (pointer to its first element, strides[ndim]); a stride of 0 broadcasts.
//   - Outputs given to the iterator must not overlap their inputs unless the op is elementwise and the
//     output aliases an input exactly (same pointer and strides).
//   - Functions returning st_status report bad indices with a message (st_last_error); shapes are the
//     caller's (Swift's) job and are trusted here.
#ifndef SWIFTTORCH_TENSOR_H
#define SWIFTTORCH_TENSOR_H

#include <stddef.h>
#include <stdint.h>
#include "swifttorch_kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { ST_F32 = 0, ST_F64 = 1, ST_I32 = 2, ST_I64 = 3 } st_dtype;

/// Bytes per element of a dtype.
size_t st_dtype_size(st_dtype dtype);

// ---------------------------------------------------------------- storage allocator
/// 64-byte aligned storage for tensors. Large blocks are kept in a cache after st_tensor_free, so a
/// training loop does not page-fault fresh memory every step. NULL when the memory is not available.
void *st_tensor_alloc(size_t bytes);
void st_tensor_free(void *p, size_t bytes);

typedef struct {
    int64_t live_bytes;      // bytes held by live tensors
    int64_t peak_bytes;      // maximum of live_bytes since the last reset
    int64_t allocations;     // st_tensor_alloc calls since the last reset
    int64_t cached_bytes;    // freed blocks kept for reuse (not live)
} st_alloc_stats;

st_alloc_stats st_get_alloc_stats(void);
/// Peak := live, allocations := 0.
void st_reset_alloc_stats(void);
/// Returns cached blocks to the system.
void st_empty_cache(void);
/// Largest number of bytes kept in the cache (default 1 GiB; SWIFTTORCH_CACHE_BYTES overrides).
void st_set_cache_limit(int64_t bytes);

// ---------------------------------------------------------------- per-thread modes
/// Gradient recording for the calling thread (1 by default).
int st_grad_enabled(void);
void st_set_grad_enabled(int enabled);
/// The calling thread's queue of graph nodes to release (tensor/thread_state.c): push an owned object
/// pointer (0 when out of memory: release it directly); begin returns 1 for the outermost caller only,
/// which pops and releases until the queue is empty, then calls end.
int st_release_queue_push(void *object);
int st_release_queue_begin(void);
void *st_release_queue_pop(void);
void st_release_queue_end(void);

// ---------------------------------------------------------------- elementwise
typedef enum {
    ST_ADD, ST_SUB, ST_MUL, ST_DIV, ST_POW, ST_MAXIMUM, ST_MINIMUM,
    ST_EQ, ST_NE, ST_LT, ST_LE, ST_GT, ST_GE,
    ST_RELU_GRAD, // 0 where b <= 0, else a: ReLU's backward (a = dY, b = x) in one pass (NaN b passes a)
} st_binary_op;

typedef enum {
    ST_NEG, ST_EXP, ST_LOG, ST_SQRT, ST_ABS, ST_TANH, ST_SIGMOID, ST_RELU, ST_SIN, ST_COS, ST_SIGN,
    ST_SQUARE,
    ST_CLAMP,     // min(max(x, p0), p1)
    ST_ADD_S,     // x + p0
    ST_MUL_S,     // x * p0
    ST_RSUB_S,    // p0 - x
    ST_RDIV_S,    // p0 / x
    ST_POW_S,     // x ^ p0
    ST_RPOW_S,    // p0 ^ x
    ST_EQ_S, ST_NE_S, ST_LT_S, ST_LE_S, ST_GT_S, ST_GE_S, // x ? p0 -> 1 or 0
    ST_MASK_RANGE, // 1 where p0 <= x <= p1, else 0 (clamp's gradient mask)
    ST_LEAKY_RELU, // x > 0 ? x : p0 * x
    ST_STEP,       // x > 0 ? 1 : p0 (the derivative of relu (p0 = 0) and leaky relu)
    ST_SILU,       // x * sigmoid(x)
    ST_SILU_GRAD,  // sigmoid(x) * (1 + x * (1 - sigmoid(x)))
    ST_GELU,       // gelu(x), p0 = st_gelu_kind (0 exact, 1 tanh); computed in double
    ST_GELU_GRAD,  // gelu'(x), p0 = st_gelu_kind
} st_unary_op;

/// out = a op b, elementwise with broadcasting strides. All operands share `dtype`; comparisons write 1/0.
/// out is written through its own strides (usually contiguous).
void st_binary(st_binary_op op, st_dtype dtype, int ndim, const int64_t *shape,
               void *out, const int64_t *so, const void *a, const int64_t *sa, const void *b, const int64_t *sb);

/// out = op(x; p0, p1), elementwise.
void st_unary(st_unary_op op, st_dtype dtype, int ndim, const int64_t *shape,
              void *out, const int64_t *so, const void *x, const int64_t *sx, double p0, double p1);

/// out = cond != 0 ? a : b (cond has the same dtype as a and b).
void st_where(st_dtype dtype, int ndim, const int64_t *shape, void *out, const int64_t *so,
              const void *cond, const int64_t *sc, const void *a, const int64_t *sa, const void *b, const int64_t *sb);

/// dst = src for any dtype (elements of `esize` bytes), through both operands' strides.
void st_copy(size_t esize, int ndim, const int64_t *shape, void *dst, const int64_t *sd,
             const void *src, const int64_t *ss);

/// dst += src (float dtypes), through both operands' strides; dst must not contain broadcast (0) strides.
void st_accumulate(st_dtype dtype, int ndim, const int64_t *shape, void *dst, const int64_t *sd,
                   const void *src, const int64_t *ss);

/// Contiguous conversion of n elements between dtypes (floats to ints truncate toward zero).
void st_convert(st_dtype from, st_dtype to, int64_t n, const void *src, void *dst);

/// dst[i] = value for n contiguous elements.
void st_fill(st_dtype dtype, int64_t n, void *dst, double value);

/// dst[i] = start + i * step for n contiguous elements.
void st_arange(st_dtype dtype, int64_t n, void *dst, double start, double step);

/// Vectorized exp over a contiguous float array (AVX2 when available, else the reference).
void st_vexp_f32(int64_t n, const float *x, float *out);
/// The portable reference twin of st_vexp_f32 (libm expf).
void st_vexp_f32_ref(int64_t n, const float *x, float *out);
/// st_vexp_f32 with the kernel of a given ISA (the reference when it has none); ST_ERR_UNSUPPORTED when
/// the CPU lacks it. Tests use it to compare kernels while other threads switch the active ISA.
st_status st_vexp_f32_isa(st_isa isa, int64_t n, const float *x, float *out);

// ---------------------------------------------------------------- reductions
typedef enum { ST_SUM, ST_MAX, ST_MIN, ST_ARGMAX, ST_ARGMIN } st_reduce_op;

/// x is contiguous [O, R, I]; reduces over R. out is [O, I] of the same dtype (int64 for ARGMAX/ARGMIN,
/// which return the first index of the extreme value). NaN propagates in MAX/MIN and is the answer of ARG*.
/// Float32 sums accumulate in float64 blocks.
void st_reduce(st_reduce_op op, st_dtype dtype, int64_t O, int64_t R, int64_t I, const void *x, void *out);
/// out[k] = sum over a and b of x[a, k, b] for a contiguous x [A, K, B] (sum over leading and trailing
/// dims at once, without a copy); accumulated as st_reduce's sums, deterministic for any thread count.
void st_reduce_sum_outer_inner(st_dtype dtype, int64_t A, int64_t K, int64_t B, const void *x, void *out);

/// Row softmax (or log-softmax when log != 0) over contiguous [rows, cols], max-subtracted.
void st_softmax(st_dtype dtype, int log, int64_t rows, int64_t cols, const void *x, void *out);

// ---------------------------------------------------------------- GELU (tensor/gelu.c)
// x, y, g, dx: [n], contiguous float32.
typedef enum { ST_GELU_EXACT = 0, ST_GELU_TANH = 1 } st_gelu_kind;

/// y = gelu(x), one read and one write per element, the best kernel for the active ISA, arrays split
/// among the kernels' threads (tensor/elementwise.c).
///   exact: y = x Φ(x) = x (1 + erf(x/√2)) / 2;  tanh: y = x (1 + tanh(√(2/π) (x + 0.044715 x³))) / 2.
/// gelu(+inf) = +inf, gelu(-inf) = 0, NaN propagates; within 1e-6 relative (|y| > 1e-3) or 1e-9 absolute
/// of the float64 formula. y may alias x.
void st_gelu_f32(st_gelu_kind kind, int64_t n, const float *x, float *y);
/// dx = g * gelu'(x) (reads x and g, writes dx; dx may alias g or x), split among threads.
void st_gelu_backward_f32(st_gelu_kind kind, int64_t n, const float *x, const float *g, float *dx);
/// The same on the calling thread only.
void st_gelu_f32_active(st_gelu_kind kind, int64_t n, const float *x, float *y);
void st_gelu_backward_f32_active(st_gelu_kind kind, int64_t n, const float *x, const float *g, float *dx);
/// The same with the kernel of a given ISA (reference when it has none); ST_ERR_UNSUPPORTED if the CPU lacks it.
st_status st_gelu_f32_isa(st_isa isa, st_gelu_kind kind, int64_t n, const float *x, float *y);
st_status st_gelu_backward_f32_isa(st_isa isa, st_gelu_kind kind, int64_t n, const float *x, const float *g, float *dx);
/// Portable reference twins (scalar C, double inside: within 1 ulp of the float64 formulas).
void st_gelu_f32_ref(st_gelu_kind kind, int64_t n, const float *x, float *y);
void st_gelu_backward_f32_ref(st_gelu_kind kind, int64_t n, const float *x, const float *g, float *dx);

// ---------------------------------------------------------------- convolution and pooling (tensor/conv.c)
/// The geometry of a 2-D window over one plane: input C×H×W, kernel kh×kw, stride, padding, dilation,
/// output Ho×Wo (Ho = floor((H + 2·ph − dh·(kh − 1) − 1) / sh) + 1). Pooling ignores C.
typedef struct {
    int64_t C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo;
} st_conv_geometry;

/// col [C·kh·kw, N·Ho·Wo] (row stride ldcol >= N·Ho·Wo; image n in columns n·Ho·Wo ...) from x [N, C, H, W],
/// zeros where the window is in the padding.
void st_im2col(st_dtype dtype, const st_conv_geometry *g, int64_t N, const void *x, void *col, int64_t ldcol);
/// dx [N, C, H, W] += col put back (the adjoint of im2col); dx zeroed by the caller.
void st_col2im(st_dtype dtype, const st_conv_geometry *g, int64_t N, const void *col, int64_t ldcol, void *dx);
/// y [N, Cout, Ho, Wo] by direct summation (reference and baseline); w [Cout, C, kh, kw], bias [Cout] or NULL.
void st_conv2d_direct(st_dtype dtype, int64_t N, int64_t Cout, const st_conv_geometry *g, const void *x,
                      const void *w, const void *bias, void *y);
/// Input taps (C·kh·kw) up to which the direct small-layer kernel applies.
#define ST_CONV_SMALL_TAPS 1024
/// 1 when st_conv2d_small_f32 handles this geometry: unit stride and dilation, C·kh·kw <= ST_CONV_SMALL_TAPS.
int st_conv2d_small_applies(const st_conv_geometry *g);
/// y [N, O, Ho, Wo] = conv(x [N, C, H, W], w [O, C, kh, kw]) (+ bias [O]) computed directly in registers (no
/// im2col): the AVX2 kernel for ISA avx2/avx512, the portable twin for scalar. Any padding.
st_status st_conv2d_small_f32(st_isa isa, int64_t N, int64_t O, const st_conv_geometry *g, const float *x,
                              const float *w, const float *bias, float *y);
/// dw [O, C, kh, kw] = Σ over images and outputs of dy [N, O, Ho, Wo] · the input window, for the geometries
/// st_conv2d_small_f32 handles (the kernel's backward for the weights; no im2col). Does not depend on the
/// thread count.
st_status st_conv2d_small_dw_f32(st_isa isa, int64_t N, int64_t O, const st_conv_geometry *g, const float *x,
                                 const float *dy, float *dw);
/// Max over each window of planes x [P, H, W] → y [P, Ho, Wo] (−inf padding, NaN propagates), with the
/// flat index of the maximum in argmax [P, Ho, Wo] (−1 for a window entirely in the padding).
void st_maxpool2d(st_dtype dtype, int64_t planes, const st_conv_geometry *g, const void *x, void *y, int64_t *argmax);
/// dx [P, H, W] += gy routed to the argmax positions (dx zeroed by the caller).
void st_maxpool2d_backward(st_dtype dtype, int64_t planes, const st_conv_geometry *g, const void *gy,
                           const int64_t *argmax, void *dx);
/// Window means (divided by kh·kw, padding counted) of planes src [P, H, W] → dst [P, Ho, Wo]; backward
/// adds gy/(kh·kw) to each in-bounds input of the window (dst zeroed by the caller).
void st_avgpool2d(st_dtype dtype, int64_t planes, const st_conv_geometry *g, const void *src, void *dst);
void st_avgpool2d_backward(st_dtype dtype, int64_t planes, const st_conv_geometry *g, const void *src, void *dst);

// ---------------------------------------------------------------- optimizers (tensor/optim.c)
typedef struct {
    double lr, momentum, weight_decay;
    int nesterov;   // 1: Nesterov momentum
    int first_step; // 1: the momentum buffer is set to the gradient instead of updated
} st_sgd_params;

/// One SGD step on a contiguous parameter of n elements (float32 or float64); buf (n elements) is the
/// momentum buffer, NULL without momentum.
void st_sgd_step(st_dtype dtype, int64_t n, void *param, const void *grad, void *buf, const st_sgd_params *h);

typedef struct {
    double lr, beta1, beta2, eps, weight_decay;
    int64_t step;  // t, counted from 1 (bias correction)
    int decoupled; // 1: AdamW (decay p by lr·wd after the update), 0: Adam (wd·p added to the gradient)
} st_adam_params;

/// One Adam/AdamW step on a contiguous parameter with its moment buffers m and v (n elements each).
void st_adam_step(st_dtype dtype, int64_t n, void *param, const void *grad, void *m, void *v,
                  const st_adam_params *h);

// ---------------------------------------------------------------- losses
/// Softmax cross-entropy of logits [N, C] (float32 or float64, contiguous) against int64 labels [N]:
/// *mean_loss = mean_i (logsumexp(x_i) − x_i[y_i]); probs [N, C] receives softmax(x) for the backward
/// pass. ST_ERR_ARGUMENT naming the first label outside [0, C).
st_status st_cross_entropy(st_dtype dtype, int64_t N, int64_t C, const void *logits, const int64_t *labels,
                           void *probs, double *mean_loss);
/// dx [N, C] = (probs − onehot(labels)) · scale.
void st_cross_entropy_backward(st_dtype dtype, int64_t N, int64_t C, const void *probs, const int64_t *labels,
                               double scale, void *dx);

// ---------------------------------------------------------------- indexing
/// x contiguous [O, D, I], index int64 [n]: out[o, j, i] = x[o, index[j], i]; out contiguous [O, n, I].
st_status st_index_select(size_t esize, int64_t O, int64_t D, int64_t I, const void *x,
                          int64_t n, const int64_t *index, void *out);
/// Backward of index_select: dx[o, index[j], i] += g[o, j, i] (float dtypes; dx zeroed by the caller).
void st_index_add(st_dtype dtype, int64_t O, int64_t D, int64_t I, void *dx, int64_t n, const int64_t *index,
                  const void *g);
/// x contiguous [O, D, I], index int64 contiguous [O, n, I]: out[o, j, i] = x[o, index[o, j, i], i].
st_status st_gather(size_t esize, int64_t O, int64_t D, int64_t I, const void *x, int64_t n,
                    const int64_t *index, void *out);
/// Backward of gather: dx[o, index[o, j, i], i] += g[o, j, i] (dx zeroed by the caller).
void st_scatter_add(st_dtype dtype, int64_t O, int64_t D, int64_t I, void *dx, int64_t n, const int64_t *index,
                    const void *g);
/// out [n, classes] = one-hot rows of labels (int64); labels outside [0, classes) fail.
st_status st_one_hot(st_dtype dtype, int64_t n, const int64_t *labels, int64_t classes, void *out);
/// Smallest and largest of n int64 values (for error messages); returns 0 when n == 0.
void st_min_max_i64(int64_t n, const int64_t *x, int64_t *mn, int64_t *mx);

// ---------------------------------------------------------------- random numbers
/// xoshiro256** generator state; seed with st_rng_seed. Deterministic for a given seed on every machine.
typedef struct { uint64_t s[4]; } st_rng;
void st_rng_seed(st_rng *rng, uint64_t seed);
/// The next 64 random bits.
uint64_t st_rng_next(st_rng *rng);
/// Uniform [lo, hi) or normal(mean, std) values into a contiguous float32/float64 array.
void st_rng_uniform(st_rng *rng, st_dtype dtype, int64_t n, void *out, double lo, double hi);
void st_rng_normal(st_rng *rng, st_dtype dtype, int64_t n, void *out, double mean, double std);
/// A uniformly random permutation of 0..<n (Fisher-Yates) into out (int64).
void st_rng_permutation(st_rng *rng, int64_t n, int64_t *out);

// ---------------------------------------------------------------- float64 GEMM (reference speed)
/// C := alpha * op(A) * op(B) + beta * C for row-major float64 with leading dimensions (beta = 0 overwrites).
void st_dgemm(st_trans ta, st_trans tb, int64_t m, int64_t n, int64_t k, double alpha,
              const double *a, int64_t lda, const double *b, int64_t ldb, double beta, double *c, int64_t ldc);

// ---------------------------------------------------------------- memory bandwidth
/// STREAM triad a[i] = b[i] + s * c[i] with the kernels' thread count; returns the best seconds of `reps`.
double st_stream_triad(int64_t n, int reps);
/// Best seconds of `reps` STREAM copy passes (a = b over n doubles, 16 B per element counted).
double st_stream_copy(int64_t n, int reps);

#ifdef __cplusplus
}
#endif
#endif
