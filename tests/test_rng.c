/* test_rng.c: random streams are reproducible from (seed, replication, component), differ
 * between components and replications, do not shift when components are added, and look
 * independent (correlation near zero) and uniform (mean and variance of U(0,1)). */
#include <gsl/gsl_statistics_double.h>

#include "check.h"
#include "sim.h"

enum { N = 100000 };
static double a[N], b[N];

static void fill(gsl_rng *r, double *x) {
  for (size_t i = 0; i < N; i++) x[i] = gsl_rng_uniform(r);
}

int main(void) {
  /* Same (seed, replication, name): same draws, in another simulation too. */
  sim_t *s1 = sim_new(42, 3), *s2 = sim_new(42, 3);
  fill(sim_rng(s1, "netback"), a);
  (void)sim_rng(s2, "some.other.component"); /* created first: must not matter */
  fill(sim_rng(s2, "netback"), b);
  CHECK(memcmp(a, b, sizeof a) == 0, "same stream differs");
  CHECK(sim_rng(s1, "netback") == sim_rng(s1, "netback"), "same name, two streams");

  /* Other component, replication or seed: other draws, uncorrelated. */
  struct {
    uint64_t seed;
    uint32_t rep;
    const char *name;
  } other[] = {{42, 3, "netfront"}, {42, 4, "netback"}, {43, 3, "netback"}};
  for (size_t k = 0; k < 3; k++) {
    sim_t *s = sim_new(other[k].seed, other[k].rep);
    fill(sim_rng(s, other[k].name), b);
    CHECK(memcmp(a, b, sizeof a) != 0, "case %zu equal", k);
    double r = gsl_stats_correlation(a, 1, b, 1, N);
    CHECK(fabs(r) < 0.015, "case %zu correlation %g", k, r); /* sd of r is 1/sqrt(N) = 0.003 */
    sim_free(s);
  }
  CHECK(sim_stream_seed(1, 0, "x") != sim_stream_seed(1, 1, "x"), "replication ignored");
  CHECK(sim_stream_seed(1, 0, "x") != sim_stream_seed(1, 0, "y"), "name ignored");

  /* Uniform: mean 1/2 and variance 1/12 within 5 standard errors. */
  double m = gsl_stats_mean(a, 1, N), v = gsl_stats_variance(a, 1, N);
  CHECK_NEAR(m, 0.5, 5 * sqrt(1.0 / 12 / N));
  CHECK_NEAR(v, 1.0 / 12, 5 * sqrt(1.0 / 180 / N));
  sim_free(s1);
  sim_free(s2);
  return check_done("test_rng");
}
