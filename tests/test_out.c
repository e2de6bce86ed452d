/* test_out.c: the result writers: summary.csv rows and statistics, NA for undefined values,
 * timeseries.csv layout, manifest.json well-formed (checked by a small JSON parser) and
 * carrying the resolved config, seed and version; the atomic writer leaves no temporaries. */
#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "out.h"
#include "version.h"

/* ---- a minimal JSON validator (RFC 8259 grammar, no semantics) ---- */
static const char *js_ws(const char *p) {
  while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') p++;
  return p;
}
static const char *js_value(const char *p);
static const char *js_string(const char *p) {
  if (*p != '"') return NULL;
  for (p++; *p && *p != '"'; p++) {
    if ((unsigned char)*p < 0x20) return NULL;
    if (*p == '\\') {
      p++;
      if (*p == 'u') {
        for (int i = 1; i <= 4; i++)
          if (!isxdigit((unsigned char)p[i])) return NULL;
        p += 4;
      } else if (!strchr("\"\\/bfnrt", *p)) {
        return NULL;
      }
    }
  }
  return *p == '"' ? p + 1 : NULL;
}
static const char *js_number(const char *p) {
  char *end;
  strtod(p, &end);
  return end == p ? NULL : end;
}
static const char *js_value(const char *p) {
  p = js_ws(p);
  if (*p == '{' || *p == '[') {
    char close = *p == '{' ? '}' : ']';
    bool obj = *p == '{';
    p = js_ws(p + 1);
    if (*p == close) return p + 1;
    for (;;) {
      if (obj) {
        p = js_string(js_ws(p));
        if (!p) return NULL;
        p = js_ws(p);
        if (*p++ != ':') return NULL;
      }
      p = js_value(p);
      if (!p) return NULL;
      p = js_ws(p);
      if (*p == ',') { p++; continue; }
      return *p == close ? p + 1 : NULL;
    }
  }
  if (*p == '"') return js_string(p);
  if (!strncmp(p, "true", 4)) return p + 4;
  if (!strncmp(p, "false", 5)) return p + 5;
  if (!strncmp(p, "null", 4)) return p + 4;
  return js_number(p);
}
static bool json_valid(const char *s) {
  const char *p = js_value(s);
  return p && *js_ws(p) == '\0';
}

static char *capture(void (*fn)(FILE *, const vs_config *, const run_result *), const vs_config *cfg,
                     const run_result *r) {
  char *buf = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&buf, &len);
  fn(m, cfg, r);
  fclose(m);
  return buf;
}
static void w_summary(FILE *f, const vs_config *c, const run_result *r) { out_write_summary(f, c, r); }
static void w_series(FILE *f, const vs_config *c, const run_result *r) { out_write_timeseries(f, r); }
static void w_manifest(FILE *f, const vs_config *c, const run_result *r) { out_write_manifest(f, c, "x \"q\".yaml", r); }

int main(void) {
  CHECK(json_valid("{\"a\": [1, 2.5e3, true, null, \"x\\u0041\"]}") && !json_valid("{\"a\": }") &&
            !json_valid("{\"a\": 1,}"),
        "the validator itself");
  vs_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg_defaults(vs_schema, &cfg);
  cfg.sim.seed = 77;
  cfg.sim.replications = 2;
  char *names[] = {"alpha", "beta"};
  double metrics[] = {1.0, NAN, 3.0, NAN}; /* rep0: alpha 1, beta NaN; rep1: alpha 3, beta NaN */
  char *snames[] = {"q"};
  double t0[] = {1, 2}, v0[] = {5, 6}, t1[] = {1}, v1[] = {7};
  run_series series[] = {{2, 1, t0, v0}, {1, 1, t1, v1}};
  uint64_t events[] = {10, 20};
  run_result r = {2, 2, 1, names, metrics, snames, series, events, 0.5, 1.0};

  char *s = capture(w_summary, &cfg, &r);
  /* mean of 1 and 3 is 2, sd sqrt(2), t(0.975, 1) = 12.7062: half-width 12.7062 */
  const char *want_head = "metric,kind,replication,value\nalpha,replication,0,1\nalpha,replication,1,3\nalpha,mean,,2\n"
                          "alpha,sd,,1.41421356237\n";
  CHECK(!strncmp(s, want_head, strlen(want_head)), "summary starts:\n%s", s);
  CHECK(strstr(s, "alpha,ci_low,,-10.7062047") && strstr(s, "alpha,ci_high,,14.7062047"), "interval:\n%s", s);
  CHECK(strstr(s, "beta,replication,0,NA\n") && strstr(s, "beta,mean,,NA\n"), "undefined values are NA:\n%s", s);
  free(s);

  s = capture(w_series, &cfg, &r);
  CHECK(!strcmp(s, "replication,time_ms,q\n0,1,5\n0,2,6\n1,1,7\n"), "timeseries:\n%s", s);
  free(s);

  s = capture(w_manifest, &cfg, &r);
  CHECK(json_valid(s), "manifest is not valid JSON:\n%s", s);
  CHECK(strstr(s, "\"seed\": 77") && strstr(s, "\"version\": \"" VIOSIM_VERSION "\"") &&
            strstr(s, "\"events_executed\": [10, 20]") && strstr(s, "\"config_file\": \"x \\\"q\\\".yaml\"") &&
            strstr(s, "\"duration_ms\": 1000"),
        "manifest content:\n%s", s);
  free(s);

  /* The atomic writer: three files, no temporaries left. */
  char dir[] = "/tmp/viosim-test-out-XXXXXX";
  CHECK(mkdtemp(dir) != NULL, "mkdtemp");
  char sub[128];
  snprintf(sub, sizeof sub, "%s/a/b", dir);
  cfg_err err;
  CHECK(out_write_results(sub, &cfg, "c.yaml", &r, &err), "write: %s", err.msg);
  DIR *d = opendir(sub);
  int files = 0, temps = 0;
  for (struct dirent *e; d && (e = readdir(d));) {
    if (e->d_name[0] == '.' && (e->d_name[1] == '\0' || e->d_name[1] == '.')) continue;
    files++;
    temps += strstr(e->d_name, ".tmp") != NULL;
  }
  if (d) closedir(d);
  CHECK(files == 3 && temps == 0, "%d files, %d temporaries", files, temps);
  /* An unwritable folder is reported, not crashed on. */
  CHECK(!out_write_results("/proc/viosim-cannot/x", &cfg, "c.yaml", &r, &err) && strstr(err.msg, "cannot"),
        "unwritable: %s", err.msg);
  char cmd[200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
  return check_done("test_out");
}
