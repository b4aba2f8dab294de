// The strided iterator every elementwise kernel runs on.
//
// An N-D loop over `shape` with up to ST_ITER_MAX_OPS operands, each with its own element strides.
// The last dimension is the row a row function processes in one call; rows (and long rows cut into
// chunks) are shared among OpenMP threads when the loop is large enough. Each operand's row pointer
// is computed from the row index, so the work split never changes a result.
#ifndef ST_ITER_H
#define ST_ITER_H

#include <stddef.h>
#include <stdint.h>

#define ST_ITER_MAX_OPS 4
/// Elements below which a loop stays on one thread (thread start-up costs more than the work).
#define ST_PARALLEL_MIN 32768
/// Long rows are cut into chunks of this many elements so one row can use all threads.
#define ST_ROW_CHUNK 16384

typedef struct {
    int nops;
    int ndim;                              // >= 0; 0 is a single element
    const int64_t *shape;                  // [ndim]
    char *base[ST_ITER_MAX_OPS];           // first element of each operand
    size_t esize[ST_ITER_MAX_OPS];         // bytes per element of each operand
    const int64_t *strides[ST_ITER_MAX_OPS]; // [ndim] element strides of each operand
} st_iter;

/// Processes `n` elements of one row: operand k starts at ptrs[k] and steps by step[k] elements.
typedef void (*st_row_fn)(const void *ctx, int64_t n, char *const *ptrs, const int64_t *step);

/// Runs `fn` over every row of the iteration space.
void st_iter_run(const st_iter *it, st_row_fn fn, const void *ctx);

/// ST_FOR(threads, t, count, body...) runs `body` for int64_t t in [0, count): shared among `threads`
/// OpenMP threads in fixed static chunks when threads > 1, so a result never depends on the thread
/// count; a plain loop otherwise, with no call into the OpenMP runtime (libomp's serialized region
/// costs more than a small op's whole kernel).
#define ST_PRAGMA(x) _Pragma(#x)
#ifdef ST_HAVE_OPENMP
#define ST_OMP_FOR(threads) ST_PRAGMA(omp parallel for schedule(static) num_threads(threads))
#else
#define ST_OMP_FOR(threads)
#endif
#define ST_FOR(threads, t, count, ...)                                                          \
    do {                                                                                        \
        const int64_t st_count_ = (count);                                                      \
        const int st_threads_ = (threads);                                                      \
        if (st_threads_ > 1) {                                                                  \
            ST_OMP_FOR(st_threads_)                                                             \
            for (int64_t t = 0; t < st_count_; t++) { __VA_ARGS__ }                             \
        } else {                                                                                \
            for (int64_t t = 0; t < st_count_; t++) { __VA_ARGS__ }                             \
        }                                                                                       \
    } while (0)

/// Threads for a loop of `work` elements (1 below ST_PARALLEL_MIN or without OpenMP).
int st_threads_for(int64_t work);

/// One float32 softmax row with the best SIMD kernel (tensor/vexp.c); 0 when this ISA has none. When
/// given, *max_out receives the row's max and *sum_out the sum of exp(x - max).
int st_softmax_row_f32_simd(int log_form, int64_t n, const float *x, float *y, float *max_out, double *sum_out);

#endif
