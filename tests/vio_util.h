/* vio_util.h: load a vio configuration from YAML text for tests, build and run it. */
#ifndef VS_VIO_UTIL_H
#define VS_VIO_UTIL_H

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "host.h"
#include "run.h"

static inline bool vio_load(const char *yaml, vs_config *cfg) {
  char path[] = "/tmp/viosim-test-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return false;
  FILE *f = fdopen(fd, "w");
  fputs(yaml, f);
  fclose(f);
  cfg_err err;
  memset(cfg, 0, sizeof *cfg);
  bool ok = vs_config_load(path, NULL, 0, cfg, &err);
  if (!ok) fprintf(stderr, "config: %s\n%s\n", err.msg, yaml);
  unlink(path);
  return ok;
}

/* Run one replication; returns the value of a metric, NAN if missing. */
static inline double vio_metric(const run_result *r, const char *name) {
  long i = run_metric_index(r, name);
  if (i < 0) {
    fprintf(stderr, "no metric %s\n", name);
    return NAN;
  }
  return r->metrics[i];
}

#endif
