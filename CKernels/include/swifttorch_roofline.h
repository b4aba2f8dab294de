// Machine ceilings for the roofline: peak arithmetic throughput (FP32 FMA per ISA, INT8 VNNI dot
// products) and memory bandwidth at every level of the hierarchy, measured by small C kernels.
#ifndef SWIFTTORCH_ROOFLINE_H
#define SWIFTTORCH_ROOFLINE_H

#include <stdint.h>
#include "swifttorch_kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Result of one peak run: wall seconds (< 0 when the ISA is not available) and operations done over all
/// threads (FLOPs for FP32: 2 per lane per FMA; for INT8: 2 per byte product, the multiply and the add).
typedef struct {
    double seconds;
    double ops;
    int threads; // threads that really ran (OpenMP may give fewer than asked; 1 without OpenMP)
} st_peak_result;

/// FP32 FMA peak: `iters` rounds of independent FMA chains (enough to hide the FMA latency on every pipe)
/// on each of `threads` threads, started together. ISA scalar runs the portable twin.
st_peak_result st_peak_fp32(st_isa isa, int64_t iters, int threads);

/// 1 when this CPU has AVX-512 VNNI (vpdpbusd on 512-bit registers).
int st_peak_int8_supported(void);
/// INT8 dot-product peak with AVX-512 VNNI: each vpdpbusd does 64 u8 x s8 products summed into 16 int32.
/// seconds < 0 when VNNI is not available.
st_peak_result st_peak_int8(int64_t iters, int threads);

/// Core clock in Hz measured with a chain of dependent register-register integer adds (one cycle each); 0
/// when this architecture has no probe. A reading can be low (descheduled, clock ramping), not high.
double st_clock_hz(int64_t adds);

/// The bandwidth kernels: STREAM's copy a = b (16 B per element) and triad a = b + s*c (24 B per element)
/// on doubles.
typedef enum { ST_BW_COPY = 0, ST_BW_TRIAD = 1 } st_bw_kind;

/// Bytes one element of `kind` moves (as STREAM counts them: the write's read-for-ownership is not).
int st_bw_bytes_per_element(st_bw_kind kind);

/// Best seconds over `trials` of `reps` passes of `kind` over arrays of `n` doubles that belong to each
/// thread (allocated and first touched by it), on `threads` threads started together; < 0 on failure.
/// *team (if given) receives the threads that really ran. Bytes moved in that time:
/// team * reps * n * st_bw_bytes_per_element(kind). Small n measures a cache level's bandwidth, n far beyond
/// the last-level cache the memory's.
double st_bandwidth(st_bw_kind kind, st_isa isa, int64_t n, int64_t reps, int trials, int threads, int *team);

#ifdef __cplusplus
}
#endif
#endif
