/* test_mm1.c: M/M/1 on the kernel against queueing theory, over replications.
 * rho = 0.9: Wq = rho/(mu - lambda) = 9 service times; L = rho/(1-rho) = 9; busy = rho.
 * A second load, rho = 0.5: Wq = 1 service time, L = 1. */
#include "check.h"
#include "config.h"
#include "run.h"
#include "stats.h"

static void check_load(double lambda, double mu, int reps) {
  vs_config cfg;
  cfg_defaults(vs_schema, &cfg);
  cfg.sim.duration_ms = 1000;
  cfg.sim.warmup_ms = 50;
  cfg.sim.replications = reps;
  cfg.sim.seed = 11;
  cfg.mm1.arrival_per_s = lambda;
  cfg.mm1.service_per_s = mu;
  run_result res;
  run_all(&cfg, &res, false);
  double rho = lambda / mu;
  struct {
    const char *name;
    double theory;
  } want[] = {{"mm1_wait_service_times", rho / (1 - rho)},
              {"mm1_in_system", rho / (1 - rho)},
              {"mm1_utilization", rho}};
  for (size_t k = 0; k < 3; k++) {
    long i = run_metric_index(&res, want[k].name);
    CHECK(i >= 0, "metric %s missing", want[k].name);
    if (i < 0) continue;
    double *x = calloc(res.n_reps, sizeof *x);
    for (size_t r = 0; r < res.n_reps; r++) x[r] = res.metrics[r * res.n_metrics + (size_t)i];
    stats_ci ci = stats_ci_of(x, res.n_reps, 0.99);
    CHECK(fabs(ci.mean - want[k].theory) <= ci.half_width,
          "rho %.2f %s: %.4f +- %.4f does not cover theory %.4f", rho, want[k].name, ci.mean, ci.half_width,
          want[k].theory);
    CHECK(ci.half_width < 0.05 * want[k].theory, "rho %.2f %s: interval too wide (%.4f)", rho, want[k].name,
          ci.half_width);
    free(x);
  }
  /* Throughput: lambda customers per second after warm-up. */
  long i = run_metric_index(&res, "mm1_customers");
  double served = res.metrics[i];
  CHECK(fabs(served - lambda * 0.95) < 5 * sqrt(lambda * 0.95) * (1 + rho) / (1 - rho),
        "served %g, expected about %g", served, lambda * 0.95);
  run_result_free(&res);
}

int main(void) {
  check_load(900000, 1000000, 8);
  check_load(500000, 1000000, 8);
  return check_done("test_mm1");
}
