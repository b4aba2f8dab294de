// Preamble of the per-dtype templates (internal/elementwise_impl.h, internal/reduce_impl.h), included at
// the top of each, once per instantiation: name pasting, and a NaN test that is 0 for integer types.
// No include guard on purpose: IS_NAN follows the IS_INT of each instantiation.
#ifndef CAT
#define CAT2(a, b) a##_##b
#define CAT(a, b) CAT2(a, b)
#endif
#undef IS_NAN
#if IS_INT
#define IS_NAN(v) 0
#else
#define IS_NAN(v) ((v) != (v))
#endif
