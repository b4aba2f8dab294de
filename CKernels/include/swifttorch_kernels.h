// SwiftTorch C kernels: the public C API.
//
// Shape letters used in this file (row-major storage everywhere):
//   M  rows of op(A) and of C
//   N  columns of op(B) and of C
//   K  the shared (inner) dimension
//   C[M, N] := alpha * op(A)[M, K] * op(B)[K, N] + beta * C[M, N]
#ifndef SWIFTTORCH_KERNELS_H
#define SWIFTTORCH_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// ---------------------------------------------------------------- status
typedef enum {
    ST_OK = 0,
    ST_ERR_ARGUMENT = 1,      // a bad size, leading dimension, pointer or enum value
    ST_ERR_ALLOCATION = 2,    // workspace allocation failed
    ST_ERR_UNSUPPORTED = 3,   // e.g. an ISA this CPU does not have
} st_status;

/// Message describing the last error on the calling thread ("" when none).
const char *st_last_error(void);

// ---------------------------------------------------------------- SGEMM
typedef enum { ST_NO_TRANS = 0, ST_TRANS = 1 } st_trans;

typedef enum {
    ST_SGEMM_NAIVE = 0,   // textbook triple loop: the reference and oracle
    ST_SGEMM_TILED = 1,   // cache-blocked loops with a vectorizable inner loop, no packing
    ST_SGEMM_PACKED = 2,  // BLIS five-loop algorithm with packed panels and SIMD micro-kernels
} st_sgemm_impl;

/// Row-major SGEMM: C := alpha * op(A) * op(B) + beta * C.
///   A: [M, K] with row stride lda (or [K, M] when ta == ST_TRANS)
///   B: [K, N] with row stride ldb (or [N, K] when tb == ST_TRANS)
///   C: [M, N] with row stride ldc
/// beta == 0 overwrites C (NaN/Inf in C do not propagate); alpha == 0 or K == 0 never reads A or B.
/// Returns ST_OK, or an error code with a message in st_last_error(); C is untouched on error.
st_status st_sgemm(st_sgemm_impl impl, st_trans ta, st_trans tb,
                   int64_t m, int64_t n, int64_t k,
                   float alpha, const float *a, int64_t lda,
                   const float *b, int64_t ldb,
                   float beta, float *c, int64_t ldc);

/// The tiled implementation's square tile T: the largest multiple of 16 with 3 * T^2 * 4 bytes <= L2.
int64_t st_tiled_tile_size(void);

/// Name of an implementation ("naive", "tiled", "packed"), NULL if out of range.
const char *st_sgemm_impl_name(st_sgemm_impl impl);

// ---------------------------------------------------------------- ISA dispatch
typedef enum {
    ST_ISA_SCALAR = 0,   // portable reference kernels
    ST_ISA_AVX2 = 1,     // x86-64 AVX2 + FMA
    ST_ISA_AVX512 = 2,   // x86-64 AVX-512F
    ST_ISA_NEON = 3,     // AArch64 Advanced SIMD
    ST_ISA_COUNT = 4
} st_isa;

/// 1 when this CPU (and build) can run kernels for `isa`.
int st_isa_supported(st_isa isa);
/// The best ISA this CPU supports.
st_isa st_isa_best(void);
/// The ISA kernels use now: SWIFTTORCH_ISA=scalar|avx2|avx512|neon at start-up, else the best.
st_isa st_isa_active(void);
/// Select the ISA kernels use (for tests and benchmarks). ST_ERR_UNSUPPORTED if the CPU lacks it.
st_status st_isa_set(st_isa isa);
const char *st_isa_name(st_isa isa);
/// Parses "scalar", "avx2", "avx512", "neon"; returns -1 for anything else.
int st_isa_from_name(const char *name);

// ---------------------------------------------------------------- threads
/// 1 when built with OpenMP (the "OpenMP" package trait).
int st_openmp_enabled(void);
/// Threads kernels use: set by st_set_num_threads, else OMP_NUM_THREADS, else all cores (1 without OpenMP).
int st_get_num_threads(void);
/// n <= 0 restores the default.
void st_set_num_threads(int n);

// ---------------------------------------------------------------- caches and blocking
typedef struct {
    int64_t size;          // bytes
    int64_t line;          // bytes
    int64_t associativity; // ways (0 = unknown, -1 = fully associative)
} st_cache_level;

typedef enum { ST_CACHE_DEFAULTS = 0, ST_CACHE_SYSFS = 1, ST_CACHE_HWLOC = 2 } st_cache_source;

typedef struct {
    st_cache_level l1d, l2, l3;
    st_cache_source source;
} st_cache_info;

