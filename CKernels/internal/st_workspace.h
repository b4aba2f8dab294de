#ifndef ST_WORKSPACE_H
#define ST_WORKSPACE_H
#include <stddef.h>

enum { ST_WS_PACK = 0, ST_WS_SWAP = 1, ST_WORKSPACE_SLOTS = 2 };

/// A 64-byte aligned buffer of at least `floats` floats owned by the calling thread, one per slot
/// (NULL if out of memory). The buffer is reused by the next call for the same slot.
float *st_workspace_get(int slot, size_t floats);
#endif
