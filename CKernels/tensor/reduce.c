// Reductions over the middle axis of [O, R, I]: sum, max, min, argmax, argmin (internal/reduce_impl.h).
#include "../internal/st_internal.h"
#include "../internal/st_iter.h"
#include "swifttorch_tensor.h"
#include <stdlib.h>

#define IS_INT 0
#define T float
#define SFX f32
#define ACC double
#include "../internal/reduce_impl.h"
#undef T
#undef SFX
#undef ACC
#define T double
#define SFX f64
#define ACC double
#include "../internal/reduce_impl.h"
#undef T
#undef SFX
#undef ACC
#undef IS_INT
#define IS_INT 1
#define T int32_t
#define SFX i32
#define ACC int64_t
#include "../internal/reduce_impl.h"
#undef T
#undef SFX
#undef ACC
#define T int64_t
#define SFX i64
#define ACC int64_t
#include "../internal/reduce_impl.h"
#undef T
#undef SFX
#undef ACC

void st_reduce(st_reduce_op op, st_dtype dtype, int64_t O, int64_t R, int64_t I, const void *x, void *out) {
    switch (dtype) {
    case ST_F32: reduce_f32(op, O, R, I, x, out); break;
    case ST_F64: reduce_f64(op, O, R, I, x, out); break;
    case ST_I32: reduce_i32(op, O, R, I, x, out); break;
    case ST_I64: reduce_i64(op, O, R, I, x, out); break;
    }
}

void st_reduce_sum_outer_inner(st_dtype dtype, int64_t A, int64_t K, int64_t B, const void *x, void *out) {
    switch (dtype) {
    case ST_F32: sum_outer_inner_f32(A, K, B, x, out); break;
    case ST_F64: sum_outer_inner_f64(A, K, B, x, out); break;
    case ST_I32: sum_outer_inner_i32(A, K, B, x, out); break;
    case ST_I64: sum_outer_inner_i64(A, K, B, x, out); break;
    }
}
