/* mm1.c: M/M/1, first come first served. Poisson arrivals at arrival_per_s, exponential
 * service at service_per_s, one server, unlimited waiting room. Waiting customers are a ring
 * of arrival times that grows by doubling (never per event once it has reached the peak).
 *
 * Reported: mean wait in queue (s and in service times), mean number in system
 * (time-weighted), server utilisation, customers served. Theory for checking: with
 * rho = lambda/mu < 1, Wq = rho / (mu - lambda), L = rho / (1 - rho), utilisation = rho. */
#include "mm1.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rstat.h>

#include "stats.h"

#define MM1_OFF(f) offsetof(mm1_cfg, f)
const cfg_param mm1_params[] = {
    {"arrival_per_s", CFG_FLOAT, "per_s", 1e-6, 1e12, "900000", "Poisson arrival rate (lambda)", MM1_OFF(arrival_per_s), NULL},
    {"service_per_s", CFG_FLOAT, "per_s", 1e-6, 1e12, "1000000", "exponential service rate (mu)", MM1_OFF(service_per_s), NULL},
    {"customers", CFG_INT, "", 0, 1e15, "0", "stop after this many departures (0: run for sim.duration_ms)", MM1_OFF(customers), NULL},
    {NULL, 0, NULL, 0, 0, NULL, NULL, 0, NULL},
};

struct mm1 {
  sim_t *sim;
  gsl_rng *rng_arrive, *rng_serve;
  double mean_interarrival_ps, mean_service_ps;
  int64_t stop_after;
  vs_time_ps *waiting; /* ring of arrival times */
  size_t head, count, cap;
  bool busy;
  uint64_t served, arrived;
  gsl_rstat_workspace *wait_ps;
  stats_tw in_system, busy_tw;
};

static vs_time_ps mm1_draw(gsl_rng *r, double mean_ps) {
  return (vs_time_ps)(gsl_ran_exponential(r, mean_ps) + 0.5);
}

static void mm1_depart(sim_t *sim, void *ctx, uint64_t arg);

static void mm1_start_service(mm1_t *m, vs_time_ps arrived_ps) {
  vs_time_ps now = sim_now(m->sim);
  gsl_rstat_add((double)(now - arrived_ps), m->wait_ps);
  m->busy = true;
  sim_after(m->sim, mm1_draw(m->rng_serve, m->mean_service_ps), mm1_depart, m, 0);
}

static void mm1_arrive(sim_t *sim, void *ctx, uint64_t arg) {
  mm1_t *m = ctx;
  vs_time_ps now = sim_now(sim);
  m->arrived++;
  stats_tw_add(&m->in_system, now, 1);
  if (!m->busy) {
    stats_tw_set(&m->busy_tw, now, 1);
    mm1_start_service(m, now);
  } else {
    if (m->count == m->cap) {
      size_t cap = m->cap * 2;
      vs_time_ps *w = vs_xmalloc(cap * sizeof *w);
      for (size_t i = 0; i < m->count; i++) w[i] = m->waiting[(m->head + i) % m->cap];
      free(m->waiting);
      m->waiting = w;
      m->head = 0;
      m->cap = cap;
    }
    m->waiting[(m->head + m->count) % m->cap] = now;
    m->count++;
  }
  sim_after(sim, mm1_draw(m->rng_arrive, m->mean_interarrival_ps), mm1_arrive, m, 0);
}

static void mm1_depart(sim_t *sim, void *ctx, uint64_t arg) {
  mm1_t *m = ctx;
  vs_time_ps now = sim_now(sim);
  m->served++;
  stats_tw_add(&m->in_system, now, -1);
  m->busy = false;
  if (m->count > 0) {
    vs_time_ps t = m->waiting[m->head];
    m->head = (m->head + 1) % m->cap;
    m->count--;
    mm1_start_service(m, t);
  } else {
    stats_tw_set(&m->busy_tw, now, 0);
  }
  if (m->stop_after > 0 && m->served >= (uint64_t)m->stop_after) sim_stop(sim);
}

static void mm1_warmup(sim_t *sim, void *ctx) {
  mm1_t *m = ctx;
  gsl_rstat_reset(m->wait_ps);
  stats_tw_reset(&m->in_system, sim_now(sim));
  stats_tw_reset(&m->busy_tw, sim_now(sim));
  m->served = 0;
  m->arrived = 0;
}

static void mm1_report(sim_t *sim, void *ctx) {
  mm1_t *m = ctx;
  vs_time_ps now = sim_now(sim);
  double wq = gsl_rstat_mean(m->wait_ps);
  sim_metric(sim, "mm1_customers", (double)m->served);
  sim_metric(sim, "mm1_wait_us", wq / (double)VS_PS_PER_US);
  sim_metric(sim, "mm1_wait_service_times", wq / m->mean_service_ps);
  sim_metric(sim, "mm1_in_system", stats_tw_mean(&m->in_system, now));
  sim_metric(sim, "mm1_utilization", stats_tw_mean(&m->busy_tw, now));
}

static double mm1_probe_queue(void *ctx, vs_time_ps now) {
  const mm1_t *m = ctx;
  return (double)m->count;
}

mm1_t *mm1_new(sim_t *sim, const mm1_cfg *cfg) {
  mm1_t *m = vs_xcalloc(1, sizeof *m);
  m->sim = sim;
  m->rng_arrive = sim_rng(sim, "mm1.arrivals");
  m->rng_serve = sim_rng(sim, "mm1.service");
  m->mean_interarrival_ps = (double)VS_PS_PER_S / cfg->arrival_per_s;
  m->mean_service_ps = (double)VS_PS_PER_S / cfg->service_per_s;
  m->stop_after = cfg->customers;
  m->cap = 1024;
  m->waiting = vs_xmalloc(m->cap * sizeof *m->waiting);
  m->wait_ps = gsl_rstat_alloc();
  stats_tw_init(&m->in_system, sim_now(sim), 0);
  stats_tw_init(&m->busy_tw, sim_now(sim), 0);
  sim_on_warmup(sim, mm1_warmup, m);
  sim_on_report(sim, mm1_report, m);
  sim_series(sim, "mm1_queue", mm1_probe_queue, m);
  sim_after(sim, mm1_draw(m->rng_arrive, m->mean_interarrival_ps), mm1_arrive, m, 0);
  return m;
}

void mm1_free(mm1_t *m) {
  if (!m) return;
  gsl_rstat_free(m->wait_ps);
  free(m->waiting);
  free(m);
}

uint64_t mm1_served(const mm1_t *m) { return m->served; }
double mm1_mean_wait_s(const mm1_t *m) { return gsl_rstat_mean(m->wait_ps) / (double)VS_PS_PER_S; }
