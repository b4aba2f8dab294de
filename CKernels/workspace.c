// Per-thread packing workspace, grown on demand and reused across calls (no allocation in the hot path
// after the first call of a given size); freed when the owning thread exits.
#include "internal/st_internal.h"
#include "internal/st_workspace.h"
#include <pthread.h>
#include <stdlib.h>

typedef struct {
    float *buf[ST_WORKSPACE_SLOTS];
    size_t capacity[ST_WORKSPACE_SLOTS]; // floats
} st_workspace;

static pthread_key_t st_ws_key;
static pthread_once_t st_ws_once = PTHREAD_ONCE_INIT;

static void ws_destroy(void *p) {
    st_workspace *w = p;
    for (int i = 0; i < ST_WORKSPACE_SLOTS; i++) st_aligned_free(w->buf[i]);
    free(w);
}

static void ws_make_key(void) { pthread_key_create(&st_ws_key, ws_destroy); }

float *st_workspace_get(int slot, size_t floats) {
    if (slot < 0 || slot >= ST_WORKSPACE_SLOTS) return NULL;
    pthread_once(&st_ws_once, ws_make_key);
    st_workspace *w = pthread_getspecific(st_ws_key);
    if (w == NULL) {
        w = calloc(1, sizeof *w);
        if (w == NULL || pthread_setspecific(st_ws_key, w) != 0) {
            free(w);
            return NULL;
        }
    }
    if (w->capacity[slot] < floats) {
        st_aligned_free(w->buf[slot]);
        w->buf[slot] = st_aligned_alloc(floats * sizeof(float));
        w->capacity[slot] = w->buf[slot] != NULL ? floats : 0;
    }
    return w->buf[slot];
}
