/* test_stats.c: time-weighted means against hand integration, histogram quantiles against
 * the exponential distribution's closed form, confidence intervals against Student's t. */
#include <gsl/gsl_randist.h>

#include "check.h"
#include "sim.h"
#include "stats.h"

int main(void) {
  /* 2 for 10 ps, 5 for 30 ps, 0 for 60 ps: mean (20 + 150 + 0) / 100 = 1.7 */
  stats_tw tw;
  stats_tw_init(&tw, 0, 2);
  stats_tw_set(&tw, 10, 5);
  stats_tw_add(&tw, 40, -5);
  CHECK_NEAR(stats_tw_mean(&tw, 100), 1.7, 1e-12);
  CHECK_NEAR(stats_tw_area(&tw, 100), 170, 1e-9);
  stats_tw_reset(&tw, 100);
  stats_tw_set(&tw, 150, 4);
  CHECK_NEAR(stats_tw_mean(&tw, 200), 2.0, 1e-12); /* after reset: 0 for 50, 4 for 50 */
  stats_tw_init(&tw, 7, 3);
  CHECK_NEAR(stats_tw_mean(&tw, 7), 3.0, 0); /* no time passed: the current value */

  /* Exponential with mean 1: the p-quantile is -ln(1-p). */
  sim_t *sim = sim_new(9, 0);
  gsl_rng *r = sim_rng(sim, "stats");
  stats_hist h;
  stats_hist_init(&h, 400, 1e-4, 100);
  for (int i = 0; i < 200000; i++) stats_hist_add(&h, gsl_ran_exponential(r, 1.0));
  CHECK_NEAR(stats_hist_count(&h), 200000, 0);
  double ps[] = {0.1, 0.5, 0.9, 0.99};
  for (size_t i = 0; i < 4; i++) {
    double q = stats_hist_quantile(&h, ps[i]), want = -log(1 - ps[i]);
    CHECK(fabs(q - want) < 0.03 * want + 0.01, "quantile %g: %g, expected %g", ps[i], q, want);
  }
  double under = h.underflow, over = h.overflow;
  stats_hist_add(&h, 1e-9);
  stats_hist_add(&h, 1e9);
  CHECK(h.underflow == under + 1 && h.overflow == over + 1, "out-of-range samples counted");
  stats_hist_reset(&h);
  CHECK(stats_hist_count(&h) == 0 && isnan(stats_hist_quantile(&h, 0.5)), "reset");
  stats_hist_free(&h);

  /* n = 5, values 1..5: mean 3, sd sqrt(2.5), t(0.975, 4) = 2.776445 */
  double x[] = {1, 2, 3, 4, 5};
  stats_ci ci = stats_ci_of(x, 5, 0.95);
  CHECK_NEAR(ci.mean, 3, 1e-12);
  CHECK_NEAR(ci.sd, sqrt(2.5), 1e-12);
  CHECK_NEAR(ci.half_width, 2.7764451051977987 * sqrt(2.5) / sqrt(5), 1e-9);
  stats_ci one = stats_ci_of(x, 1, 0.95);
  CHECK(one.mean == 1 && isnan(one.half_width), "one replication has no interval");

  /* Coverage: 95% intervals of normal samples cover the true mean about 95% of the time. */
  int covered = 0, trials = 2000;
  for (int t = 0; t < trials; t++) {
    double s[8];
    for (int i = 0; i < 8; i++) s[i] = 10 + gsl_ran_gaussian(r, 2);
    stats_ci c = stats_ci_of(s, 8, 0.95);
    covered += fabs(c.mean - 10) <= c.half_width;
  }
  double cov = (double)covered / trials; /* sd of the estimate: sqrt(.95*.05/2000) = 0.005 */
  CHECK(fabs(cov - 0.95) < 0.02, "coverage %g", cov);
  sim_free(sim);
  return check_done("test_stats");
}
