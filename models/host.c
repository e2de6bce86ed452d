/* host.c: builds the machine from its configuration and reports its CPU-side metrics. */
#include "host.h"

#include <stdio.h>
#include <string.h>

#include "cpu.h"
#include "domain.h"
#include "evtchn.h"
#include "sched.h"

int host_stage(host_t *h, const char *name) {
  for (int i = 0; i < h->n_stages; i++)
    if (strcmp(h->stage_names[i], name) == 0) return i;
  VS_ASSERT(h->n_stages < HOST_MAX_STAGES, "more than %d stages", HOST_MAX_STAGES);
  h->stage_names[h->n_stages] = name;
  return h->n_stages++;
}

domain_t *host_domain(host_t *h, const char *name) {
  for (int i = 0; i < h->n_domains; i++)
    if (strcmp(h->domains[i]->name, name) == 0) return h->domains[i];
  return NULL;
}

static vs_time_ps host_domain_busy(const domain_t *d) {
  vs_time_ps t = 0;
  for (int i = 0; i < d->n_vcpus; i++) t += d->vcpus[i]->busy_ps;
  return t;
}

static vs_time_ps host_domain_busy_all(const domain_t *d) {
  vs_time_ps t = 0;
  for (int i = 0; i < d->n_vcpus; i++) t += d->vcpus[i]->busy_all_ps;
  return t;
}

double host_busy_cores(host_t *h) {
  cpu_flush(h);
  vs_time_ps span = sim_now(h->sim) - h->stats_from_ps, busy = 0;
  for (int i = 0; i < h->n_pcpus; i++) busy += h->pcpus[i].busy_ps;
  return span > 0 ? (double)busy / (double)span : 0;
}

static void host_warmup(sim_t *sim, void *ctx) {
  host_t *h = ctx;
  cpu_flush(h);
  sched_flush(h);
  for (int i = 0; i < h->n_pcpus; i++) {
    h->pcpus[i].busy_ps = 0;
    h->pcpus[i].switches = 0;
  }
  for (int d = 0; d < h->n_domains; d++) memset(h->domains[d]->stage_ps, 0, sizeof h->domains[d]->stage_ps);
  for (int i = 0; i < h->n_vcpus; i++) {
    vcpu_t *v = h->vcpus[i];
    v->busy_ps = 0;
    memset(v->pri_ps, 0, sizeof v->pri_ps);
    v->boosts = v->preemptions = v->migrations = v->switches_in = v->wakes = 0;
    stats_hist_reset(&v->wake_latency_us);
  }
  cache_reset_counts(h->cache);
  evtchn_reset_counts(h);
  h->stats_from_ps = sim_now(sim);
}

static void host_report(sim_t *sim, void *ctx) {
  host_t *h = ctx;
  cpu_flush(h);
  sched_flush(h);
  double span = (double)(sim_now(sim) - h->stats_from_ps);
  if (span <= 0) span = 1;
  char name[160];
  double total = 0;
  for (int i = 0; i < h->n_pcpus; i++) {
    snprintf(name, sizeof name, "pcpu%d.busy", i);
    sim_metric(sim, name, (double)h->pcpus[i].busy_ps / span);
    total += (double)h->pcpus[i].busy_ps / span;
  }
  sim_metric(sim, "cores_busy", total);
  for (int di = 0; di < h->n_domains; di++) {
    domain_t *d = h->domains[di];
    snprintf(name, sizeof name, "%s.cores", d->name);
    sim_metric(sim, name, (double)host_domain_busy(d) / span);
    for (int s = 0; s < h->n_stages; s++) {
      snprintf(name, sizeof name, "%s.stage.%s.cores", d->name, h->stage_names[s]);
      sim_metric(sim, name, (double)d->stage_ps[s] / span);
    }
    for (int vi = 0; vi < d->n_vcpus; vi++) {
      vcpu_t *v = d->vcpus[vi];
      vs_time_ps alive = v->pri_ps[0] + v->pri_ps[1] + v->pri_ps[2];
      static const char *const slot[] = {"boost", "under", "over"};
#define VM(fmt, val)                                              \
  do {                                                            \
    snprintf(name, sizeof name, "%s.v%d." fmt, d->name, vi);      \
    sim_metric(sim, name, (val));                                 \
  } while (0)
      VM("share", (double)v->busy_ps / span);
      for (int k = 0; k < PRI_SLOTS; k++) {
        snprintf(name, sizeof name, "%s.v%d.time_%s", d->name, vi, slot[k]);
        sim_metric(sim, name, (double)v->pri_ps[k] / span);
      }
      VM("runnable_time", (double)alive / span);
      VM("boosts", (double)v->boosts);
      VM("wakes", (double)v->wakes);
      VM("preemptions", (double)v->preemptions);
      VM("migrations", (double)v->migrations);
      VM("switches_in", (double)v->switches_in);
      VM("credit_end", (double)v->credit);
      VM("pcpu_end", (double)v->processor);
      double n = stats_hist_count(&v->wake_latency_us);
      VM("wake_to_run_us_p50", n > 0 ? stats_hist_quantile(&v->wake_latency_us, 0.5) : 0.0);
      VM("wake_to_run_us_p99", n > 0 ? stats_hist_quantile(&v->wake_latency_us, 0.99) : 0.0);
#undef VM
    }
    for (int w = 0; w < CACHE_WHERE; w++) {
      uint64_t lines = 0;
      for (int k = 0; k < CACHE_KINDS; k++) lines += cache_count(h->cache, d->id, (cache_kind)k, (cache_where)w);
      snprintf(name, sizeof name, "%s.cache.%s_lines", d->name, cache_where_names[w]);
      sim_metric(sim, name, (double)lines);
    }
  }
}

