/* bench_util.h: wall time and peak memory for the benchmark programs, and the one line each
 * prints: "BENCH workload impl events wall_s events_per_s maxrss_kib". */
#ifndef VS_BENCH_UTIL_H
#define VS_BENCH_UTIL_H

#include <stdio.h>
#include <sys/resource.h>
#include <time.h>

static inline double bench_wall(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline long bench_maxrss_kib(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

static inline void bench_report(const char *workload, const char *impl, unsigned long long events, double wall_s,
                                const char *extra) {
  printf("BENCH %s %s %llu %.6f %.0f %ld %s\n", workload, impl, events, wall_s, events / wall_s, bench_maxrss_kib(),
         extra ? extra : "");
}

#endif
