/* vs.c: allocation helpers that never return NULL. */
#include "vs.h"

#include <string.h>

static void *vs_oom(size_t n) {
  fprintf(stderr, "viosim: out of memory allocating %zu bytes\n", n);
  exit(2);
}

void *vs_xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  return p ? p : vs_oom(n);
}

void *vs_xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size ? size : 1);
  return p ? p : vs_oom(n * size);
}

void *vs_xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  return q ? q : vs_oom(n);
}

char *vs_xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *p = vs_xmalloc(n);
  memcpy(p, s, n);
  return p;
}
