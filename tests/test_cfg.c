/* test_cfg.c: the config loader: values, units, defaults, bases, --set, and each kind of bad
 * input reported once with file, line, column and key. */
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "cfg.h"
#include "check.h"
#include "config.h"

static char dir[] = "/tmp/viosim-test-cfg-XXXXXX";

static const char *write_file(const char *name, const char *text) {
  static char path[8][512];
  static int k = 0;
  char *p = path[k++ % 8];
  snprintf(p, 512, "%s/%s", dir, name);
  FILE *f = fopen(p, "w");
  fputs(text, f);
  fclose(f);
  return p;
}

/* Load text (optionally with --set) and expect failure whose message contains each of the
 * NULL-terminated fragments. */
static void expect_error(const char *what, const char *text, const char *set, ...) {
  const char *path = write_file("bad.yaml", text);
  vs_config cfg;
  cfg_err err = {""};
  const char *sets[1] = {set};
  bool ok = vs_config_load(path, sets, set ? 1 : 0, &cfg, &err);
  CHECK(!ok, "%s: accepted", what);
  va_list ap;
  va_start(ap, set);
  for (const char *frag; (frag = va_arg(ap, const char *));)
    CHECK(strstr(err.msg, frag) != NULL, "%s: message '%s' lacks '%s'", what, err.msg, frag);
  va_end(ap);
}

static bool load(const char *text, const char *const *sets, size_t n, vs_config *cfg) {
  cfg_err err = {""};
  bool ok = vs_config_load(write_file("ok.yaml", text), sets, n, cfg, &err);
  CHECK(ok, "load failed: %s", err.msg);
  return ok;
}

static void test_values_and_units(void) {
  vs_config cfg;
  if (!load("sim:\n  duration_ms: 2 s\n  warmup_ms: 1500 us\n  seed: 7\n  replications: 3\n"
            "mm1:\n  arrival_per_s: 5e5\n",
            NULL, 0, &cfg))
    return;
  CHECK_NEAR(cfg.sim.duration_ms, 2000, 1e-9);
  CHECK_NEAR(cfg.sim.warmup_ms, 1.5, 1e-12);
  CHECK(cfg.sim.seed == 7 && cfg.sim.replications == 3, "ints");
  CHECK_NEAR(cfg.mm1.arrival_per_s, 5e5, 0);
  CHECK_NEAR(cfg.mm1.service_per_s, 1e6, 0); /* default */
  CHECK_NEAR(cfg.sim.confidence, 0.95, 0);   /* default */
}

static void test_base_and_set(void) {
  write_file("base.yaml", "sim:\n  duration_ms: 100\n  seed: 3\nmm1:\n  service_per_s: 2e6\n");
  vs_config cfg;
  const char *sets[] = {"sim.seed=9", "mm1.arrival_per_s=1.5e6"};
  if (!load("base: base.yaml\nsim:\n  seed: 4\n", sets, 2, &cfg)) return;
  CHECK_NEAR(cfg.sim.duration_ms, 100, 0);     /* from the base */
  CHECK(cfg.sim.seed == 9, "seed %lld", (long long)cfg.sim.seed); /* --set over file over base */
  CHECK_NEAR(cfg.mm1.service_per_s, 2e6, 0);
  CHECK_NEAR(cfg.mm1.arrival_per_s, 1.5e6, 0);
}

static void test_defaults_valid(void) {
  /* Every default of every table parses and lies in its range (cfg_defaults asserts it). */
  vs_config cfg;
  cfg_defaults(vs_schema, &cfg);
  for (const cfg_section *s = vs_schema; s->name; s++)
    for (const cfg_param *p = s->params; p->name; p++) {
      CHECK(p->help && p->help[0], "%s.%s has no help", s->name, p->name);
      CHECK(p->type != CFG_ENUM || p->choices, "%s.%s enum without choices", s->name, p->name);
      CHECK(cfg_edit_distance(p->name, p->name) == 0, "distance");
    }
  CHECK(cfg_edit_distance("duratoin_ms", "duration_ms") == 2, "transposition = 2 edits");
}

