/* cache.h: where data is, and what it costs to reach it.
 *
 * Data is tracked in buffers (a packet buffer, a page, a ring, a working set), not lines. An
 * L2 holds a prefix of a buffer's lines (reading a packet's headers brings those lines only),
 * keeps its buffers in LRU order and counts their lines against its capacity. An access names
 * the bytes it touches from the start of the buffer; its cost is, for each place its lines are
 * found (this L2, another L2 on the socket, another socket, memory), that place's latency for
 * the first line and its streaming cost for each further line (sequential copies are
 * prefetched and bandwidth-bound). A write takes ownership: other L2s' copies are invalidated.
 * A device (DMA) write puts the buffer in memory only.
 * All operations are O(L2 caches) apart from evictions, which are O(buffers evicted); none
 * allocates. */
#ifndef VS_CACHE_H
#define VS_CACHE_H

#include <stdint.h>

#include "platform.h"

typedef uint32_t cache_buf;
#define CACHE_NO_BUF UINT32_MAX /* "no buffer" */

/* What a buffer holds, for the counters. */
typedef enum { CACHE_PKT, CACHE_META, CACHE_RING, CACHE_KERNEL, CACHE_APP, CACHE_KINDS } cache_kind;
/* Where an access found its data. */
typedef enum { CACHE_HIT, CACHE_SAME_SOCKET, CACHE_OTHER_SOCKET, CACHE_MEMORY, CACHE_WHERE } cache_where;

extern const char *const cache_kind_names[CACHE_KINDS];
extern const char *const cache_where_names[CACHE_WHERE];

typedef struct cache cache_t;

/* n_domains: how many domains the counters distinguish. */
cache_t *cache_new(const platform_cfg *p, int n_domains);
void cache_free(cache_t *c);
/* Create a buffer of bytes (set-up time only: allocation). Starts in memory. */
cache_buf cache_buf_new(cache_t *c, uint32_t bytes, cache_kind kind);

/* Stall cycles of core reading / writing `bytes` of buffer b on behalf of domain dom. */
double cache_read(cache_t *c, int core, int dom, cache_buf b, uint32_t bytes);
double cache_write(cache_t *c, int core, int dom, cache_buf b, uint32_t bytes);
/* A device wrote the buffer to memory: every cached copy is invalidated. */
void cache_dma_write(cache_t *c, cache_buf b);

/* Lines accessed by dom, of kind, found at where (since the last reset). */
uint64_t cache_count(const cache_t *c, int dom, cache_kind kind, cache_where where);
void cache_reset_counts(cache_t *c);
/* Whether b is resident in the L2 of core (for tests). */
bool cache_resident(const cache_t *c, int core, cache_buf b);
/* Bytes resident in an L2 (for tests and invariants). */
uint64_t cache_l2_used(const cache_t *c, int l2);

#endif
