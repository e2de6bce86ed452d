/* stats.h: statistics gathered during a run and summarised over replications.
 *
 * - stats_tw: the time-weighted mean of a piecewise-constant quantity (queue length, busy).
 * - stats_hist: a histogram on logarithmic bins (GSL), for latencies spanning decades.
 * - stats_ci: mean and Student-t confidence interval over replications (GSL).
 * Observation means and variances use GSL's running statistics (gsl_rstat) directly.
 * All of them are reset at the end of the warm-up period by their owner's warm-up hook.
 */
#ifndef VS_STATS_H
#define VS_STATS_H

#include <stddef.h>

#include <gsl/gsl_histogram.h>

#include "vs.h"

typedef struct {
  vs_time_ps start_ps, last_ps;
  double value;
  double area; /* integral of value over [start_ps, last_ps], in value x ps */
} stats_tw;

void stats_tw_init(stats_tw *tw, vs_time_ps now_ps, double value);
/* The quantity changes to value at now_ps (>= the previous change). */
static inline void stats_tw_set(stats_tw *tw, vs_time_ps now_ps, double value) {
  tw->area += tw->value * (double)(now_ps - tw->last_ps);
  tw->last_ps = now_ps;
  tw->value = value;
}
static inline void stats_tw_add(stats_tw *tw, vs_time_ps now_ps, double delta) {
  stats_tw_set(tw, now_ps, tw->value + delta);
}
/* Discard the history before now_ps, keeping the current value. */
void stats_tw_reset(stats_tw *tw, vs_time_ps now_ps);
/* Mean over [start, now_ps]; the current value if no time has passed. */
double stats_tw_mean(const stats_tw *tw, vs_time_ps now_ps);
/* Integral over [start, now_ps] in value x ps. */
double stats_tw_area(const stats_tw *tw, vs_time_ps now_ps);

typedef struct {
  gsl_histogram *h;
  double underflow, overflow;
} stats_hist;

/* n_bins bins spaced logarithmically between lo > 0 and hi. */
void stats_hist_init(stats_hist *sh, size_t n_bins, double lo, double hi);
void stats_hist_free(stats_hist *sh);
void stats_hist_add(stats_hist *sh, double x);
void stats_hist_reset(stats_hist *sh);
double stats_hist_count(const stats_hist *sh);
/* The p-quantile (0 < p < 1), interpolated within its bin; NAN when empty. Values below lo
 * or above hi count at the ends. */
double stats_hist_quantile(const stats_hist *sh, double p);

typedef struct {
  size_t n;
  double mean, sd, half_width; /* half_width of the two-sided interval; NAN when n < 2 */
} stats_ci;

/* Mean, sample standard deviation and the half-width of the two-sided confidence interval at
 * level (0.95 for 95%) from Student's t with n-1 degrees of freedom. */
stats_ci stats_ci_of(const double *x, size_t n, double level);

#endif
