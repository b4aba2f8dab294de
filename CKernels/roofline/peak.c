// Peak arithmetic throughput: the horizontal roofs.
//
// An FMA unit starts one FMA per cycle but a dependent FMA waits for its input (latency L cycles, 3-5 on
// current cores). With P FMA pipes, at least P * L independent accumulator chains keep every pipe busy;
// each kernel runs more chains than that (12 ymm, 20 zmm, 20 NEON q, 16 scalar). One round of CH chains of
// a W-lane register is CH * W * 2 FLOPs. The accumulators converge (acc = acc * a + b with a < 1), so
// values stay normal numbers and no denormal slow path can spoil the figure.
//
// INT8: vpdpbusd multiplies 64 u8 x s8 pairs and adds them in groups of four into 16 int32 lanes,
// 128 operations counted as 2 per byte product (multiply and add), like an FMA's two FLOPs.
#include "../internal/st_internal.h"
#include "swifttorch_roofline.h"
#if defined(__x86_64__)
#include <immintrin.h>
#endif
#if defined(__aarch64__)
#include <arm_neon.h>
#endif

// ---------------------------------------------------------------- per-thread kernels (return a checksum)
// The portable twin must stay scalar: an empty asm that takes each accumulator in a scalar register keeps
// the compiler from packing the 16 chains into SIMD registers (it would otherwise, and "scalar" would
// measure SSE or NEON).
#if defined(__x86_64__)
#define ST_SCALAR_REG(v) __asm__ volatile("" : "+x"(v))
#elif defined(__aarch64__)
#define ST_SCALAR_REG(v) __asm__ volatile("" : "+w"(v))
#else
#define ST_SCALAR_REG(v) __asm__ volatile("" : "+r"(v))
#endif
#define REF_CHAINS 16
static float fma_ref(int64_t iters, float seed) {
    float acc[REF_CHAINS];
    for (int c = 0; c < REF_CHAINS; c++) acc[c] = seed + (float)c;
    const float a = 0.999999f, b = 1e-6f;
    for (int64_t i = 0; i < iters; i++)
        for (int c = 0; c < REF_CHAINS; c++) {
            acc[c] = acc[c] * a + b;
            ST_SCALAR_REG(acc[c]);
        }
    float s = 0;
    for (int c = 0; c < REF_CHAINS; c++) s += acc[c];
    return s;
}

#if defined(__x86_64__)
#define AVX2_CHAINS 12
__attribute__((target("avx2,fma"))) static float fma_avx2(int64_t iters, float seed) {
    __m256 acc[AVX2_CHAINS];
    for (int c = 0; c < AVX2_CHAINS; c++) acc[c] = _mm256_set1_ps(seed + (float)c);
    const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-6f);
    for (int64_t i = 0; i < iters; i++)
        for (int c = 0; c < AVX2_CHAINS; c++) acc[c] = _mm256_fmadd_ps(acc[c], a, b);
    for (int c = 1; c < AVX2_CHAINS; c++) acc[0] = _mm256_add_ps(acc[0], acc[c]);
    float out[8];
    _mm256_storeu_ps(out, acc[0]);
    return out[0] + out[7];
}

#define AVX512_CHAINS 20
__attribute__((target("avx512f"))) static float fma_avx512(int64_t iters, float seed) {
    __m512 acc[AVX512_CHAINS];
    for (int c = 0; c < AVX512_CHAINS; c++) acc[c] = _mm512_set1_ps(seed + (float)c);
    const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-6f);
    for (int64_t i = 0; i < iters; i++)
        for (int c = 0; c < AVX512_CHAINS; c++) acc[c] = _mm512_fmadd_ps(acc[c], a, b);
    for (int c = 1; c < AVX512_CHAINS; c++) acc[0] = _mm512_add_ps(acc[0], acc[c]);
    return _mm512_reduce_add_ps(acc[0]);
}

#define VNNI_CHAINS 20
__attribute__((target("avx512f,avx512vnni"))) static float dot_vnni(int64_t iters, float seed) {
    __m512i acc[VNNI_CHAINS];
    for (int c = 0; c < VNNI_CHAINS; c++) acc[c] = _mm512_set1_epi32((int)seed + c);
    const __m512i a = _mm512_set1_epi8(3), b = _mm512_set1_epi8(-2); // wraps harmlessly in int32
    for (int64_t i = 0; i < iters; i++)
        for (int c = 0; c < VNNI_CHAINS; c++) acc[c] = _mm512_dpbusd_epi32(acc[c], a, b);
    for (int c = 1; c < VNNI_CHAINS; c++) acc[0] = _mm512_add_epi32(acc[0], acc[c]);
    return (float)_mm512_reduce_add_epi32(acc[0]);
}
#endif

