/* domain.h: domains (a driver domain, guests, or the one OS of native mode), their VCPUs'
 * placement, and the simple workloads of the machine alone: idle, CPU-bound, and periodic
 * (wakes every period, runs a burst, blocks: the shape of I/O-driven work). */
#ifndef VS_DOMAIN_H
#define VS_DOMAIN_H

#include "cfg.h"
#include "host.h"

typedef enum { DOM_DRIVER = 0, DOM_GUEST = 1 } domain_role;
typedef enum { WL_IDLE = 0, WL_CPU = 1, WL_PERIODIC = 2, WL_NET = 3 } domain_workload;

typedef struct {
  char name[CFG_STR_MAX];
  int role;
  int64_t vcpus, weight, cap_pct;
  char pin[CFG_STR_MAX];
  bool pin_each;
  int workload;
  double period_us, burst_us, phase_us;
} domain_cfg;

extern const cfg_param domain_params[];

/* Parse a CPU list ("", "0-3", "0,2,5-6") into a mask over n_cores; "" is every core. */
bool domain_parse_cpus(const char *s, int n_cores, uint64_t *mask, char *err, size_t n);
/* Checks of one domain against the platform; false with the key and a message. */
bool domain_check(const domain_cfg *d, int n_cores, char *buf, size_t n, const char **key);

/* Create the domain and its VCPUs in h (set-up). */
domain_t *domain_create(host_t *h, const domain_cfg *cfg);
/* Start the domain's workload (after sched_start). */
void domain_start(host_t *h, domain_t *d, const domain_cfg *cfg);
void domain_free(domain_t *d);

#endif
