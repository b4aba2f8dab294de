// Per-thread state of the autograd layer: the gradient-recording mode and the queue that releases a
// graph without recursion.
//
// Releasing the last tensor of a long graph (a 100k-step chain) would free node after node recursively:
// tensor -> its gradFn -> that node's inputs -> their gradFns ... one stack frame set per node, until
// the stack overflows. Instead a tensor's deinit hands its gradFn to this queue (an opaque retained
// pointer), and only the outermost deinit on a thread drains it: the nodes freed while draining push
// their inputs' gradFns here instead of recursing.
#include "../internal/st_internal.h"
#include "swifttorch_tensor.h"
#include <pthread.h>
#include <stdlib.h>

// initial-exec: a plain %fs-relative access instead of a __tls_get_addr call on every op.
#define ST_TLS _Thread_local __attribute__((tls_model("initial-exec")))

static ST_TLS int grad_disabled = 0;
int st_grad_enabled(void) { return !grad_disabled; }
void st_set_grad_enabled(int enabled) { grad_disabled = !enabled; }

static ST_TLS void **queue = NULL;
static ST_TLS int64_t queue_len = 0, queue_cap = 0;
static ST_TLS int draining = 0;

// The queue's buffer is kept between releases; a thread-exit destructor frees it.
static pthread_key_t queue_key;
static pthread_once_t queue_key_once = PTHREAD_ONCE_INIT;
static void free_queue(void *p) { free(p); }
static void make_queue_key(void) { pthread_key_create(&queue_key, free_queue); }

int st_release_queue_push(void *object) {
    if (queue_len == queue_cap) {
        int64_t cap = queue_cap ? queue_cap * 2 : 256;
        void **grown = realloc(queue, (size_t)cap * sizeof(void *));
        if (!grown) return 0;
        queue = grown;
        queue_cap = cap;
        pthread_once(&queue_key_once, make_queue_key);
        pthread_setspecific(queue_key, queue);
    }
    queue[queue_len++] = object;
    return 1;
}

int st_release_queue_begin(void) {
    if (draining) return 0;
    draining = 1;
    return 1;
}

void *st_release_queue_pop(void) { return queue_len > 0 ? queue[--queue_len] : NULL; }

void st_release_queue_end(void) {
    draining = 0;
    if (queue_cap > 4096) { // keep a small queue for the next release, not a huge one
        free(queue);
        queue = NULL;
        queue_cap = 0;
        pthread_setspecific(queue_key, NULL);
    }
}
