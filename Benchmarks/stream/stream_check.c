// An independent STREAM measurement (McCalpin's method, written separately from CKernels): three shared
// double arrays, OpenMP static schedule, copy a=b and triad a=b+s*c, best of NTIMES passes, bytes counted
// as STREAM does (copy 16, triad 24 per element). Used to check `bench --roofline`'s memory ceiling:
//   gcc -O3 -march=native -fopenmp Benchmarks/stream/stream_check.c -o /tmp/stream_check
//   OMP_NUM_THREADS=1 OMP_PROC_BIND=spread /tmp/stream_check
// (-O2 builds run slower here: 18 GB/s against 22 at -O3 on one thread; CKernels is built with -O3.)
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifndef STREAM_N
#define STREAM_N (1L << 25) /* 256 MiB per array: 4 x a 32 MiB L3 and more; override with -DSTREAM_N= */
#endif
#define NTIMES 10

static double wall(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(void) {
    const long n = STREAM_N;
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *c = malloc(n * sizeof *c);
    if (!a || !b || !c) { fprintf(stderr, "stream_check: out of memory\n"); return 1; }
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++) { a[i] = 1; b[i] = 2; c[i] = 0; }
    double best_copy = 1e30, best_triad = 1e30;
    for (int k = 0; k < NTIMES; k++) {
        double t = wall();
#pragma omp parallel for schedule(static)
        for (long i = 0; i < n; i++) c[i] = a[i];
        t = wall() - t;
        if (k > 0 && t < best_copy) best_copy = t;
        t = wall();
#pragma omp parallel for schedule(static)
        for (long i = 0; i < n; i++) a[i] = b[i] + 3.0 * c[i];
        t = wall() - t;
        if (k > 0 && t < best_triad) best_triad = t;
    }
    double check = 0;
    for (long i = 0; i < n; i += 4096) check += a[i];
    printf("copy  %.1f GB/s\ntriad %.1f GB/s\n(check %.0f)\n", 16.0 * n / best_copy / 1e9, 24.0 * n / best_triad / 1e9, check);
    free(a); free(b); free(c);
    return 0;
}
