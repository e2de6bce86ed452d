/* domain.c: domains, VCPU placement and the machine-only workloads; see domain.h. */
#include "domain.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cpu.h"
#include "evtchn.h"

static const char *const domain_roles[] = {"driver", "guest", NULL};
static const char *const domain_workloads[] = {"idle", "cpu", "periodic", "net", NULL};

#define DOM_OFF(f) offsetof(domain_cfg, f)
const cfg_param domain_params[] = {
    {"name", CFG_STR, "", 0, 0, NULL, "the domain's name (dom0, guest1, ...)", DOM_OFF(name), NULL},
    {"role", CFG_ENUM, "", 0, 0, "guest", "driver: runs the NIC driver, bridge and netback; guest: netfront and applications", DOM_OFF(role), domain_roles},
    {"vcpus", CFG_INT, "", 1, 32, "1", "virtual CPUs", DOM_OFF(vcpus), NULL},
    {"weight", CFG_INT, "", 1, 65535, "256", "credit scheduler weight (CSCHED_DEFAULT_WEIGHT 256)", DOM_OFF(weight), NULL},
    {"cap_pct", CFG_INT, "pct", 0, 3200, "0", "cap in percent of one pCPU; 0: no cap", DOM_OFF(cap_pct), NULL},
    {"pin", CFG_STR, "", 0, 0, "all", "pCPUs the VCPUs may run on: all, or a list such as 0-3,6", DOM_OFF(pin), NULL},
    {"pin_each", CFG_BOOL, "", 0, 0, "false", "pin VCPU i to the i-th pCPU of the list instead of the whole list", DOM_OFF(pin_each), NULL},
    {"workload", CFG_ENUM, "", 0, 0, "idle", "idle; cpu: always runnable; periodic: burst_us of work every period_us; net: driven by the network path", DOM_OFF(workload), domain_workloads},
    {"period_us", CFG_FLOAT, "us", 1, 1e9, "10000", "periodic workload: period", DOM_OFF(period_us), NULL},
    {"burst_us", CFG_FLOAT, "us", 0, 1e9, "1000", "periodic workload: CPU time per period", DOM_OFF(burst_us), NULL},
    {"phase_us", CFG_FLOAT, "us", 0, 1e9, "0", "periodic workload: first wake-up", DOM_OFF(phase_us), NULL},
    {NULL, 0, NULL, 0, 0, NULL, NULL, 0, NULL},
};

bool domain_parse_cpus(const char *s, int n_cores, uint64_t *mask, char *err, size_t n) {
  uint64_t m = 0;
  if (strcmp(s, "all") == 0) {
    *mask = n_cores >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << n_cores) - 1;
    return true;
  }
  const char *p = s;
  while (*p) {
    char *end;
    long a = strtol(p, &end, 10);
    if (end == p) {
      snprintf(err, n, "expected a list of pCPUs such as 0-3,6 or 'all', got '%s'", s);
      return false;
    }
    long b = a;
    p = end;
    if (*p == '-') {
      b = strtol(p + 1, &end, 10);
      if (end == p + 1) {
        snprintf(err, n, "expected a number after '-' in '%s'", s);
        return false;
      }
      p = end;
    }
    if (a < 0 || b < a || b >= n_cores) {
      snprintf(err, n, "pCPUs %ld-%ld are not among the platform's 0-%d", a, b, n_cores - 1);
      return false;
    }
    for (long c = a; c <= b; c++) m |= UINT64_C(1) << c;
    if (*p == ',') p++;
    else if (*p) {
      snprintf(err, n, "unexpected '%c' in '%s'", *p, s);
      return false;
    }
  }
  *mask = m;
  return true;
}

bool domain_check(const domain_cfg *d, int n_cores, char *buf, size_t n, const char **key) {
  uint64_t mask;
  if (!domain_parse_cpus(d->pin, n_cores, &mask, buf, n)) {
    *key = "pin";
    return false;
  }
  if (d->pin_each && __builtin_popcountll(mask) < d->vcpus) {
    *key = "pin_each";
    snprintf(buf, n, "%lld VCPUs pinned one per pCPU need %lld pCPUs in 'pin', which has %d", (long long)d->vcpus,
             (long long)d->vcpus, __builtin_popcountll(mask));
    return false;
  }
  return true;
}

/* ---- workloads ---- */

typedef struct {
  work_t items[HOST_MAX_VCPUS];
  vs_time_ps period_ps, burst_ps;
  domain_t *dom;
  host_t *h;
} domain_wl;