static void test_errors(void) {
  {
    vs_config cfg;
    cfg_err err = {""};
    CHECK(!vs_config_load("/nonexistent/x.yaml", NULL, 0, &cfg, &err), "missing file accepted");
    CHECK(strstr(err.msg, "/nonexistent/x.yaml") && strstr(err.msg, "cannot open"), "missing: %s", err.msg);
  }
  expect_error("syntax", "sim:\n  seed: 1\n bad: [\n", NULL, "bad.yaml:", "YAML syntax error", NULL);
  expect_error("unknown key", "sim:\n  duratoin_ms: 5\n", NULL, "bad.yaml:2:3:", "sim.duratoin_ms",
               "unknown key", "did you mean 'duration_ms'", NULL);
  expect_error("unknown section", "simm:\n  seed: 1\n", NULL, "bad.yaml:1:1:", "'simm'", "did you mean 'sim'", NULL);
  expect_error("wrong type", "sim:\n  seed: abc\n", NULL, "bad.yaml:2:9:", "sim.seed", "expected a whole number", NULL);
  expect_error("fraction for int", "sim:\n  replications: 2.5\n", NULL, "bad.yaml:2:17:", "whole number", NULL);
  expect_error("quoted number", "sim:\n  seed: \"5\"\n", NULL, "bad.yaml:2:9:", "quoted", NULL);
  expect_error("mapping for value", "sim:\n  seed:\n    x: 1\n", NULL, "bad.yaml:3:5:", "sim.seed",
               "got a mapping", NULL);
  expect_error("bad unit", "sim:\n  duration_ms: 5 kg\n", NULL, "bad.yaml:2:16:", "sim.duration_ms", "bad unit 'kg'",
               NULL);
  expect_error("unit of another dimension", "sim:\n  duration_ms: 5 gbps\n", NULL, "sim.duration_ms",
               "bad unit 'gbps'", "bit rate", NULL);
  expect_error("unit on plain number", "sim:\n  replications: 5 ms\n", NULL, "sim.replications",
               "plain number", NULL);
  expect_error("out of range", "sim:\n  replications: 0\n", NULL, "bad.yaml:2:17:", "sim.replications",
               "out of range", NULL);
  expect_error("enum", "sim:\n  model: mm2\n", NULL, "bad.yaml:2:10:", "sim.model", "unknown value 'mm2'",
               "did you mean 'mm1'", NULL);
  expect_error("bool", "sim:\n  model: mm1\nmm1:\n  customers: true\n", NULL, "mm1.customers", NULL);
  expect_error("duplicate key", "sim:\n  seed: 1\n  seed: 2\n", NULL, "bad.yaml:3:3:", "twice", NULL);
  expect_error("section not a map", "sim: 5\n", NULL, "bad.yaml:1:6:", "'sim'", "mapping", NULL);
  expect_error("top not a map", "- 1\n- 2\n", NULL, "bad.yaml:1:1:", "mapping of sections", NULL);
  expect_error("alias", "a: &x 1\nsim:\n  seed: *x\n", NULL, "aliases", NULL);
  expect_error("two documents", "sim: {seed: 1}\n---\nsim: {seed: 2}\n", NULL, "one YAML document", NULL);
  expect_error("relation", "sim:\n  duration_ms: 10\n  warmup_ms: 20\n", NULL, "bad.yaml:3:14:", "sim.warmup_ms",
               "shorter", NULL);
  expect_error("missing base", "base: nothere.yaml\n", NULL, "bad.yaml:1:7:", "nothere.yaml", "cannot open", NULL);
  expect_error("set unknown", "sim: {}\n", "sim.sed=1", "--set sim.sed=1", "unknown key", "did you mean 'seed'", NULL);
  expect_error("set bad value", "sim: {}\n", "sim.seed=-4", "--set sim.seed=-4", "sim.seed", "out of range", NULL);
  expect_error("set no equals", "sim: {}\n", "sim.seed", "--set sim.seed", "KEY=VALUE", NULL);
  expect_error("set unknown section", "sim: {}\n", "sin.seed=1", "unknown section 'sin'", NULL);
  expect_error("bad pin", "sim: {model: vio}\ndomains:\n  - {name: d0, pin: \"0-9\"}\n", NULL, "bad.yaml:3:21:",
               "domains.d0.pin", "not among", NULL);
  expect_error("no name", "sim: {model: vio}\ndomains:\n  - {weight: 5}\n", NULL, "bad.yaml:3:5:", "domains[0]",
               "missing required key 'name'", NULL);
  expect_error("same name", "sim: {model: vio}\ndomains:\n  - {name: a}\n  - {name: a}\n", NULL, "bad.yaml:4:5:",
               "second element named 'a'", NULL);
  expect_error("native two domains", "sim: {model: vio}\nsched: {mode: native}\ndomains:\n  - {name: a}\n  - {name: b}\n",
               NULL, "bad.yaml:2:15:", "sched.mode", "exactly one domain", NULL);
  expect_error("list element key", "sim: {model: vio}\ndomains:\n  - {name: a, wieght: 3}\n", NULL, "bad.yaml:3:15:",
               "domains.a.wieght", "did you mean 'weight'", NULL);
  expect_error("set list key", "sim: {model: vio}\ndomains:\n  - {name: a}\n", "domains.a.weight=0",
               "--set domains.a.weight=0", "domains.a.weight", "out of range", NULL);
  expect_error("vio without domains", "sim: {model: vio}\n", NULL, "domains", "at least one domain", NULL);
  expect_error("cores_per_l2", "sim: {model: vio}\nplatform: {cores_per_l2: 3}\ndomains: [{name: a}]\n", NULL,
               "platform.cores_per_l2", "do not divide", NULL);
  expect_error("unused section", "sim: {model: mm1}\nsched: {tick_ms: 5}\n", NULL, "bad.yaml:2:8:", "'sched'",
               "not used by sim.model mm1", NULL);
  expect_error("mm1 in vio", "sim: {model: vio}\nmm1: {customers: 5}\ndomains: [{name: a}]\n", NULL, "'mm1'", "only used", NULL);
  expect_error("network without flows", "sim: {model: vio}\ndomains: [{name: a}]\nlink: {mtu: 9000}\n", NULL, "'link'",
               "no effect without flows", NULL);
  expect_error("periodic key", "sim: {model: vio}\ndomains: [{name: a, workload: cpu, burst_us: 5}]\n", NULL,
               "domains.a.burst_us", "only used by workload: periodic", NULL);
  write_file("cycle.yaml", "base: cycle.yaml\n");
  expect_error("base cycle", "base: cycle.yaml\n", NULL, "nested more than", NULL);
}

