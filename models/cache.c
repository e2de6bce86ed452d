/* cache.c: per-L2 LRU residency of buffers, last writer, and access costs; see cache.h.
 * Follows the Core 2 (Xeon 5300) organisation: private L2 per pair of cores, coherence by
 * snooping over the front-side bus, so a line modified in another L2 is supplied by that L2
 * (at the platform's cross-L2 cost) and a write invalidates every other copy. */
#include "cache.h"

#include <string.h>

const char *const cache_kind_names[CACHE_KINDS] = {"pkt", "meta", "ring", "kernel", "app"};
const char *const cache_where_names[CACHE_WHERE] = {"hit", "same_socket", "other_socket", "memory"};

#define CACHE_NIL UINT32_MAX

typedef struct {
  uint32_t bytes;
  uint16_t present; /* bit per L2 holding the buffer */
  uint8_t kind;
  int8_t owner; /* L2 holding it modified, or -1 */
  uint32_t prev[PLATFORM_MAX_L2], next[PLATFORM_MAX_L2];
} cache_entry;

typedef struct {
  uint32_t head, tail; /* most and least recently used */
  uint64_t used, capacity;
} cache_l2;

struct cache {
  const platform_cfg *p;
  int n_l2, n_domains;
  uint32_t line;
  double cost[CACHE_WHERE];
  int socket_of_l2[PLATFORM_MAX_L2];
  cache_l2 l2[PLATFORM_MAX_L2];
  cache_entry *bufs;
  uint32_t n_bufs, cap_bufs;
  uint64_t *counts; /* [dom][kind][where] */
};

cache_t *cache_new(const platform_cfg *p, int n_domains) {
  cache_t *c = vs_xcalloc(1, sizeof *c);
  c->p = p;
  c->n_l2 = platform_l2_count(p);
  c->n_domains = n_domains > 0 ? n_domains : 1;
  c->line = (uint32_t)p->line_bytes;
  c->cost[CACHE_HIT] = p->l2_hit_cycles;
  c->cost[CACHE_SAME_SOCKET] = p->l2_same_socket_cycles;
  c->cost[CACHE_OTHER_SOCKET] = p->l2_other_socket_cycles;
  c->cost[CACHE_MEMORY] = p->mem_cycles;
  for (int i = 0; i < c->n_l2; i++) {
    c->l2[i] = (cache_l2){CACHE_NIL, CACHE_NIL, 0, (uint64_t)p->l2_kib * 1024};
    c->socket_of_l2[i] = platform_socket_of_l2(p, i);
  }
  c->counts = vs_xcalloc((size_t)c->n_domains * CACHE_KINDS * CACHE_WHERE, sizeof *c->counts);
  return c;
}

void cache_free(cache_t *c) {
  if (!c) return;
  free(c->bufs);
  free(c->counts);
  free(c);
}

cache_buf cache_buf_new(cache_t *c, uint32_t bytes, cache_kind kind) {
  if (c->n_bufs == c->cap_bufs) {
    c->cap_bufs = c->cap_bufs ? c->cap_bufs * 2 : 256;
    c->bufs = vs_xrealloc(c->bufs, c->cap_bufs * sizeof *c->bufs);
  }
  cache_entry *e = &c->bufs[c->n_bufs];
  memset(e, 0, sizeof *e);
  e->bytes = bytes ? bytes : 1;
  e->kind = (uint8_t)kind;
  e->owner = -1;
  return c->n_bufs++;
}

static void cache_unlink(cache_t *c, int l, cache_buf b) {
  cache_entry *e = &c->bufs[b];
  cache_l2 *s = &c->l2[l];
  if (e->prev[l] != CACHE_NIL) c->bufs[e->prev[l]].next[l] = e->next[l]; else s->head = e->next[l];
  if (e->next[l] != CACHE_NIL) c->bufs[e->next[l]].prev[l] = e->prev[l]; else s->tail = e->prev[l];
}

static void cache_push_front(cache_t *c, int l, cache_buf b) {
  cache_entry *e = &c->bufs[b];
  cache_l2 *s = &c->l2[l];
  e->prev[l] = CACHE_NIL;
  e->next[l] = s->head;
  if (s->head != CACHE_NIL) c->bufs[s->head].prev[l] = b; else s->tail = b;
  s->head = b;
}

