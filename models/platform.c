/* platform.c: the platform parameter table and topology checks.
 *
 * Defaults: a 2007-2008 two-socket server, assumed to resemble the paper's testbed (its exact
 * machine is not known here): two quad-core Xeon 5300 (Clovertown) at 2.33 GHz, each package
 * two dies of two cores sharing a 4 MiB L2. Latencies are estimates from published
 * measurements of that generation (calibration ranges in docs/calibration.md): L2 hit about
 * 14 cycles; a line in the other die of the same package crosses the front-side bus, about
 * 100 cycles; the other socket about 150 cycles (snoop over two FSBs); memory about 250.
 * Further lines of one sequential access stream at the bandwidth of their source: about
 * 10 GB/s over the 1333 MT/s front-side bus, so 64 bytes every 14-16 cycles. */
#include "platform.h"

#include <stddef.h>
#include <stdio.h>

#define PL_OFF(f) offsetof(platform_cfg, f)
const cfg_param platform_params[] = {
    {"name", CFG_STR, "", 0, 0, "xeon5300-2s", "label of the platform", PL_OFF(name), NULL},
    {"sockets", CFG_INT, "", 1, 8, "2", "processor packages", PL_OFF(sockets), NULL},
    {"cores_per_socket", CFG_INT, "", 1, 32, "4", "cores in each package", PL_OFF(cores_per_socket), NULL},
    {"cores_per_l2", CFG_INT, "", 1, 32, "2", "consecutive cores sharing one L2 (a cache domain)", PL_OFF(cores_per_l2), NULL},
    {"ghz", CFG_FLOAT, "ghz", 0.1, 10, "2.33", "core clock", PL_OFF(ghz), NULL},
    {"l2_kib", CFG_INT, "kib", 64, 1048576, "4096", "capacity of each L2", PL_OFF(l2_kib), NULL},
    {"line_bytes", CFG_INT, "bytes", 16, 512, "64", "cache line size", PL_OFF(line_bytes), NULL},
    {"base_cpi", CFG_FLOAT, "", 0.1, 10, "1.0", "cycles per instruction when data is in L1 (estimate)", PL_OFF(base_cpi), NULL},
    {"l2_hit_cycles", CFG_FLOAT, "cycles", 0, 1000, "14", "a line found in this core's L2", PL_OFF(l2_hit_cycles), NULL},
    {"l2_same_socket_cycles", CFG_FLOAT, "cycles", 0, 10000, "100", "a line held by another L2 of the same socket", PL_OFF(l2_same_socket_cycles), NULL},
    {"l2_other_socket_cycles", CFG_FLOAT, "cycles", 0, 10000, "150", "a line held by an L2 of another socket", PL_OFF(l2_other_socket_cycles), NULL},
    {"mem_cycles", CFG_FLOAT, "cycles", 0, 10000, "250", "a line from memory", PL_OFF(mem_cycles), NULL},
    {"l2_hit_stream_cycles", CFG_FLOAT, "cycles", 0, 1000, "2", "each further line of an access that hits (L2 bandwidth)", PL_OFF(l2_hit_stream_cycles), NULL},
    {"l2_same_socket_stream_cycles", CFG_FLOAT, "cycles", 0, 10000, "14", "each further line from another L2 of the socket (front-side bus bandwidth)", PL_OFF(l2_same_socket_stream_cycles), NULL},
    {"l2_other_socket_stream_cycles", CFG_FLOAT, "cycles", 0, 10000, "16", "each further line from another socket", PL_OFF(l2_other_socket_stream_cycles), NULL},
    {"mem_stream_cycles", CFG_FLOAT, "cycles", 0, 10000, "14", "each further line from memory (prefetched, bandwidth-bound)", PL_OFF(mem_stream_cycles), NULL},
    {NULL, 0, NULL, 0, 0, NULL, NULL, 0, NULL},
};

bool platform_check(const platform_cfg *p, char *buf, size_t n, const char **key) {
  if (platform_cores(p) > PLATFORM_MAX_CORES) {
    *key = "platform.cores_per_socket";
    snprintf(buf, n, "%d cores in all; at most %d are supported", platform_cores(p), PLATFORM_MAX_CORES);
    return false;
  }
  if (p->cores_per_socket % p->cores_per_l2 != 0) {
    *key = "platform.cores_per_l2";
    snprintf(buf, n, "%lld cores per L2 do not divide %lld cores per socket", (long long)p->cores_per_l2,
             (long long)p->cores_per_socket);
    return false;
  }
  if (platform_l2_count(p) > PLATFORM_MAX_L2) {
    *key = "platform.cores_per_l2";
    snprintf(buf, n, "%d L2 caches; at most %d are supported", platform_l2_count(p), PLATFORM_MAX_L2);
    return false;
  }
  return true;
}