static vs_time_ps wl_cpu_start(host_t *h, vcpu_t *v, work_t *w) { return VS_PS_PER_S; }
static bool wl_cpu_done(host_t *h, vcpu_t *v, work_t *w) { return true; }

static vs_time_ps wl_burst_start(host_t *h, vcpu_t *v, work_t *w) { return ((domain_wl *)w->ctx)->burst_ps; }
static bool wl_burst_done(host_t *h, vcpu_t *v, work_t *w) { return false; }

static void wl_period_fire(sim_t *sim, void *ctx, uint64_t arg) {
  domain_wl *wl = ctx;
  vcpu_t *v = wl->dom->vcpus[arg];
  cpu_enqueue(wl->h, v, &wl->items[arg]);
  sim_after(sim, wl->period_ps, wl_period_fire, wl, arg);
}

domain_t *domain_create(host_t *h, const domain_cfg *cfg) {
  VS_ASSERT(h->n_domains < HOST_MAX_DOMAINS, "more than %d domains", HOST_MAX_DOMAINS);
  VS_ASSERT(h->n_vcpus + cfg->vcpus <= HOST_MAX_VCPUS, "more than %d VCPUs", HOST_MAX_VCPUS);
  domain_t *d = vs_xcalloc(1, sizeof *d);
  d->id = h->n_domains;
  snprintf(d->name, sizeof d->name, "%s", cfg->name);
  d->weight = (int)cfg->weight;
  d->cap_pct = (int)cfg->cap_pct;
  d->n_vcpus = (int)cfg->vcpus;
  h->domains[h->n_domains++] = d;
  uint64_t mask;
  char err[160];
  bool ok = domain_parse_cpus(cfg->pin, h->n_pcpus, &mask, err, sizeof err);
  VS_ASSERT(ok, "domain %s: %s (should have been checked)", cfg->name, err);
  int allowed[64], n_allowed = 0;
  for (int c = 0; c < h->n_pcpus; c++)
    if ((mask >> c) & 1) allowed[n_allowed++] = c;
  for (int i = 0; i < d->n_vcpus; i++) {
    vcpu_t *v = vs_xcalloc(1, sizeof *v);
    v->id = h->n_vcpus;
    v->index = i;
    v->dom = d;
    /* Initial placement: VCPUs spread round-robin over their allowed pCPUs in creation order. */
    if (cfg->pin_each) {
      v->affinity = UINT64_C(1) << allowed[i % n_allowed];
      v->processor = allowed[i % n_allowed];
    } else {
      v->affinity = mask;
      v->processor = allowed[h->n_vcpus % n_allowed];
    }
    v->state = VCPU_BLOCKED;
    v->pri = PRI_UNDER;
    v->migrate_to = -1;
    v->woke_ps = -1;
    v->pri_since_ps = sim_now(h->sim);
    stats_hist_init(&v->wake_latency_us, 120, 1e-3, 1e6);
    evtchn_vcpu_init(h, v);
    d->vcpus[i] = v;
    h->vcpus[h->n_vcpus++] = v;
  }
  return d;
}

void domain_start(host_t *h, domain_t *d, const domain_cfg *cfg) {
  if (cfg->workload != WL_CPU && cfg->workload != WL_PERIODIC) return;
  domain_wl *wl = vs_xcalloc(1, sizeof *wl);
  wl->dom = d;
  wl->h = h;
  wl->period_ps = (vs_time_ps)(cfg->period_us * (double)VS_PS_PER_US + 0.5);
  wl->burst_ps = (vs_time_ps)(cfg->burst_us * (double)VS_PS_PER_US + 0.5);
  d->workload = wl;
  int app = host_stage(h, "app");
  for (int i = 0; i < d->n_vcpus; i++) {
    if (cfg->workload == WL_CPU) {
      cpu_work_init(&wl->items[i], wl_cpu_start, wl_cpu_done, wl, app, WORK_USER);
      cpu_enqueue(h, d->vcpus[i], &wl->items[i]);
    } else {
      cpu_work_init(&wl->items[i], wl_burst_start, wl_burst_done, wl, app, WORK_USER);
      vs_time_ps phase = (vs_time_ps)(cfg->phase_us * (double)VS_PS_PER_US + 0.5);
      sim_after(h->sim, phase, wl_period_fire, wl, (uint64_t)i);
    }
  }
}

void domain_free(domain_t *d) {
  if (!d) return;
  for (int i = 0; i < d->n_vcpus; i++) {
    stats_hist_free(&d->vcpus[i]->wake_latency_us);
    free(d->vcpus[i]);
  }
  free(d->workload);
  free(d);
}
