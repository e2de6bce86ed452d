/* pkt.c: the packet pool; see pkt.h. Chunks of packets are allocated when the free list runs
 * dry, doubling each time, and kept until the pool is destroyed. */
#include "pkt.h"

#include <string.h>

const char *const pkt_reason_names[PKT_REASONS] = {"delivered", "link_loss", "nic_rx_ring", "nic_tx_queue",
                                                   "vif_queue", "netback",   "netfront",    "bridge"};

void pkt_pool_init(pkt_pool *pool) { memset(pool, 0, sizeof *pool); }

void pkt_pool_destroy(pkt_pool *pool) {
  for (uint32_t i = 0; i < pool->n_chunks; i++) free(pool->chunks[i]);
  free(pool->chunks);
  memset(pool, 0, sizeof *pool);
}

static void pkt_pool_grow(pkt_pool *pool) {
  uint32_t n = pool->cap ? pool->cap : 1024;
  pkt_t *chunk = vs_xcalloc(n, sizeof *chunk);
  pool->chunks = vs_xrealloc(pool->chunks, (pool->n_chunks + 1) * sizeof *pool->chunks);
  pool->chunks[pool->n_chunks++] = chunk;
  for (uint32_t i = 0; i < n; i++) {
    chunk[i].id = pool->cap + i;
    chunk[i].next = pool->free;
    pool->free = &chunk[i];
  }
  pool->cap += n;
}

pkt_t *pkt_alloc(pkt_pool *pool) {
  if (!pool->free) pkt_pool_grow(pool);
  pkt_t *p = pool->free;
  pool->free = p->next;
  uint32_t id = p->id;
  memset(p, 0, sizeof *p);
  p->id = id;
  p->vif = -1;
  p->ring_slot = -1;
  p->buf = CACHE_NO_BUF;
  pool->created++;
  pool->alive++;
  return p;
}

void pkt_free(pkt_pool *pool, pkt_t *p, pkt_reason why) {
  VS_ASSERT(pool->alive > 0, "freeing packet %u with none alive", p->id);
  pool->freed[why]++;
  pool->alive--;
  p->next = pool->free;
  pool->free = p;
}

bool pkt_pool_conserved(const pkt_pool *pool) {
  uint64_t f = 0;
  for (int i = 0; i < PKT_REASONS; i++) f += pool->freed[i];
  return pool->created == f + pool->alive;
}

void pkt_pool_reset_counts(pkt_pool *pool) {
  pool->created = pool->alive;
  memset(pool->freed, 0, sizeof pool->freed);
}
