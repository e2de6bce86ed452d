/* check.h: a minimal test harness: CHECK records a failure with its values and goes on, so
 * one run shows every broken assertion; a test program exits 1 if any failed. */
#ifndef VS_CHECK_H
#define VS_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_failures = 0;
static int check_count = 0;

#define CHECK(cond, ...)                                                 \
  do {                                                                   \
    check_count++;                                                       \
    if (!(cond)) {                                                       \
      check_failures++;                                                  \
      fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);    \
      fprintf(stderr, __VA_ARGS__);                                      \
      fputc('\n', stderr);                                               \
    }                                                                    \
  } while (0)

#define CHECK_NEAR(a, b, tol)                                                               \
  CHECK(fabs((double)(a) - (double)(b)) <= (tol), "%s = %.9g, expected %.9g +- %.3g", #a, \
        (double)(a), (double)(b), (double)(tol))

static inline int check_done(const char *name) {
  printf("%s: %d checks, %d failed\n", name, check_count, check_failures);
  return check_failures ? 1 : 0;
}

#endif
