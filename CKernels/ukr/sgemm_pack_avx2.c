// AVX2 B-panel copies: kc rows of a row-major op(B) block (row p at src + p * ld, panels * NR floats)
// -> `panels` micro-panels [kc, NR], panel t at out + t * panel_stride. Contract and reference twins:
// st_sgemm_pack_fn in st_internal.h, sgemm_pack_ref_{16,32} in sgemm_pack.c.
//   sgemm_pack_avx2_16: for the AVX2 6x16 micro-kernel;
//   sgemm_pack_avx2_32: for the AVX-512 12x32 one. A copy that streams B from memory gains nothing from
//   512-bit moves, and every AVX-512 CPU has AVX2, so this copy is AVX2 code: it runs and is tested on
//   any AVX2 machine.
// Rows are taken 8 at a time and each panel gets its 8 x NR block from them: 8 sequential read streams
// that the hardware prefetchers follow, and one contiguous 8 x NR run written per panel, with half the
// loads and stores of the portable SSE copy. 64x3072x768, whose whole B is copied on every call, runs
// 2-3% faster on one core with the 16-wide copy (4% on two); other shapes within ±1%.
#include "../internal/st_internal.h"
#if defined(__x86_64__)
#include <immintrin.h>

#define ST_AVX2 __attribute__((target("avx2")))

// One row's NR floats (nr / 8 vectors of 8), from s to o.
#define ST_COPY_ROW(o, s, nr)                                                                                \
    for (int v = 0; v < (nr) / 8; v++) _mm256_storeu_ps((o) + 8 * v, _mm256_loadu_ps((s) + 8 * v))

static inline __attribute__((always_inline)) ST_AVX2 void
pack_panels(const float *ST_RESTRICT src, int64_t ld, int64_t kc, int64_t panels, int64_t panel_stride,
            float *ST_RESTRICT out, const int nr) {
    int64_t p = 0;
    for (; p + 8 <= kc; p += 8) {
        const float *s = src + p * ld; // rows p ..< p + 8
        float *o = out + p * nr;       // their rows in panel 0
        for (int64_t t = 0; t < panels; t++, s += nr, o += panel_stride)
            for (int q = 0; q < 8; q++) ST_COPY_ROW(o + q * nr, s + q * ld, nr);
    }
    for (; p < kc; p++) { // the last kc % 8 rows, one at a time
        const float *s = src + p * ld;
        float *o = out + p * nr;
        for (int64_t t = 0; t < panels; t++, s += nr, o += panel_stride) ST_COPY_ROW(o, s, nr);
    }
}

ST_AVX2 void sgemm_pack_avx2_16(const float *ST_RESTRICT src, int64_t ld, int64_t kc, int64_t panels,
                                int64_t panel_stride, float *ST_RESTRICT out) {
    pack_panels(src, ld, kc, panels, panel_stride, out, 16);
}

ST_AVX2 void sgemm_pack_avx2_32(const float *ST_RESTRICT src, int64_t ld, int64_t kc, int64_t panels,
                                int64_t panel_stride, float *ST_RESTRICT out) {
    pack_panels(src, ld, kc, panels, panel_stride, out, 32);
}
#endif
