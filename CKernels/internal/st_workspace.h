#ifndef ST_WORKSPACE_H
#define ST_WORKSPACE_H
#include <stddef.h>
/// A 64-byte aligned buffer of at least `floats` floats owned by the calling thread (NULL if out of memory).
float *st_workspace_get(size_t floats);
#endif
