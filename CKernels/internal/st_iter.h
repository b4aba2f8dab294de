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

/// Shares the `for` loop that follows among `n` OpenMP threads in fixed static chunks (one thread when
/// n <= 1 or without OpenMP), so a result never depends on the thread count.
#define ST_PRAGMA(x) _Pragma(#x)
#ifdef ST_HAVE_OPENMP
#define ST_PARALLEL_FOR(n) ST_PRAGMA(omp parallel for schedule(static) num_threads(n) if ((n) > 1))
#else
#define ST_PARALLEL_FOR(n) (void)(n);
#endif

/// Threads for a loop of `work` elements (1 below ST_PARALLEL_MIN or without OpenMP).
int st_threads_for(int64_t work);

/// One float32 softmax row with the best SIMD kernel (tensor/vexp.c); 0 when this ISA has none.
int st_softmax_row_f32_simd(int log_form, int64_t n, const float *x, float *y);

#endif
