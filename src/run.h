/* run.h: run the replications of a configuration and keep what they report. */
#ifndef VS_RUN_H
#define VS_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

typedef struct {
  size_t rows, cols;
  double *time_ms;
  double *values; /* rows x cols */
} run_series;

typedef struct {
  size_t n_reps, n_metrics, n_series;
  char **metric_names; /* identical across replications (checked) */
  double *metrics;     /* n_reps x n_metrics */
  char **series_names;
  run_series *series;  /* one per replication */
  uint64_t *events;    /* executed per replication */
  double wall_s;
  double sim_s;        /* simulated seconds per replication */
} run_result;

/* Runs every replication in turn. progress: print a status line on stderr while running. */
void run_all(const vs_config *cfg, run_result *res, bool progress);
void run_result_free(run_result *res);
/* Index of a metric by name, or -1. */
long run_metric_index(const run_result *res, const char *name);

#endif