/* Time series: busy fraction of each pCPU and cores used by each domain over the last
 * interval, from counters the warm-up does not reset. Probes are called in registration order
 * at each sample: the first one flushes. */
typedef struct {
  host_t *h;
  int index; /* pCPU, or domain + PLATFORM_MAX_CORES */
} host_probe;

static double host_probe_fn(void *ctx, vs_time_ps now) {
  host_probe *hp = ctx;
  host_t *h = hp->h;
  if (hp->index == 0) cpu_flush(h);
  vs_time_ps dt = now - h->last_sample_ps;
  double v;
  if (hp->index < PLATFORM_MAX_CORES) {
    vs_time_ps b = h->pcpus[hp->index].busy_all_ps;
    v = dt > 0 ? (double)(b - h->last_pcpu_busy[hp->index]) / (double)dt : 0;
    h->last_pcpu_busy[hp->index] = b;
  } else {
    int di = hp->index - PLATFORM_MAX_CORES;
    vs_time_ps b = host_domain_busy_all(h->domains[di]);
    v = dt > 0 ? (double)(b - h->last_dom_busy[di]) / (double)dt : 0;
    h->last_dom_busy[di] = b;
    if (di == h->n_domains - 1) h->last_sample_ps = now;
  }
  return v;
}

typedef struct {
  host_t host;
  host_probe probes[PLATFORM_MAX_CORES + HOST_MAX_DOMAINS];
} host_box;

host_t *host_new(sim_t *sim, const platform_cfg *pl, const sched_cfg *sc, const void *domain_cfgs, size_t n_domains) {
  host_box *box = vs_xcalloc(1, sizeof *box);
  host_t *h = &box->host;
  h->sim = sim;
  h->plat = pl;
  h->sc = sc;
  h->domain_cfgs = domain_cfgs;
  h->n_pcpus = platform_cores(pl);
  h->cache = cache_new(pl, (int)n_domains);
  h->stage_switch = host_stage(h, "switch");
  h->stage_upcall = host_stage(h, "upcall");
  h->stage_evtchn = host_stage(h, "evtchn_send");
  for (int i = 0; i < h->n_pcpus; i++) {
    pcpu_t *p = &h->pcpus[i];
    p->id = i;
    p->seg_stage = -1;
  }
  const domain_cfg *dc = domain_cfgs;
  for (size_t i = 0; i < n_domains; i++) {
    domain_t *d = domain_create(h, &dc[i]);
    d->kernel_ws = cache_buf_new(h->cache, (uint32_t)(sc->kernel_ws_kib * 1024), CACHE_KERNEL);
  }
  sim_on_warmup(sim, host_warmup, h);
  sim_on_report(sim, host_report, h);
  int k = 0;
  char name[96];
  for (int i = 0; i < h->n_pcpus; i++, k++) {
    box->probes[k] = (host_probe){h, i};
    snprintf(name, sizeof name, "pcpu%d.busy", i);
    sim_series(sim, name, host_probe_fn, &box->probes[k]);
  }
  for (int d = 0; d < h->n_domains; d++, k++) {
    box->probes[k] = (host_probe){h, PLATFORM_MAX_CORES + d};
    snprintf(name, sizeof name, "%s.cores", h->domains[d]->name);
    sim_series(sim, name, host_probe_fn, &box->probes[k]);
  }
  return h;
}

void host_start(host_t *h) {
  sched_start(h);
  const domain_cfg *dc = h->domain_cfgs;
  for (int i = 0; i < h->n_domains; i++) domain_start(h, h->domains[i], &dc[i]);
}

void host_free(host_t *h) {
  if (!h) return;
  for (int i = 0; i < h->n_domains; i++) domain_free(h->domains[i]);
  cache_free(h->cache);
  free((host_box *)h);
}
