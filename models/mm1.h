/* mm1.h: an M/M/1 queue on the kernel: the demonstration model and a check of the kernel
 * against queueing theory (mean wait in queue rho/(mu - lambda)). */
#ifndef VS_MM1_H
#define VS_MM1_H

#include <stdint.h>

#include "cfg.h"
#include "sim.h"

typedef struct {
  double arrival_per_s;
  double service_per_s;
  int64_t customers; /* stop after this many departures; 0: run for sim.duration_ms */
} mm1_cfg;

extern const cfg_param mm1_params[];

typedef struct mm1 mm1_t;

/* Registers warm-up and report hooks and a time-series probe with sim. */
mm1_t *mm1_new(sim_t *sim, const mm1_cfg *cfg);
void mm1_free(mm1_t *m);
uint64_t mm1_served(const mm1_t *m);
double mm1_mean_wait_s(const mm1_t *m);

#endif
