// Thread count used by the parallel kernels.
#include "internal/st_internal.h"
#include <stdatomic.h>

static atomic_int st_thread_override = 0; // 0 = default

int st_openmp_enabled(void) {
#ifdef ST_HAVE_OPENMP
    return 1;
#else
    return 0;
#endif
}

int st_get_num_threads(void) {
#ifdef ST_HAVE_OPENMP
    int n = atomic_load(&st_thread_override);
    return n > 0 ? n : omp_get_max_threads(); // honours OMP_NUM_THREADS, else all cores
#else
    return 1;
#endif
}

void st_set_num_threads(int n) { atomic_store(&st_thread_override, n > 0 ? n : 0); }

void st_run_team(int nt, void (*worker)(const void *ctx, int t, int nt), const void *ctx) {
#ifdef ST_HAVE_OPENMP
    if (nt > 1) {
#pragma omp parallel num_threads(nt)
        worker(ctx, omp_get_thread_num(), omp_get_num_threads());
        return;
    }
#endif
    (void)nt;
    worker(ctx, 0, 1);
}
