/* run.c: builds the configured model on a fresh simulation for each replication, runs it
 * through warm-up to the end, and gathers its metrics and time series. */
#include "run.h"

#include <string.h>
#include <time.h>

#include "sim.h"

static double run_wall_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void run_warmup_handler(sim_t *sim, void *ctx, uint64_t arg) { sim_warmup_now(sim); }

typedef struct {
  void *model;
  void (*free_fn)(void *);
} run_model;

static void run_mm1_free(void *m) { mm1_free(m); }
typedef struct {
  host_t *h;
  net_t *net;
} run_vio;

static void run_vio_free(void *m) {
  run_vio *v = m;
  net_free(v->net);
  host_free(v->h);
  free(v);
}

static run_model run_build(sim_t *sim, const vs_config *cfg) {
  switch ((vs_model_kind)cfg->sim.model) {
  case VS_MODEL_MM1:
    return (run_model){mm1_new(sim, &cfg->mm1), run_mm1_free};
  case VS_MODEL_VIO: {
    run_vio *v = vs_xcalloc(1, sizeof *v);
    v->h = host_new(sim, &cfg->platform, &cfg->sched, cfg->domains, cfg->n_domains);
    if (cfg->net.n_flows > 0) {
      vs_time_ps sample = (vs_time_ps)(cfg->sim.sample_ms * (double)VS_PS_PER_MS + 0.5);
      v->net = net_new(sim, v->h, &cfg->net, sample);
    }
    host_start(v->h);
    return (run_model){v, run_vio_free};
  }
  }
  VS_ASSERT(0, "unknown model %d", cfg->sim.model);
  return (run_model){NULL, NULL};
}

static void run_progress(size_t rep, size_t reps, vs_time_ps now, vs_time_ps end, uint64_t events, double wall0) {
  double wall = run_wall_now();
  double rate = wall > wall0 ? (double)events / (wall - wall0) : 0;
  double frac = ((double)rep + (double)now / (double)end) / (double)reps;
  double eta = frac > 0 ? (wall - wall0) * (1 - frac) / frac : 0;
  fprintf(stderr, "\r  replication %zu/%zu  sim %.1f/%.1f ms  %.2f M events/s  ETA %.0f s   ", rep + 1, reps,
          (double)now / (double)VS_PS_PER_MS, (double)end / (double)VS_PS_PER_MS, rate / 1e6, eta);
}

void run_all(const vs_config *cfg, run_result *res, bool progress) {
  memset(res, 0, sizeof *res);
  size_t reps = (size_t)cfg->sim.replications;
  res->n_reps = reps;
  res->series = vs_xcalloc(reps, sizeof *res->series);
  res->events = vs_xcalloc(reps, sizeof *res->events);
  vs_time_ps end = (vs_time_ps)(cfg->sim.duration_ms * (double)VS_PS_PER_MS + 0.5);
  vs_time_ps warm = (vs_time_ps)(cfg->sim.warmup_ms * (double)VS_PS_PER_MS + 0.5);
  vs_time_ps sample = (vs_time_ps)(cfg->sim.sample_ms * (double)VS_PS_PER_MS + 0.5);
  if (sample < 1) sample = 1;
  res->sim_s = (double)end / (double)VS_PS_PER_S;
  double wall0 = run_wall_now();
  uint64_t total_events = 0;
  for (size_t r = 0; r < reps; r++) {
    sim_t *sim = sim_new((uint64_t)cfg->sim.seed, (uint32_t)r);
    run_model m = run_build(sim, cfg);
    sim_at(sim, warm, run_warmup_handler, NULL, 0);
    sim_series_start(sim, sample);
    if (progress) {
      /* Run in slices so the status line moves; slicing adds no events. */
      const int slices = 200;
      for (int s = 1; s <= slices; s++) {
        vs_time_ps until = end / slices * s;
        if (s == slices) until = end;
        sim_run(sim, until);
        run_progress(r, reps, sim_now(sim), end, total_events + sim_events_executed(sim), wall0);
        if (sim_now(sim) < until) break; /* stopped early by the model */
      }
    } else {
      sim_run(sim, end);
    }
    sim_report(sim);
    res->events[r] = sim_events_executed(sim);
    total_events += res->events[r];
    size_t nm = sim_metric_count(sim);
    if (r == 0) {
      res->n_metrics = nm;
      res->metric_names = vs_xcalloc(nm, sizeof *res->metric_names);
      for (size_t i = 0; i < nm; i++) res->metric_names[i] = vs_xstrdup(sim_metric_name(sim, i));
      res->metrics = vs_xcalloc(reps * (nm ? nm : 1), sizeof *res->metrics);
      res->n_series = sim_series_count(sim);
      res->series_names = vs_xcalloc(res->n_series, sizeof *res->series_names);
      for (size_t i = 0; i < res->n_series; i++) res->series_names[i] = vs_xstrdup(sim_series_name(sim, i));
    }
    VS_ASSERT(nm == res->n_metrics, "replication %zu reported %zu metrics, the first %zu", r, nm, res->n_metrics);
    for (size_t i = 0; i < nm; i++) {
      VS_ASSERT(strcmp(res->metric_names[i], sim_metric_name(sim, i)) == 0, "metric %zu differs: %s vs %s", i,
                res->metric_names[i], sim_metric_name(sim, i));
      res->metrics[r * nm + i] = sim_metric_value(sim, i);
    }
    run_series *s = &res->series[r];
    s->rows = sim_series_rows(sim);
    s->cols = sim_series_count(sim);
    s->time_ms = vs_xcalloc(s->rows, sizeof *s->time_ms);
    s->values = vs_xcalloc(s->rows * (s->cols ? s->cols : 1), sizeof *s->values);
    for (size_t row = 0; row < s->rows; row++) {
      s->time_ms[row] = (double)sim_series_time(sim, row) / (double)VS_PS_PER_MS;
      for (size_t c = 0; c < s->cols; c++) s->values[row * s->cols + c] = sim_series_value(sim, row, c);
    }
    m.free_fn(m.model);
    sim_free(sim);
  }
  if (progress) fprintf(stderr, "\r%*s\r", 100, "");
  res->wall_s = run_wall_now() - wall0;
}

long run_metric_index(const run_result *res, const char *name) {
  for (size_t i = 0; i < res->n_metrics; i++)
    if (strcmp(res->metric_names[i], name) == 0) return (long)i;
  return -1;
}

void run_result_free(run_result *res) {
  for (size_t i = 0; i < res->n_metrics; i++) free(res->metric_names[i]);
  for (size_t i = 0; i < res->n_series; i++) free(res->series_names[i]);
  for (size_t r = 0; r < res->n_reps; r++) {
    free(res->series[r].time_ms);
    free(res->series[r].values);
  }
  free(res->metric_names);
  free(res->series_names);
  free(res->metrics);
  free(res->series);
  free(res->events);
  memset(res, 0, sizeof *res);
}