/* Drop b from L2 l; a modified copy is written back (owner becomes memory). */
static void cache_drop(cache_t *c, int l, cache_buf b) {
  cache_entry *e = &c->bufs[b];
  cache_unlink(c, l, b);
  e->present &= (uint16_t)~(1u << l);
  c->l2[l].used -= e->bytes;
  if (e->owner == l) e->owner = -1;
}

/* Make b the most recently used buffer of L2 l, evicting from the tail to stay in capacity. */
static void cache_insert(cache_t *c, int l, cache_buf b) {
  cache_entry *e = &c->bufs[b];
  cache_l2 *s = &c->l2[l];
  if (e->present & (1u << l)) {
    if (s->head != b) {
      cache_unlink(c, l, b);
      cache_push_front(c, l, b);
    }
    return;
  }
  if (e->bytes > s->capacity) return; /* larger than the cache: streams through it */
  while (s->used + e->bytes > s->capacity && s->tail != CACHE_NIL) cache_drop(c, l, s->tail);
  e->present |= (uint16_t)(1u << l);
  s->used += e->bytes;
  cache_push_front(c, l, b);
}

/* Where core's L2 finds b. */
static cache_where cache_locate(const cache_t *c, int l, const cache_entry *e) {
  if (e->present & (1u << l)) return CACHE_HIT;
  uint16_t others = e->present;
  if (!others) return CACHE_MEMORY;
  for (int k = 0; k < c->n_l2; k++)
    if ((others & (1u << k)) && c->socket_of_l2[k] == c->socket_of_l2[l]) return CACHE_SAME_SOCKET;
  return CACHE_OTHER_SOCKET;
}

static double cache_charge(cache_t *c, int dom, const cache_entry *e, cache_where w, uint32_t bytes) {
  uint32_t n = bytes < e->bytes ? bytes : e->bytes;
  uint32_t lines = (n + c->line - 1) / c->line;
  c->counts[((size_t)dom * CACHE_KINDS + e->kind) * CACHE_WHERE + w] += lines;
  return c->cost[w] * lines;
}

double cache_read(cache_t *c, int core, int dom, cache_buf b, uint32_t bytes) {
  VS_ASSERT(b < c->n_bufs && dom < c->n_domains, "buffer %u of %u, domain %d", b, c->n_bufs, dom);
  int l = platform_l2_of(c->p, core);
  cache_entry *e = &c->bufs[b];
  cache_where w = cache_locate(c, l, e);
  double cycles = cache_charge(c, dom, e, w, bytes);
  cache_insert(c, l, b);
  return cycles;
}

double cache_write(cache_t *c, int core, int dom, cache_buf b, uint32_t bytes) {
  VS_ASSERT(b < c->n_bufs && dom < c->n_domains, "buffer %u of %u, domain %d", b, c->n_bufs, dom);
  int l = platform_l2_of(c->p, core);
  cache_entry *e = &c->bufs[b];
  cache_where w = cache_locate(c, l, e); /* read for ownership */
  double cycles = cache_charge(c, dom, e, w, bytes);
  for (int k = 0; k < c->n_l2; k++)
    if (k != l && (e->present & (1u << k))) cache_drop(c, k, b);
  cache_insert(c, l, b);
  if (e->present & (1u << l)) e->owner = (int8_t)l;
  return cycles;
}

void cache_dma_write(cache_t *c, cache_buf b) {
  VS_ASSERT(b < c->n_bufs, "buffer %u of %u", b, c->n_bufs);
  cache_entry *e = &c->bufs[b];
  for (int k = 0; k < c->n_l2; k++)
    if (e->present & (1u << k)) cache_drop(c, k, b);
  e->owner = -1;
}

uint64_t cache_count(const cache_t *c, int dom, cache_kind kind, cache_where where) {
  return c->counts[((size_t)dom * CACHE_KINDS + kind) * CACHE_WHERE + where];
}

void cache_reset_counts(cache_t *c) {
  memset(c->counts, 0, (size_t)c->n_domains * CACHE_KINDS * CACHE_WHERE * sizeof *c->counts);
}

bool cache_resident(const cache_t *c, int core, cache_buf b) {
  return (c->bufs[b].present >> platform_l2_of(c->p, core)) & 1u;
}

uint64_t cache_l2_used(const cache_t *c, int l2) { return c->l2[l2].used; }
