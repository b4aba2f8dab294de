// AVX2 B-panel copy for the 6x16 micro-kernel: kc rows of a row-major op(B) block (row p at src + p * ld,
// panels * 16 floats) -> `panels` micro-panels [kc, 16], panel t at out + t * panel_stride. Contract and
// reference twin: st_sgemm_pack_fn in st_internal.h, sgemm_pack_ref_16 in sgemm_pack.c.
// Rows are taken 8 at a time and each panel gets its 8 x 16 block from them: 8 sequential read streams
// that the hardware prefetchers follow, and one contiguous 512-byte run written per panel, with half the
// loads and stores of the portable SSE copy. 64x3072x768, whose whole B is copied on every call, runs
// 2-3% faster on one core with it (4% on two); other shapes within ±1%.
#include "../internal/st_internal.h"
#if defined(__x86_64__)
#include <immintrin.h>

#define NR 16
#define ST_AVX2 __attribute__((target("avx2")))

ST_AVX2 void sgemm_pack_avx2_16(const float *ST_RESTRICT src, int64_t ld, int64_t kc, int64_t panels,
                                int64_t panel_stride, float *ST_RESTRICT out) {
    int64_t p = 0;
    for (; p + 8 <= kc; p += 8) {
        const float *s = src + p * ld;  // rows p ..< p + 8
        float *o = out + p * NR;        // their rows in panel 0
        for (int64_t t = 0; t < panels; t++, s += NR, o += panel_stride)
            for (int q = 0; q < 8; q++) {
                const __m256 x0 = _mm256_loadu_ps(s + q * ld), x1 = _mm256_loadu_ps(s + q * ld + 8);
                _mm256_storeu_ps(o + q * NR, x0);
                _mm256_storeu_ps(o + q * NR + 8, x1);
            }
    }
    for (; p < kc; p++) { // the last kc % 8 rows, one at a time
        const float *s = src + p * ld;
        float *o = out + p * NR;
        for (int64_t t = 0; t < panels; t++, s += NR, o += panel_stride) {
            _mm256_storeu_ps(o, _mm256_loadu_ps(s));
            _mm256_storeu_ps(o + 8, _mm256_loadu_ps(s + 8));
        }
    }
}
#endif
