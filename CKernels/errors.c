// Error reporting: a status code returned to the caller and a message kept per thread.
#include "internal/st_internal.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static _Thread_local char st_error_message[512];

st_status st_fail(st_status code, const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    vsnprintf(st_error_message, sizeof st_error_message, fmt, args);
    va_end(args);
    return code;
}

void st_clear_error(void) { st_error_message[0] = '\0'; }

const char *st_last_error(void) { return st_error_message; }

void *st_aligned_alloc(size_t bytes) {
    void *p = NULL;
    if (bytes == 0) bytes = ST_ALIGN;
    if (posix_memalign(&p, ST_ALIGN, (bytes + ST_ALIGN - 1) / ST_ALIGN * ST_ALIGN) != 0) return NULL;
    return p;
}

void st_aligned_free(void *p) { free(p); }
