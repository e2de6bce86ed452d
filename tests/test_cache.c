/* test_cache.c: an exchange between two cores costs what the platform file says for where
 * they sit (same L2, same socket, other socket, memory); capacity, LRU and invalidation. */
#include "cache.h"
#include "cfg.h"
#include "check.h"
#include "config.h"

int main(void) {
  vs_config cfg;
  cfg_defaults(vs_schema, &cfg);
  platform_cfg *p = &cfg.platform; /* 2 sockets x 4 cores, pairs share an L2 */
  cache_t *c = cache_new(p, 2);
  const uint32_t bytes = 4096, lines = 4096 / 64;
  cache_buf b = cache_buf_new(c, bytes, CACHE_PKT);

  /* Producer on core 0, consumer on each other core in turn: the first line costs the place's
   * latency, each further line its streaming cost. */
  struct {
    int reader;
    double first, further;
  } cases[] = {{1, p->l2_hit_cycles, p->l2_hit_stream_cycles},
               {2, p->l2_same_socket_cycles, p->l2_same_socket_stream_cycles},
               {4, p->l2_other_socket_cycles, p->l2_other_socket_stream_cycles},
               {0, p->l2_hit_cycles, p->l2_hit_stream_cycles}};
  for (size_t i = 0; i < 4; i++) {
    cache_write(c, 0, 0, b, bytes);
    double cost = cache_read(c, cases[i].reader, 1, b, bytes);
    CHECK_NEAR(cost, cases[i].first + cases[i].further * (lines - 1), 1e-9);
  }
  /* The same exchange costs less when the cores share an L2, by the platform's difference. */
  cache_write(c, 0, 0, b, bytes);
  double shared = cache_read(c, 1, 1, b, bytes);
  cache_write(c, 0, 0, b, bytes);
  double apart = cache_read(c, 2, 1, b, bytes);
  CHECK_NEAR(apart - shared, (p->l2_same_socket_cycles - p->l2_hit_cycles) +
                                 (p->l2_same_socket_stream_cycles - p->l2_hit_stream_cycles) * (lines - 1), 1e-9);

  /* Residency is a prefix: reading the headers brings their lines only. */
  cache_write(c, 0, 0, b, bytes);
  double hdr = cache_read(c, 2, 1, b, 256);
  CHECK_NEAR(hdr, p->l2_same_socket_cycles + p->l2_same_socket_stream_cycles * 3, 1e-9);
  double rest = cache_read(c, 2, 1, b, bytes);
  CHECK_NEAR(rest, p->l2_hit_cycles + p->l2_hit_stream_cycles * 3 + p->l2_same_socket_cycles +
                       p->l2_same_socket_stream_cycles * (lines - 5), 1e-9);

  /* DMA puts data in memory: the next read misses everywhere. */
  cache_dma_write(c, b);
  CHECK(!cache_resident(c, 0, b) && !cache_resident(c, 2, b), "DMA left a cached copy");
  CHECK_NEAR(cache_read(c, 0, 0, b, bytes), p->mem_cycles + p->mem_stream_cycles * (lines - 1), 1e-9);
  /* A second read hits; touching part of a buffer costs the lines touched. */
  CHECK_NEAR(cache_read(c, 0, 0, b, bytes), p->l2_hit_cycles + p->l2_hit_stream_cycles * (lines - 1), 1e-9);
  CHECK_NEAR(cache_read(c, 0, 0, b, 100), p->l2_hit_cycles + p->l2_hit_stream_cycles, 1e-9);

  /* A write invalidates the other L2's copy, and pays for it over the bus. */
  cache_read(c, 2, 0, b, bytes);
  CHECK(cache_resident(c, 0, b) && cache_resident(c, 2, b), "shared copies");
  double upgrade = cache_write(c, 2, 0, b, bytes);
  CHECK_NEAR(upgrade, p->l2_same_socket_cycles + p->l2_same_socket_stream_cycles * (lines - 1), 1e-9);
  CHECK(!cache_resident(c, 0, b) && cache_resident(c, 2, b), "write did not invalidate");
  CHECK_NEAR(cache_write(c, 2, 0, b, bytes), p->l2_hit_cycles + p->l2_hit_stream_cycles * (lines - 1), 1e-9);

  /* Capacity and LRU: 4 MiB of 64 KiB buffers plus one more evicts the oldest only. */
  uint64_t cap = (uint64_t)p->l2_kib * 1024;
  enum { N = 65 };
  cache_buf big[N];
  for (int i = 0; i < N; i++) big[i] = cache_buf_new(c, 65536, CACHE_APP);
  for (int i = 0; i < N - 1; i++) cache_read(c, 6, 0, big[i], 65536);
  CHECK(cache_l2_used(c, 3) == cap, "L2 3 holds %llu bytes", (unsigned long long)cache_l2_used(c, 3));
  cache_read(c, 6, 0, big[0], 65536); /* big[0] becomes most recent; big[1] is now oldest */
  cache_read(c, 7, 0, big[N - 1], 65536);
  CHECK(cache_resident(c, 6, big[0]) && !cache_resident(c, 6, big[1]) && cache_resident(c, 6, big[N - 1]),
        "LRU eviction");
  CHECK(cache_l2_used(c, 3) <= cap, "over capacity");
  /* An evicted modified buffer was written back: a read by another L2 finds it in memory. */
  cache_write(c, 6, 0, big[2], 65536);
  cache_buf flush[N];
  for (int i = 0; i < N; i++) flush[i] = cache_buf_new(c, 65536, CACHE_APP);
  for (int i = 0; i < N; i++) cache_read(c, 6, 0, flush[i], 65536);
  CHECK(!cache_resident(c, 6, big[2]), "big[2] should be evicted");
  CHECK_NEAR(cache_read(c, 0, 0, big[2], 65536), p->mem_cycles + p->mem_stream_cycles * 1023, 1e-9);

  /* Counters: lines by domain, kind and place. */
  cache_reset_counts(c);
  cache_dma_write(c, b);
  cache_read(c, 0, 1, b, bytes);
  cache_read(c, 0, 1, b, bytes);
  CHECK(cache_count(c, 1, CACHE_PKT, CACHE_MEMORY) == lines, "memory lines");
  CHECK(cache_count(c, 1, CACHE_PKT, CACHE_HIT) == lines, "hit lines");
  CHECK(cache_count(c, 0, CACHE_PKT, CACHE_HIT) == 0, "other domain counted");
  cache_free(c);
  return check_done("test_cache");
}