static void test_lists(void) {
  /* Named list elements merge by name over a base; --set addresses them by name. */
  write_file("dbase.yaml", "sim: {model: vio}\ndomains:\n  - {name: dom0, role: driver, weight: 256}\n  - {name: g1}\n");
  vs_config cfg;
  const char *sets[] = {"domains.g1.weight=512", "domains.g2.workload=cpu"};
  if (!load("base: dbase.yaml\ndomains:\n  - {name: dom0, vcpus: 2}\n", sets, 2, &cfg)) return;
  CHECK(cfg.n_domains == 3, "%zu domains", cfg.n_domains);
  CHECK(!strcmp(cfg.domains[0].name, "dom0") && cfg.domains[0].vcpus == 2 && cfg.domains[0].role == DOM_DRIVER,
        "dom0 merged");
  CHECK(cfg.domains[1].weight == 512 && cfg.domains[1].vcpus == 1, "g1 set");
  CHECK(!strcmp(cfg.domains[2].name, "g2") && cfg.domains[2].workload == WL_CPU, "g2 created by --set");
}

static void test_yaml_roundtrip(void) {
  /* The resolved config, written and read back, is the same config. */
  vs_config a, b;
  memset(&a, 0, sizeof a);
  memset(&b, 0, sizeof b);
  const char *sets[] = {"sim.duration_ms=123.456", "mm1.customers=77"};
  if (!load("sim: {seed: 5}\n", sets, 2, &a)) return;
  char *buf = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&buf, &len);
  cfg_write_yaml(vs_schema, &a, m);
  fclose(m);
  if (!load(buf, NULL, 0, &b)) return;
  CHECK(memcmp(&a.sim, &b.sim, sizeof a.sim) == 0 && memcmp(&a.mm1, &b.mm1, sizeof a.mm1) == 0,
        "round trip differs:\n%s", buf);
  free(buf);
}

int main(void) {
  if (!mkdtemp(dir)) return 2;
  test_values_and_units();
  test_base_and_set();
  test_defaults_valid();
  test_errors();
  test_lists();
  test_yaml_roundtrip();
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
  return check_done("test_cfg");
}
