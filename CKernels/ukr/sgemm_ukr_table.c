// The micro-kernel table: one entry per ISA, each a SIMD kernel and its portable reference twin.
#include "../internal/st_internal.h"
#include <stdlib.h>

static const st_sgemm_ukr_desc st_ukr_table[ST_ISA_COUNT] = {
    [ST_ISA_SCALAR] = {"sgemm_ukr_ref_4x8", ST_ISA_SCALAR, 4, 8, sgemm_ukr_ref_4x8, sgemm_ukr_ref_4x8,
                       sgemm_pack_ref_8, sgemm_pack_ref_8, ST_ISA_SCALAR},
#if defined(__x86_64__)
    [ST_ISA_AVX2] = {"sgemm_ukr_avx2_6x16", ST_ISA_AVX2, 6, 16, sgemm_ukr_avx2_6x16, sgemm_ukr_ref_6x16,
                     sgemm_pack_avx2_16, sgemm_pack_ref_16, ST_ISA_AVX2},
    [ST_ISA_AVX512] = {"sgemm_ukr_avx512_12x32", ST_ISA_AVX512, 12, 32, sgemm_ukr_avx512_12x32, sgemm_ukr_ref_12x32,
                       sgemm_pack_avx2_32, sgemm_pack_ref_32, ST_ISA_AVX2, sgemm_narrow_avx512},
#endif
#if defined(__aarch64__)
    [ST_ISA_NEON] = {"sgemm_ukr_neon_8x12", ST_ISA_NEON, 8, 12, sgemm_ukr_neon_8x12, sgemm_ukr_ref_8x12,
                     sgemm_pack_ref_12, sgemm_pack_ref_12, ST_ISA_NEON},
#endif
};

const st_sgemm_ukr_desc *st_sgemm_ukr_for(st_isa isa) {
    if (isa < 0 || isa >= ST_ISA_COUNT || st_ukr_table[isa].kernel == NULL) return &st_ukr_table[ST_ISA_SCALAR];
    return &st_ukr_table[isa];
}

const char *st_sgemm_ukr_name(void) { return st_sgemm_ukr_for(st_isa_active())->name; }

st_status st_sgemm_ukr_run(int simd, int64_t k, float alpha, const float *ap, const float *bp, float beta,
                           float *c, int64_t ldc, int64_t m, int64_t n) {
    const st_sgemm_ukr_desc *d = st_sgemm_ukr_for(st_isa_active());
    if (k < 0 || m < 1 || m > d->mr || n < 1 || n > d->nr || ldc < n || ap == NULL || bp == NULL || c == NULL)
        return st_fail(ST_ERR_ARGUMENT, "sgemm_ukr_run: need k >= 0, 1 <= m <= %lld, 1 <= n <= %lld, ldc >= n and "
                       "non-null panels (got k = %lld, m = %lld, n = %lld, ldc = %lld)",
                       (long long)d->mr, (long long)d->nr, (long long)k, (long long)m, (long long)n, (long long)ldc);
    if (((uintptr_t)ap | (uintptr_t)bp) % ST_ALIGN != 0)
        return st_fail(ST_ERR_ARGUMENT, "sgemm_ukr_run: packed panels must be %d-byte aligned", ST_ALIGN);
    (simd ? d->kernel : d->reference)(k, alpha, ap, 1, d->mr, bp, d->nr, beta, c, ldc, m, n);
    return ST_OK;
}

st_status st_sgemm_ukr_tile(st_isa isa, int64_t *mr, int64_t *nr) {
    if (isa < 0 || isa >= ST_ISA_COUNT || st_ukr_table[isa].kernel == NULL)
        return st_fail(ST_ERR_UNSUPPORTED, "sgemm_ukr_tile: this build has no micro-kernel for ISA %d", (int)isa);
    if (mr != NULL) *mr = st_ukr_table[isa].mr;
    if (nr != NULL) *nr = st_ukr_table[isa].nr;
    return ST_OK;
}

st_status st_sgemm_pack_run(st_isa isa, int simd, const float *src, int64_t ld, int64_t kc, int64_t panels,
                            int64_t panel_stride, float *out) {
    st_status s = st_sgemm_ukr_tile(isa, NULL, NULL);
    if (s != ST_OK) return s;
    const st_sgemm_ukr_desc *d = &st_ukr_table[isa];
    if (simd && !st_isa_supported(d->pack_b_isa))
        return st_fail(ST_ERR_UNSUPPORTED, "sgemm_pack_run: the B-panel copy of %s needs an ISA this CPU lacks",
                       d->name);
    if (kc < 0 || panels < 0 || ld < panels * d->nr || panel_stride < kc * d->nr ||
        (kc > 0 && panels > 0 && (src == NULL || out == NULL)))
        return st_fail(ST_ERR_ARGUMENT, "sgemm_pack_run: need kc >= 0, panels >= 0, ld >= panels * %lld, "
                       "panel_stride >= kc * %lld and non-null buffers (got kc = %lld, panels = %lld, ld = %lld, "
                       "panel_stride = %lld)", (long long)d->nr, (long long)d->nr, (long long)kc, (long long)panels,
                       (long long)ld, (long long)panel_stride);
    if (kc > 0 && panels > 0) (simd ? d->pack_b : d->pack_b_reference)(src, ld, kc, panels, panel_stride, out);
    return ST_OK;
}

st_status st_sgemm_narrow_run(st_isa isa, int simd, int64_t k, int64_t m, int64_t n, float alpha, const float *a,
                              int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc) {
    st_status s = st_sgemm_ukr_tile(isa, NULL, NULL);
    if (s != ST_OK) return s;
    const st_sgemm_ukr_desc *d = &st_ukr_table[isa];
    if (simd && (d->narrow == NULL || !st_isa_supported(isa))) // the portable twin runs anywhere
        return st_fail(ST_ERR_UNSUPPORTED, "sgemm_narrow_run: %s has no narrow kernel this CPU can run", d->name);
    if (k < 0 || m < 0 || n < 1 || n > 16 || lda < k || ldb < n || ldc < n ||
        (m > 0 && (a == NULL || b == NULL || c == NULL)))
        return st_fail(ST_ERR_ARGUMENT, "sgemm_narrow_run: need k >= 0, m >= 0, 1 <= n <= 16, lda >= k, ldb >= n, "
                       "ldc >= n and non-null buffers (got k = %lld, m = %lld, n = %lld, lda = %lld, ldb = %lld, "
                       "ldc = %lld)", (long long)k, (long long)m, (long long)n, (long long)lda, (long long)ldb,
                       (long long)ldc);
    if (m == 0) return ST_OK;
    float *bp = aligned_alloc(ST_ALIGN, (size_t)(((k + 15) / 16 * n * 16 + 16) * sizeof(float)));
    if (bp == NULL) return st_fail(ST_ERR_ALLOCATION, "sgemm_narrow_run: out of memory");
    st_pack_narrow(b, ldb, 1, k, n, bp);
    (simd ? d->narrow : sgemm_narrow_ref)(k, m, n, alpha, a, lda, bp, beta, c, ldc);
    free(bp);
    return ST_OK;
}
