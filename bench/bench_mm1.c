/* bench_mm1.c CUSTOMERS: M/M/1 at rho 0.9 until CUSTOMERS departures, with viosim's M/M/1
 * model (which also keeps GSL running statistics of the waits). Same workload as ns3_mm1.cc. */
#include <stdlib.h>

#include "bench_util.h"
#include "mm1.h"
#include "sim.h"

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: bench_mm1 CUSTOMERS\n");
    return 1;
  }
  mm1_cfg cfg = {900000, 1000000, atoll(argv[1])};
  double t0 = bench_wall();
  sim_t *sim = sim_new(1, 0);
  mm1_t *m = mm1_new(sim, &cfg);
  uint64_t ran = sim_run(sim, VS_TIME_NEVER);
  double wall = bench_wall() - t0;
  char extra[96];
  snprintf(extra, sizeof extra, "mean_wait_us=%.3f", mm1_mean_wait_s(m) * 1e6);
  bench_report("mm1_1M", "viosim", (unsigned long long)ran, wall, extra);
  mm1_free(m);
  sim_free(sim);
  return 0;
}
