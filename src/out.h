/* out.h: the result files of a run, written aside and renamed into place together, so a
 * results folder holds either a whole run or none of it.
 *   summary.csv     metric,kind,replication,value: one row per replication and metric, then
 *                   per metric its mean, sd, and the confidence interval's low and high ends.
 *   timeseries.csv  replication,time_ms,<probe>...: the sampled probes.
 *   manifest.json   version, git revision, config file and hash, seed, replications, events,
 *                   the resolved config; wall-clock time, events per wall second and peak
 *                   memory last (they alone differ between two runs of the same config and seed).
 */
#ifndef VS_OUT_H
#define VS_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "cfg.h"
#include "config.h"
#include "run.h"

bool out_write_results(const char *dir, const vs_config *cfg, const char *config_path, const run_result *res,
                       cfg_err *err);
void out_write_summary(FILE *f, const vs_config *cfg, const run_result *res);
void out_write_timeseries(FILE *f, const run_result *res);
void out_write_manifest(FILE *f, const vs_config *cfg, const char *config_path, const run_result *res);
/* FNV-1a 64 of the resolved config as written by cfg_write_yaml. */
uint64_t out_config_hash(const vs_config *cfg);
/* A number for CSV: %.12g, or NA when not finite. */
void out_csv_number(FILE *f, double v);
void out_json_string(FILE *f, const char *s);
/* mkdir -p. */
bool out_mkdirs(const char *dir);

#endif