/// The packed SGEMM's blocking: micro-tile MR x NR and cache blocks MC x KC (A, in L2), KC x NC (B, in L3).
typedef struct {
    int64_t mr, nr;
    int64_t mc, kc, nc;
} st_blocking;

/// Cache geometry of this machine (hwloc, else /sys, else compiled defaults); cached after the first call.
st_cache_info st_cache_detect(void);
/// How many items of item_bytes each fit in half of L2, clamped to [1, count]: the group size of kernels that
/// work on a few images at a time so that what one step writes is still in L2 when the next reads it.
int64_t st_cache_half_l2_items(int64_t item_bytes, int64_t count);
/// Replaces absurd or missing values (size <= 0, non-power-of-two line, ...) by compiled defaults.
st_cache_info st_cache_sanitize(st_cache_info info);
/// `info` with what it lacks taken from `from`: a level of size <= 0 entirely, else a line <= 0 and an
/// associativity of 0 (unknown). Detection completes hwloc's answer from /sys this way.
st_cache_info st_cache_fill_missing(st_cache_info info, st_cache_info from);
/// Analytical blocking for a micro-tile mr x nr on the given caches (pure; no environment).
st_blocking st_blocking_derive(st_cache_info caches, int64_t mr, int64_t nr);
/// The blocking the packed SGEMM uses now: derived for the active micro-kernel, then
/// SWIFTTORCH_MC / SWIFTTORCH_KC / SWIFTTORCH_NC environment overrides, then st_blocking_set overrides.
st_blocking st_blocking_active(void);
/// Override MC, KC, NC (values <= 0 keep the derived value; mr/nr are ignored). Rounded to multiples of MR/NR.
void st_blocking_set(st_blocking overrides);
/// Drop st_blocking_set overrides.
void st_blocking_reset(void);
/// Packing of the A block in the packed SGEMM: -1 automatic (default: pack when the block feeds enough
/// B micro-panels), 0 never (the micro-kernel reads op(A) in place), 1 always. For tests and benchmarks.
void st_sgemm_set_pack_a(int mode);
int st_sgemm_get_pack_a(void);
/// Packing of B: -1 automatic (default: when M <= MR and op(B) is row-major, the micro-kernel reads B in
/// place and packs only a short last column panel), 1 always. Results are identical. For tests and benchmarks.
void st_sgemm_set_pack_b(int mode);
int st_sgemm_get_pack_b(void);
/// Name of the active micro-kernel, e.g. "sgemm_ukr_avx2_6x16".
const char *st_sgemm_ukr_name(void);

// ---------------------------------------------------------------- micro-kernel testing
/// Runs the active ISA's micro-kernel (simd != 0) or its portable reference twin (simd == 0) on packed
/// panels: ap [k, MR], bp [k, NR], writing the valid m x n corner of c (row stride ldc).
st_status st_sgemm_ukr_run(int simd, int64_t k, float alpha, const float *ap, const float *bp,
                           float beta, float *c, int64_t ldc, int64_t m, int64_t n);
/// The micro-tile MR x NR of `isa`'s micro-kernel (either pointer may be NULL); ST_ERR_UNSUPPORTED when this
/// build has no micro-kernel for `isa` (NEON on x86-64, AVX2 and AVX-512 on arm64).
st_status st_sgemm_ukr_tile(st_isa isa, int64_t *mr, int64_t *nr);
/// Runs the B-panel copy of `isa`'s micro-kernel (simd != 0) or its portable reference twin (simd == 0):
/// kc rows of panels * NR floats (row p at src + p * ld) -> `panels` micro-panels [kc, NR], panel t at
/// out + t * panel_stride. Needs ld >= panels * NR and panel_stride >= kc * NR. A SIMD copy can need less
/// than its kernel (the AVX-512 kernel's copy is AVX2 code); ST_ERR_UNSUPPORTED when this CPU cannot run
/// it or the build has no micro-kernel for `isa`.
st_status st_sgemm_pack_run(st_isa isa, int simd, const float *src, int64_t ld, int64_t kc, int64_t panels,
                            int64_t panel_stride, float *out);
/// Runs the narrow-product kernel of `isa` (simd != 0) or its portable reference twin (simd == 0):
/// C [m, n] := alpha * A [m, k] · B [k, n] + beta * C (row strides lda >= k, ldb >= n, ldc >= n),
/// 1 <= n <= 16; B is packed first. The twin runs for any ISA with a micro-kernel in this build;
/// ST_ERR_UNSUPPORTED when simd != 0 and `isa` has no narrow kernel (only AVX-512 has one) or this CPU
/// cannot run it.
st_status st_sgemm_narrow_run(st_isa isa, int simd, int64_t k, int64_t m, int64_t n, float alpha, const float *a,
                              int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc);

#ifdef __cplusplus
}
#endif
#endif
