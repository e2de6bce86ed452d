/* platform.h: the physical machine: sockets, cores, which cores share an L2, clock, and the
 * cost in cycles of finding a cache line in each place. Core c is on socket
 * c / cores_per_socket and uses L2 c / cores_per_l2 (consecutive cores share an L2). */
#ifndef VS_PLATFORM_H
#define VS_PLATFORM_H

#include <stdint.h>

#include "cfg.h"
#include "vs.h"

#define PLATFORM_MAX_CORES 32
#define PLATFORM_MAX_L2 16

typedef struct {
  char name[CFG_STR_MAX];
  int64_t sockets, cores_per_socket, cores_per_l2;
  double ghz;
  int64_t l2_kib, line_bytes;
  double base_cpi;
  double l2_hit_cycles;          /* line in this core's L2 */
  double l2_same_socket_cycles;  /* line held by another L2 of the same socket */
  double l2_other_socket_cycles; /* line held by an L2 of another socket */
  double mem_cycles;             /* line from memory */
  /* Each further line of the same access, once the first has arrived: sequential copies are
   * prefetched and limited by bandwidth, not latency. */
  double l2_hit_stream_cycles, l2_same_socket_stream_cycles, l2_other_socket_stream_cycles, mem_stream_cycles;
} platform_cfg;

extern const cfg_param platform_params[];

static inline int platform_cores(const platform_cfg *p) { return (int)(p->sockets * p->cores_per_socket); }
static inline int platform_l2_count(const platform_cfg *p) { return platform_cores(p) / (int)p->cores_per_l2; }
static inline int platform_l2_of(const platform_cfg *p, int core) { return core / (int)p->cores_per_l2; }
static inline int platform_socket_of(const platform_cfg *p, int core) { return core / (int)p->cores_per_socket; }
static inline int platform_socket_of_l2(const platform_cfg *p, int l2) {
  return l2 * (int)p->cores_per_l2 / (int)p->cores_per_socket;
}
/* Cycles to simulated time at the platform clock, rounded to the picosecond. */
static inline vs_time_ps platform_cycles_ps(const platform_cfg *p, double cycles) {
  return (vs_time_ps)(cycles * 1000.0 / p->ghz + 0.5);
}
static inline double platform_ps_cycles(const platform_cfg *p, vs_time_ps ps) { return (double)ps * p->ghz / 1000.0; }

/* Topology checks that involve several keys; false with a message in buf. */
bool platform_check(const platform_cfg *p, char *buf, size_t n, const char **key);

#endif
