// Internal declarations shared by the C kernels (not part of the public module).
// Shape letters: M, N, K as in swifttorch_kernels.h; MR x NR is a micro-tile, MC/KC/NC cache blocks.
#ifndef ST_INTERNAL_H
#define ST_INTERNAL_H

#include "swifttorch_kernels.h"
#include <stddef.h>
#include <stdint.h>

#define ST_RESTRICT __restrict__
#define ST_ALIGN 64
/// Keeps the compiler from turning a function's copy/fill loops into memcpy/memset calls.
#if defined(__clang__)
#define ST_NO_MEMCPY __attribute__((no_builtin("memcpy"), no_builtin("memset")))
#else
#define ST_NO_MEMCPY __attribute__((optimize("no-tree-loop-distribute-patterns")))
#endif

// ---------------------------------------------------------------- errors
/// Records a printf-style message for st_last_error() and returns `code`.
st_status st_fail(st_status code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void st_clear_error(void);

// ---------------------------------------------------------------- the micro-kernel contract
// Every micro-kernel, whatever its ISA, computes one MR x NR tile
//     C[0:m, 0:n] := alpha * Ap * Bp + beta * C[0:m, 0:n]
// where
//   a:  A micro-panel [MR, k] read as a[i * rs_a + p * cs_a]: packed, (rs_a, cs_a) = (1, MR), every
//       column p of the panel contiguous; or straight from op(A) when packing does not pay
//       ((lda, 1) for row-major A, (1, lda) for a transposed one); all MR rows must be readable,
//   bp: B micro-panel [k, NR] read as bp[p * rs_b + j]: packed (rs_b = NR), or straight from a row-major
//       op(B) (rs_b = ldb) when each B value is used by a single row tile or all of B fits in half of L1,
//       so that packing would only copy it;
//       all NR columns must be readable (a short last column panel is always packed),
//   c:  row-major with row stride ldc and unit column stride,
//   1 <= m <= MR, 1 <= n <= NR, k >= 0; packed panels are zero-padded to MR / NR, and bp is aligned to
//   ST_ALIGN (panels are laid out with a stride rounded up to 16 floats).
// Edge policy (one for all kernels): every valid row gets the full tile's FMA sequence over all NR columns
// (a kernel may skip rows past m and vectors wholly past n: the AVX2 one runs max(m, 3) rows, the AVX-512
// one max(m, 4) rounded up to even, and one vector of 16 for n <= 16); only the valid m x n corner of C is
// loaded and stored, with the same arithmetic as a full tile, so a value of C does not depend on where
// tile boundaries fall (and so not on the thread count).
// beta == 0 means C is write-only: it is never read, so NaN/Inf already in C do not propagate.
typedef void (*st_sgemm_ukr_fn)(int64_t k, float alpha, const float *ST_RESTRICT a, int64_t rs_a, int64_t cs_a,
                                const float *ST_RESTRICT bp, int64_t rs_b, float beta, float *ST_RESTRICT c,
                                int64_t ldc, int64_t m, int64_t n);

// B-panel copy contract (the packing of a row-major op(B), the hot copy when B streams from memory):
//   src: kc rows of panels * NR floats, row p at src + p * ld (ld >= panels * NR),
//   out: `panels` micro-panels [kc, NR], panel t at out + t * panel_stride (panel_stride >= kc * NR), with
//        out[t * panel_stride + p * NR + j] = src[p * ld + t * NR + j]; nothing else is written.
// Only full panels: the zero-padded last panel of a block is the loop framework's (sgemm_pack.c).
typedef void (*st_sgemm_pack_fn)(const float *ST_RESTRICT src, int64_t ld, int64_t kc, int64_t panels,
                                 int64_t panel_stride, float *ST_RESTRICT out);

// Narrow-product kernel contract (sgemm_narrow.c, for C with N <= 16 columns):
//   C[i, 0:n] := alpha * y[i, 0:n] + beta * C[i, 0:n]   for i < m, 1 <= n <= 16 (C row stride ldc),
//   y[i, j] = sum over p < k of a[i * lda + p] * B(p, j),
// with op(B) packed by st_pack_narrow in chunks of 16 k steps: B(p, j) = bp[(p / 16 * n + j) * 16 + p % 16],
// zero past k, 64-byte aligned. Each sum is taken as 16 lane partials (lane q: p = q, q + 16, ... in order,
// by FMA), then the lanes are added pairwise: q + 8, q + 4, q + 2, q + 1; then t = alpha * y and, unless
// beta == 0 (C not read), C = fma(beta, C, t). Reads only the k floats of each row of A; writes only C[0:m, 0:n].
typedef void (*st_sgemm_narrow_fn)(int64_t k, int64_t m, int64_t n, float alpha, const float *a, int64_t lda,
                                   const float *bp, float beta, float *c, int64_t ldc);
void sgemm_narrow_ref(int64_t, int64_t, int64_t, float, const float *, int64_t, const float *, float, float *, int64_t);
/// op(B) [K, N], element (p, j) at b[p * rs + j * cs] -> the narrow kernels' layout [ceil(K/16), N, 16].
void st_pack_narrow(const float *b, int64_t rs, int64_t cs, int64_t k, int64_t n, float *ST_RESTRICT out);
#if defined(__x86_64__)
void sgemm_narrow_avx512(int64_t, int64_t, int64_t, float, const float *, int64_t, const float *, float, float *, int64_t);
#endif

typedef struct {
    const char *name;        // e.g. "sgemm_ukr_avx2_6x16"
    st_isa isa;
    int64_t mr, nr;
    st_sgemm_ukr_fn kernel;  // the SIMD kernel (or the reference, for ST_ISA_SCALAR)
    st_sgemm_ukr_fn reference; // its portable twin with the same MR x NR: fallback and test oracle
    st_sgemm_pack_fn pack_b; // the B-panel copy for this NR (SIMD where one exists)
    st_sgemm_pack_fn pack_b_reference; // its portable twin
    st_isa pack_b_isa;       // what pack_b needs, at most the kernel's ISA (the AVX-512 entry's copy is AVX2)
    st_sgemm_narrow_fn narrow; // the narrow-product kernel (sgemm_narrow.c), NULL where the ISA has none
} st_sgemm_ukr_desc;

/// The micro-kernel table entry for an ISA (never NULL: falls back to the scalar entry).
const st_sgemm_ukr_desc *st_sgemm_ukr_for(st_isa isa);

// Micro-kernels (one per ISA and tile shape) and their reference twins.
void sgemm_ukr_ref_4x8(int64_t, float, const float *, int64_t, int64_t, const float *, int64_t, float, float *, int64_t, int64_t, int64_t);
void sgemm_ukr_ref_6x16(int64_t, float, const float *, int64_t, int64_t, const float *, int64_t, float, float *, int64_t, int64_t, int64_t);
void sgemm_ukr_ref_12x32(int64_t, float, const float *, int64_t, int64_t, const float *, int64_t, float, float *, int64_t, int64_t, int64_t);
void sgemm_ukr_ref_8x12(int64_t, float, const float *, int64_t, int64_t, const float *, int64_t, float, float *, int64_t, int64_t, int64_t);
#if defined(__x86_64__)
void sgemm_ukr_avx2_6x16(int64_t, float, const float *, int64_t, int64_t, const float *, int64_t, float, float *, int64_t, int64_t, int64_t);
void sgemm_ukr_avx512_12x32(int64_t, float, const float *, int64_t, int64_t, const float *, int64_t, float, float *, int64_t, int64_t, int64_t);
#endif
// B-panel copies (st_sgemm_pack_fn) for each NR, and their SIMD versions.
void sgemm_pack_ref_8(const float *, int64_t, int64_t, int64_t, int64_t, float *);
void sgemm_pack_ref_12(const float *, int64_t, int64_t, int64_t, int64_t, float *);
void sgemm_pack_ref_16(const float *, int64_t, int64_t, int64_t, int64_t, float *);
void sgemm_pack_ref_32(const float *, int64_t, int64_t, int64_t, int64_t, float *);
#if defined(__x86_64__)
void sgemm_pack_avx2_16(const float *, int64_t, int64_t, int64_t, int64_t, float *);
void sgemm_pack_avx2_32(const float *, int64_t, int64_t, int64_t, int64_t, float *);
#endif
#if defined(__aarch64__)
void sgemm_ukr_neon_8x12(int64_t, float, const float *, int64_t, int64_t, const float *, int64_t, float, float *, int64_t, int64_t, int64_t);
#endif

// ---------------------------------------------------------------- packing
// Element (i, p) of op(A) and (p, j) of op(B), for row-major storage.
static inline float st_op_a(const float *a, int64_t lda, st_trans ta, int64_t i, int64_t p) {
    return ta == ST_NO_TRANS ? a[i * lda + p] : a[p * lda + i];
}
static inline float st_op_b(const float *b, int64_t ldb, st_trans tb, int64_t p, int64_t j) {
    return tb == ST_NO_TRANS ? b[p * ldb + j] : b[j * ldb + p];
}

/// out[p * ldo + r] = src[r * ld + p] for r < rows, p < cols: `rows` stored rows become columns (SSE 4 x 4
/// blocks on x86-64). The packing of row-major A and of B^T, and the swapped SGEMM's C = T^T.
void st_transpose(const float *src, int64_t ld, int64_t rows, int64_t cols, float *ST_RESTRICT out, int64_t ldo);
/// Packs op(A)[i0 : i0+mc, p0 : p0+kc] into ceil(mc/mr) micro-panels [kc, mr], zero-padding rows past mc.
void st_pack_a(const float *a, int64_t lda, st_trans ta, int64_t i0, int64_t p0,
               int64_t mc, int64_t kc, int64_t mr, float *ST_RESTRICT ap);
/// Packs micro-panels jp0 <= jp < jp1 of op(B)[p0 : p0+kc, j0 : j0+nc], each [kc, NR] for the kernel's NR,
/// into bp (panel jp at bp + jp * panel_stride, panel_stride >= kc * NR), zero-padding columns past nc.
/// A row-major op(B)'s full panels go through ukr->pack_b.
void st_pack_b(const st_sgemm_ukr_desc *ukr, const float *b, int64_t ldb, st_trans tb, int64_t p0, int64_t j0,
               int64_t kc, int64_t nc, int64_t jp0, int64_t jp1, int64_t panel_stride, float *ST_RESTRICT bp);

/// The blocking for a micro-kernel table entry: derived from the caches, then the overrides.
st_blocking st_blocking_for(const st_sgemm_ukr_desc *ukr);

// ---------------------------------------------------------------- implementations (arguments validated)
void st_sgemm_naive(st_trans ta, st_trans tb, int64_t m, int64_t n, int64_t k, float alpha,
                    const float *a, int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc);
void st_sgemm_tiled(st_trans ta, st_trans tb, int64_t m, int64_t n, int64_t k, float alpha,
                    const float *a, int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc);
st_status st_sgemm_packed(st_trans ta, st_trans tb, int64_t m, int64_t n, int64_t k, float alpha,
                          const float *a, int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc);

/// C[M, N] := beta * C (beta == 0 writes zeros without reading C).
void st_scale_matrix(int64_t m, int64_t n, float beta, float *c, int64_t ldc);

// ---------------------------------------------------------------- GEMV (sgemv.c, ukr/sgemv_kernels.c)
/// Matrix-vector kernels of one ISA: rows form acc[0:l] += Σ_p x[p]·mat[p, 0:l] (acc zeroed by the caller),
/// dots form out[j] = Σ_p x[p]·mat[j, p]; mat rows at stride ldm.
typedef struct {
    void (*rows)(int64_t k, int64_t l, const float *x, const float *mat, int64_t ldm, float *acc);
    void (*dots)(int64_t k, int64_t l, const float *x, const float *mat, int64_t ldm, float *out);
} st_sgemv_kernels;
st_sgemv_kernels st_sgemv_kernels_for(st_isa isa);
/// 1 for the shapes st_sgemv computes (M = 1 or N = 1).
int st_sgemv_shape(int64_t m, int64_t n);
/// C = alpha · op(A) · op(B) + beta · C for M = 1 or N = 1 (arguments validated, alpha != 0, K > 0).
st_status st_sgemv(st_trans ta, st_trans tb, int64_t m, int64_t n, int64_t k, float alpha, const float *a,
                   int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc);
/// 1 when st_sgemm_narrow computes this product with kernel d: it has a narrow kernel, row-major op(A),
/// M >= 2, 2 <= N <= min(16, NR / 2), K >= 64 and N·K <= 8192 (sgemm_narrow.c).
int st_sgemm_narrow_shape(const st_sgemm_ukr_desc *d, st_trans ta, int64_t m, int64_t n, int64_t k);
/// C = alpha · op(A) · op(B) + beta · C with the narrow kernel of d (arguments validated, alpha != 0).
st_status st_sgemm_narrow(const st_sgemm_ukr_desc *d, st_trans tb, int64_t m, int64_t n, int64_t k, float alpha,
                          const float *a, int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc);

/// Runs worker(ctx, t, nt) for t = 0..<nt on a team of nt threads (nt as OpenMP grants it), or once on the
/// calling thread (t = 0, nt = 1) when nt <= 1 or the build has no OpenMP.
void st_run_team(int nt, void (*worker)(const void *ctx, int t, int nt), const void *ctx);

// ---------------------------------------------------------------- OpenMP (omp.h is not on the Swift toolchain's path)
#ifdef ST_HAVE_OPENMP
int omp_get_max_threads(void);
int omp_get_thread_num(void);
int omp_get_num_threads(void);
#endif

// ---------------------------------------------------------------- time
#include <time.h>
/// Monotonic wall-clock seconds (the roofline's measurements).
static inline double st_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

// ---------------------------------------------------------------- aligned buffers
void *st_aligned_alloc(size_t bytes);
void st_aligned_free(void *p);

#endif
