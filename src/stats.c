/* stats.c: see stats.h. GSL does the arithmetic; this file holds the bookkeeping. */
#include "stats.h"

#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

void stats_tw_init(stats_tw *tw, vs_time_ps now_ps, double value) {
  tw->start_ps = tw->last_ps = now_ps;
  tw->value = value;
  tw->area = 0;
}

void stats_tw_reset(stats_tw *tw, vs_time_ps now_ps) { stats_tw_init(tw, now_ps, tw->value); }

double stats_tw_area(const stats_tw *tw, vs_time_ps now_ps) {
  return tw->area + tw->value * (double)(now_ps - tw->last_ps);
}

double stats_tw_mean(const stats_tw *tw, vs_time_ps now_ps) {
  vs_time_ps span = now_ps - tw->start_ps;
  return span > 0 ? stats_tw_area(tw, now_ps) / (double)span : tw->value;
}

void stats_hist_init(stats_hist *sh, size_t n_bins, double lo, double hi) {
  VS_ASSERT(lo > 0 && hi > lo && n_bins > 0, "histogram lo=%g hi=%g bins=%zu", lo, hi, n_bins);
  sh->h = gsl_histogram_alloc(n_bins);
  VS_ASSERT(sh->h != NULL, "gsl_histogram_alloc(%zu)", n_bins);
  double *ranges = vs_xmalloc((n_bins + 1) * sizeof *ranges);
  double step = log(hi / lo) / (double)n_bins;
  for (size_t i = 0; i <= n_bins; i++) ranges[i] = lo * exp(step * (double)i);
  ranges[n_bins] = hi;
  gsl_histogram_set_ranges(sh->h, ranges, n_bins + 1);
  free(ranges);
  sh->underflow = sh->overflow = 0;
}

void stats_hist_free(stats_hist *sh) {
  if (sh->h) gsl_histogram_free(sh->h);
  sh->h = NULL;
}

void stats_hist_add(stats_hist *sh, double x) {
  if (x < gsl_histogram_min(sh->h))
    sh->underflow += 1;
  else if (x >= gsl_histogram_max(sh->h))
    sh->overflow += 1;
  else
    gsl_histogram_increment(sh->h, x);
}

void stats_hist_reset(stats_hist *sh) {
  gsl_histogram_reset(sh->h);
  sh->underflow = sh->overflow = 0;
}

double stats_hist_count(const stats_hist *sh) {
  return gsl_histogram_sum(sh->h) + sh->underflow + sh->overflow;
}

double stats_hist_quantile(const stats_hist *sh, double p) {
  double total = stats_hist_count(sh);
  if (total <= 0) return NAN;
  double target = p * total;
  if (target <= sh->underflow) return gsl_histogram_min(sh->h);
  double acc = sh->underflow;
  size_t n = gsl_histogram_bins(sh->h);
  for (size_t i = 0; i < n; i++) {
    double c = gsl_histogram_get(sh->h, i);
    if (c > 0 && acc + c >= target) {
      double lo, hi;
      gsl_histogram_get_range(sh->h, i, &lo, &hi);
      return lo + (hi - lo) * (target - acc) / c;
    }
    acc += c;
  }
  return gsl_histogram_max(sh->h);
}

stats_ci stats_ci_of(const double *x, size_t n, double level) {
  stats_ci ci = {n, NAN, NAN, NAN};
  if (n == 0) return ci;
  ci.mean = gsl_stats_mean(x, 1, n);
  if (n < 2) return ci;
  ci.sd = gsl_stats_sd_m(x, 1, n, ci.mean);
  double t = gsl_cdf_tdist_Pinv(0.5 + level / 2.0, (double)(n - 1));
  ci.half_width = t * ci.sd / sqrt((double)n);
  return ci;
}
