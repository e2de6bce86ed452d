/* vs.h: small definitions shared by every module: simulated time and invariant checks.
 *
 * Simulated time is an integer count of picoseconds (int64_t covers 106 days). A byte at
 * 10 Gbit/s lasts 800 ps and a cycle at 2.33 GHz about 429 ps, so picoseconds keep wire
 * times exact and CPU times within half a picosecond per stage.
 */
#ifndef VS_H
#define VS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef int64_t vs_time_ps;

#define VS_PS_PER_NS INT64_C(1000)
#define VS_PS_PER_US INT64_C(1000000)
#define VS_PS_PER_MS INT64_C(1000000000)
#define VS_PS_PER_S INT64_C(1000000000000)
#define VS_TIME_NEVER INT64_MAX

/* A broken invariant during a run is a bug in viosim, not bad input: report the values
 * involved and abort (exit status 2 comes from the abort handler in main). Always on: the
 * checks guarded by it are a compare or two. */
#define VS_ASSERT(cond, ...)                                                          \
  do {                                                                                \
    if (__builtin_expect(!(cond), 0)) {                                               \
      fprintf(stderr, "viosim: internal error at %s:%d: %s: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                                   \
      fputc('\n', stderr);                                                            \
      abort();                                                                        \
    }                                                                                 \
  } while (0)

/* Allocation failure at set-up is fatal; nothing allocates on the per-event path. */
void *vs_xmalloc(size_t n);
void *vs_xcalloc(size_t n, size_t size);
void *vs_xrealloc(void *p, size_t n);
char *vs_xstrdup(const char *s);

#endif
