/* cache.c: per-L2 LRU residency of buffers, last writer, and access costs; see cache.h.
 * Follows the Core 2 (Xeon 5300) organisation: private L2 per pair of cores, coherence by
 * snooping over the front-side bus, so a line modified in another L2 is supplied by that L2
 * (at the platform's cross-L2 cost) and a write invalidates every other copy.
 *
 * Residency is kept per buffer as a prefix of its lines in each L2: reading the first 256
 * bytes of a page brings 4 lines, not the page. An access of n lines finds the first ones in
 * its own L2 as far as that L2's prefix goes, the next ones in the other L2 holding the most of
 * the buffer, and the rest in memory; each group costs its place's latency for its first line
 * and its streaming cost for each further line. A write also pays, for the lines it holds that
 * another L2 shares, the invalidation over the bus (at that L2's place). */
#include "cache.h"

#include <string.h>

const char *const cache_kind_names[CACHE_KINDS] = {"pkt", "meta", "ring", "kernel", "app"};
const char *const cache_where_names[CACHE_WHERE] = {"hit", "same_socket", "other_socket", "memory"};

#define CACHE_NIL UINT32_MAX

typedef struct {
  uint32_t lines;                  /* the buffer's size in lines */
  uint16_t res[PLATFORM_MAX_L2];   /* lines (a prefix) resident in each L2 */
  uint8_t kind;
  int8_t owner; /* L2 holding it modified, or -1 */
  uint32_t prev[PLATFORM_MAX_L2], next[PLATFORM_MAX_L2];
} cache_entry;

typedef struct {
  uint32_t head, tail; /* most and least recently used */
  uint64_t used, capacity; /* lines */
} cache_l2;

