/* config.h: the whole configuration of a run: the sim section common to every config and
 * one section per model component, each declared by its component's parameter table. */
#ifndef VS_CONFIG_H
#define VS_CONFIG_H

#include <stdint.h>

#include "cfg.h"
#include "domain.h"
#include "host.h"
#include "mm1.h"
#include "net.h"
#include "platform.h"
#include "sched.h"

typedef enum { VS_MODEL_MM1 = 0, VS_MODEL_VIO = 1 } vs_model_kind;

typedef struct {
  int model; /* vs_model_kind */
  double duration_ms, warmup_ms, sample_ms;
  int64_t seed, replications;
  double confidence;
} sim_cfg;

typedef struct {
  sim_cfg sim;
  mm1_cfg mm1;
  platform_cfg platform;
  sched_cfg sched;
  domain_cfg domains[HOST_MAX_DOMAINS];
  size_t n_domains;
  net_cfg net; /* sections link, nic, bridge, netback, netfront, tcp and the flows list */
} vs_config;

extern const cfg_section vs_schema[];

/* Load, apply --set assignments, bind, check relations between keys. On failure err holds one
 * message naming file, line, column and key. */
bool vs_config_load(const char *path, const char *const *sets, size_t n_sets, vs_config *cfg, cfg_err *err);

#endif