#if defined(__aarch64__)
#define NEON_CHAINS 20
static float fma_neon(int64_t iters, float seed) {
    float32x4_t acc[NEON_CHAINS];
    for (int c = 0; c < NEON_CHAINS; c++) acc[c] = vdupq_n_f32(seed + (float)c);
    const float32x4_t a = vdupq_n_f32(0.999999f), b = vdupq_n_f32(1e-6f);
    for (int64_t i = 0; i < iters; i++)
        for (int c = 0; c < NEON_CHAINS; c++) acc[c] = vfmaq_f32(b, acc[c], a);
    for (int c = 1; c < NEON_CHAINS; c++) acc[0] = vaddq_f32(acc[0], acc[c]);
    return vaddvq_f32(acc[0]);
}
#endif

// ---------------------------------------------------------------- the threaded driver
typedef float (*peak_fn)(int64_t iters, float seed);

/// Runs fn on `threads` threads released by one barrier; the wall time runs from the barrier to the last
/// thread's finish (a second barrier). *team receives the threads that really ran (OpenMP may give fewer;
/// 1 without OpenMP), which the operation counts must use.
static double run_threads(peak_fn fn, int64_t iters, int threads, int *team) {
    volatile float sink = 0;
    double t0 = 0, t1 = 0;
    *team = 1;
#ifdef ST_HAVE_OPENMP
    if (threads > 1) {
#pragma omp parallel num_threads(threads)
        {
            fn(iters / 16 + 1, 1.0f); // warm the core up (clock ramp, AVX power licence)
#pragma omp barrier
#pragma omp master
            {
                *team = omp_get_num_threads();
                t0 = st_now();
            }
            float s = fn(iters, (float)omp_get_thread_num());
#pragma omp barrier
#pragma omp master
            t1 = st_now();
#pragma omp atomic
            sink += s;
        }
        return t1 - t0;
    }
#else
    (void)threads;
#endif
    fn(iters / 16 + 1, 1.0f);
    t0 = st_now();
    sink += fn(iters, 0.0f);
    t1 = st_now();
    (void)sink;
    return t1 - t0;
}

st_peak_result st_peak_fp32(st_isa isa, int64_t iters, int threads) {
    st_peak_result r = {-1, 0, 0};
    if (!st_isa_supported(isa) || iters < 1) return r;
    peak_fn fn = fma_ref;
    double per_round = REF_CHAINS * 2.0;
    switch (isa) {
#if defined(__x86_64__)
    case ST_ISA_AVX2: fn = fma_avx2; per_round = AVX2_CHAINS * 8 * 2.0; break;
    case ST_ISA_AVX512: fn = fma_avx512; per_round = AVX512_CHAINS * 16 * 2.0; break;
#endif
#if defined(__aarch64__)
    case ST_ISA_NEON: fn = fma_neon; per_round = NEON_CHAINS * 4 * 2.0; break;
#endif
    default: break;
    }
    int team = 1;
    r.seconds = run_threads(fn, iters, threads, &team);
    r.ops = per_round * (double)iters * team;
    r.threads = team;
    return r;
}

int st_peak_int8_supported(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vnni");
#else
    return 0;
#endif
}

st_peak_result st_peak_int8(int64_t iters, int threads) {
    st_peak_result r = {-1, 0, 0};
#if defined(__x86_64__)
    if (!st_peak_int8_supported() || iters < 1) return r;
    int team = 1;
    r.seconds = run_threads(dot_vnni, iters, threads, &team);
    r.ops = VNNI_CHAINS * 64 * 2.0 * (double)iters * team;
    r.threads = team;
#else
    (void)iters;
    (void)threads;
#endif
    return r;
}

// Register-register adds: some cores execute small immediate adds at rename (zero latency), never a
// register-register one. A probe reads low when the thread is descheduled or the clock is still ramping.
#if defined(__x86_64__)
#define ST_ADD_CHAIN ".rept 100\n\tadd %1, %0\n\t.endr"
#else
#define ST_ADD_CHAIN ".rept 100\n\tadd %0, %0, %1\n\t.endr"
#endif

double st_clock_hz(int64_t adds) {
#if defined(__x86_64__) || defined(__aarch64__)
    uint64_t x = 0, one = 1;
    const int64_t rounds = adds / 100 + 1;
    for (int64_t i = 0; i < rounds / 8 + 1; i++) __asm__ volatile(ST_ADD_CHAIN : "+r"(x) : "r"(one)); // ramp up
    const double t0 = st_now();
    for (int64_t i = 0; i < rounds; i++) __asm__ volatile(ST_ADD_CHAIN : "+r"(x) : "r"(one));
    const double t = st_now() - t0;
    return t > 0 ? 100.0 * (double)rounds / t : 0;
#else
    (void)adds;
    return 0;
#endif
}