struct cache {
  const platform_cfg *p;
  int n_l2, n_domains;
  uint32_t line;
  double latency[CACHE_WHERE], stream[CACHE_WHERE];
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
  c->latency[CACHE_HIT] = p->l2_hit_cycles;
  c->latency[CACHE_SAME_SOCKET] = p->l2_same_socket_cycles;
  c->latency[CACHE_OTHER_SOCKET] = p->l2_other_socket_cycles;
  c->latency[CACHE_MEMORY] = p->mem_cycles;
  c->stream[CACHE_HIT] = p->l2_hit_stream_cycles;
  c->stream[CACHE_SAME_SOCKET] = p->l2_same_socket_stream_cycles;
  c->stream[CACHE_OTHER_SOCKET] = p->l2_other_socket_stream_cycles;
  c->stream[CACHE_MEMORY] = p->mem_stream_cycles;
  for (int i = 0; i < c->n_l2; i++) {
    c->l2[i] = (cache_l2){CACHE_NIL, CACHE_NIL, 0, (uint64_t)p->l2_kib * 1024 / c->line};
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
  uint32_t lines = (bytes + c->line - 1) / c->line;
  e->lines = lines ? lines : 1;
  VS_ASSERT(e->lines <= UINT16_MAX, "buffer of %u bytes is too large for the cache model", bytes);
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
  c->l2[l].used -= e->res[l];
  e->res[l] = 0;
  if (e->owner == l) e->owner = -1;
}

/* Make the first n lines of b resident in L2 l as its most recently used buffer, evicting
 * from the tail to stay within capacity. */
static void cache_insert(cache_t *c, int l, cache_buf b, uint32_t n) {
  cache_entry *e = &c->bufs[b];
  cache_l2 *s = &c->l2[l];
  if (n > s->capacity) return; /* larger than the cache: streams through it */
  if (e->res[l] > 0) {
    if (s->head != b) {
      cache_unlink(c, l, b);
      cache_push_front(c, l, b);
    }
    if (n <= e->res[l]) return;
    s->used += n - e->res[l];
    e->res[l] = (uint16_t)n;
  } else {
    e->res[l] = (uint16_t)n;
    s->used += n;
    cache_push_front(c, l, b);
  }
  while (s->used > s->capacity && s->tail != b) cache_drop(c, l, s->tail);
}

static double cache_group(cache_t *c, int dom, const cache_entry *e, cache_where w, uint32_t lines) {
  if (lines == 0) return 0;
  c->counts[((size_t)dom * CACHE_KINDS + e->kind) * CACHE_WHERE + w] += lines;
  return c->latency[w] + c->stream[w] * (double)(lines - 1);
}

/* The other L2 holding the most of b (a nearer one on ties), or -1. */
static int cache_best_peer(const cache_t *c, int l, const cache_entry *e) {
  int best = -1;
  for (int k = 0; k < c->n_l2; k++) {
    if (k == l || e->res[k] == 0) continue;
    if (best < 0 || e->res[k] > e->res[best] ||
        (e->res[k] == e->res[best] && c->socket_of_l2[k] == c->socket_of_l2[l]))
      best = k;
  }
  return best;
}

static cache_where cache_place_of(const cache_t *c, int l, int k) {
  return c->socket_of_l2[k] == c->socket_of_l2[l] ? CACHE_SAME_SOCKET : CACHE_OTHER_SOCKET;
}

/* Cost of bringing the first n lines of b into L2 l. For a write (exclusive), lines held here
 * that another L2 also holds need an invalidation over the bus, at that L2's place. */
static double cache_fetch(cache_t *c, int l, int dom, cache_buf b, uint32_t n, bool exclusive) {
  cache_entry *e = &c->bufs[b];
  uint32_t local = e->res[l] < n ? e->res[l] : n;
  int peer = cache_best_peer(c, l, e);
  uint32_t shared = exclusive && peer >= 0 ? (e->res[peer] < local ? e->res[peer] : local) : 0;
  double cycles = cache_group(c, dom, e, CACHE_HIT, local - shared);
  if (shared) cycles += cache_group(c, dom, e, cache_place_of(c, l, peer), shared);
  if (local == n) return cycles;
  /* The other L2 holding the most of it supplies what it has beyond our prefix. */
  uint32_t from_peer = 0;
  if (peer >= 0 && e->res[peer] > local) {
    from_peer = (e->res[peer] < n ? e->res[peer] : n) - local;
    cycles += cache_group(c, dom, e, cache_place_of(c, l, peer), from_peer);
  }
  return cycles + cache_group(c, dom, e, CACHE_MEMORY, n - local - from_peer);
}

static uint32_t cache_lines(const cache_t *c, const cache_entry *e, uint32_t bytes) {
  uint32_t n = bytes >= e->lines * c->line ? e->lines : (bytes + c->line - 1) / c->line;
  return n ? n : 1;
}

double cache_read(cache_t *c, int core, int dom, cache_buf b, uint32_t bytes) {
  VS_ASSERT(b < c->n_bufs && dom < c->n_domains, "buffer %u of %u, domain %d", b, c->n_bufs, dom);
  int l = platform_l2_of(c->p, core);
  uint32_t n = cache_lines(c, &c->bufs[b], bytes);
  double cycles = cache_fetch(c, l, dom, b, n, false);
  cache_insert(c, l, b, n);
  return cycles;
}

double cache_write(cache_t *c, int core, int dom, cache_buf b, uint32_t bytes) {
  VS_ASSERT(b < c->n_bufs && dom < c->n_domains, "buffer %u of %u, domain %d", b, c->n_bufs, dom);
  int l = platform_l2_of(c->p, core);
  cache_entry *e = &c->bufs[b];
  uint32_t n = cache_lines(c, e, bytes);
  double cycles = cache_fetch(c, l, dom, b, n, true); /* read for ownership */
  for (int k = 0; k < c->n_l2; k++)
    if (k != l && e->res[k]) cache_drop(c, k, b);
  cache_insert(c, l, b, n);
  if (e->res[l]) e->owner = (int8_t)l;
  return cycles;
}

void cache_dma_write(cache_t *c, cache_buf b) {
  VS_ASSERT(b < c->n_bufs, "buffer %u of %u", b, c->n_bufs);
  cache_entry *e = &c->bufs[b];
  for (int k = 0; k < c->n_l2; k++)
    if (e->res[k]) cache_drop(c, k, b);
  e->owner = -1;
}

uint64_t cache_count(const cache_t *c, int dom, cache_kind kind, cache_where where) {
  return c->counts[((size_t)dom * CACHE_KINDS + kind) * CACHE_WHERE + where];
}

void cache_reset_counts(cache_t *c) {
  memset(c->counts, 0, (size_t)c->n_domains * CACHE_KINDS * CACHE_WHERE * sizeof *c->counts);
}

bool cache_resident(const cache_t *c, int core, cache_buf b) {
  return c->bufs[b].res[platform_l2_of(c->p, core)] > 0;
}

uint64_t cache_l2_used(const cache_t *c, int l2) { return c->l2[l2].used * c->line; }
