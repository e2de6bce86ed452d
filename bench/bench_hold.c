/* bench_hold.c PENDING EVENTS: the classic hold model on viosim's kernel. PENDING events are
 * scheduled at exponential times; each, when run, schedules one successor an exponential
 * time (mean 1 us) later, until EVENTS have run. The same workload as ns3_hold.cc. */
#include <stdlib.h>

#include <gsl/gsl_randist.h>

#include "bench_util.h"
#include "sim.h"

typedef struct {
  unsigned long long left;
  gsl_rng *r;
} hold;

static void hold_fire(sim_t *sim, void *ctx, uint64_t arg) {
  hold *h = ctx;
  if (h->left == 0) return;
  h->left--;
  sim_after(sim, (vs_time_ps)gsl_ran_exponential(h->r, 1e6), hold_fire, h, arg);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: bench_hold PENDING EVENTS\n");
    return 1;
  }
  long pending = atol(argv[1]);
  unsigned long long events = strtoull(argv[2], NULL, 10);
  sim_t *sim = sim_new(1, 0);
  hold h = {events, sim_rng(sim, "hold")};
  for (long i = 0; i < pending; i++) sim_at(sim, (vs_time_ps)gsl_ran_exponential(h.r, 1e6), hold_fire, &h, 0);
  double t0 = bench_wall();
  uint64_t ran = sim_run(sim, VS_TIME_NEVER);
  double wall = bench_wall() - t0;
  char name[64];
  snprintf(name, sizeof name, "hold_%ld", pending);
  bench_report(name, "viosim", (unsigned long long)ran, wall, "");
  sim_free(sim);
  return 0;
}
