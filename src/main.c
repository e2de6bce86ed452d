/* main.c: the viosim command line: run, check, config. Exit status 0 on success, 1 on bad
 * input (nothing written), 2 on an internal error. */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "config.h"
#include "out.h"
#include "run.h"
#include "stats.h"
#include "version.h"

#define MAX_SETS 256

static const char *const main_usage =
    "usage: viosim COMMAND [OPTIONS]\n"
    "\n"
    "Discrete-event simulator of virtualized network I/O (Xen-style driver domain, credit\n"
    "scheduler, netfront/netback rings, 10GbE).\n"
    "\n"
    "commands:\n"
    "  run CONFIG      run the replications and write results (see viosim run --help)\n"
    "  check CONFIG    validate a config; exit 1 with one message if it is wrong\n"
    "  config CONFIG   print the resolved config, defaults included\n"
    "  config --help   document every parameter: type, unit, range, default\n"
    "\n"
    "options: --help, --version\n"
    "exit status: 0 success, 1 bad input, 2 internal error\n";

static const char *const run_usage =
    "usage: viosim run CONFIG [--set KEY=VALUE]... [--seed N] [--replications R] [--out DIR] [--quiet]\n"
    "\n"
    "  --set KEY=VALUE   override a parameter: sim.seed=2, domains.guest1.weight=512\n"
    "  --seed N          same as --set sim.seed=N\n"
    "  --replications R  same as --set sim.replications=R\n"
    "  --out DIR         results folder (default results/<config name>)\n"
    "  --quiet           no summary table on stdout\n"
    "\n"
    "Writes DIR/summary.csv, DIR/timeseries.csv and DIR/manifest.json, all three or none.\n"
    "A progress line goes to stderr when it is a terminal.\n";

static const char *const check_usage =
    "usage: viosim check CONFIG [--set KEY=VALUE]... [--seed N] [--replications R]\n"
    "Validates CONFIG (with its bases and overrides); prints 'ok' or one error; exit 0 or 1.\n";

static const char *const config_usage =
    "usage: viosim config CONFIG [--set KEY=VALUE]... [--seed N] [--replications R]   print the resolved config\n"
    "       viosim config --help                        document every parameter\n";

static void main_on_abort(int sig) {
  (void)sig;
  _exit(2);
}

typedef struct {
  const char *config;
  const char *out;
  const char *sets[MAX_SETS];
  size_t n_sets;
  bool quiet, help;
  char owned[2][64];
} main_args;

static int main_bad(const char *fmt, const char *arg) {
  fprintf(stderr, "viosim: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n");
  return 1;
}

/* Returns 0, or 1 after printing a usage error. */
static int main_parse(int argc, char **argv, main_args *a, bool allow_run_opts) {
  memset(a, 0, sizeof *a);
  for (int i = 0; i < argc; i++) {
    const char *s = argv[i];
    bool has_next = i + 1 < argc;
    if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
      a->help = true;
    } else if (!strcmp(s, "--set")) {
      if (!has_next) return main_bad("%s needs KEY=VALUE", s);
      if (a->n_sets == MAX_SETS) return main_bad("more than %s --set options", "256");
      a->sets[a->n_sets++] = argv[++i];
    } else if (!strncmp(s, "--set=", 6)) {
      if (a->n_sets == MAX_SETS) return main_bad("more than %s --set options", "256");
      a->sets[a->n_sets++] = s + 6;
    } else if (!strcmp(s, "--seed") || !strcmp(s, "--replications")) {
      if (!has_next) return main_bad("%s needs a value", s);
      int k = s[2] == 's' ? 0 : 1;
      snprintf(a->owned[k], sizeof a->owned[k], "sim.%s=%s", k == 0 ? "seed" : "replications", argv[++i]);
      if (a->n_sets == MAX_SETS) return main_bad("more than %s --set options", "256");
      a->sets[a->n_sets++] = a->owned[k];
    } else if (allow_run_opts && !strcmp(s, "--out")) {
      if (!has_next) return main_bad("%s needs a folder", s);
      a->out = argv[++i];
    } else if (allow_run_opts && !strcmp(s, "--quiet")) {
      a->quiet = true;
    } else if (s[0] == '-' && s[1] != '\0') {
      return main_bad("unknown option '%s' (see --help)", s);
    } else if (!a->config) {
      a->config = s;
    } else {
      return main_bad("unexpected argument '%s' (see --help)", s);
    }
  }
  return 0;
}

static void main_print_summary(const vs_config *cfg, const run_result *res) {
  printf("%-32s %14s %14s %14s\n", "metric", "mean", "ci_low", "ci_high");
  double *col = vs_xcalloc(res->n_reps, sizeof *col);
  for (size_t i = 0; i < res->n_metrics; i++) {
    for (size_t r = 0; r < res->n_reps; r++) col[r] = res->metrics[r * res->n_metrics + i];
    stats_ci ci = stats_ci_of(col, res->n_reps, cfg->sim.confidence);
    printf("%-32s %14.6g %14.6g %14.6g\n", res->metric_names[i], ci.mean, ci.mean - ci.half_width,
           ci.mean + ci.half_width);
  }
  free(col);
}

static void main_default_out(const char *config, char *buf, size_t n) {
  const char *base = strrchr(config, '/');
  base = base ? base + 1 : config;
  size_t len = strlen(base);
  const char *dot = strrchr(base, '.');
  if (dot && (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml"))) len = (size_t)(dot - base);
  snprintf(buf, n, "results/%.*s", (int)len, base);
}

static int main_run(int argc, char **argv) {
  main_args a;
  if (main_parse(argc, argv, &a, true)) return 1;
  if (a.help) {
    fputs(run_usage, stdout);
    return 0;
  }
  if (!a.config) return main_bad("%s", "run needs a CONFIG file (see viosim run --help)");
  vs_config cfg;
  cfg_err err;
  if (!vs_config_load(a.config, a.sets, a.n_sets, &cfg, &err)) {
    fprintf(stderr, "viosim: %s\n", err.msg);
    return 1;
  }
  char out[4096];
  if (a.out)
    snprintf(out, sizeof out, "%s", a.out);
  else
    main_default_out(a.config, out, sizeof out);
  run_result res;
  run_all(&cfg, &res, isatty(STDERR_FILENO));
  if (!out_write_results(out, &cfg, a.config, &res, &err)) {
    fprintf(stderr, "viosim: %s\n", err.msg);
    run_result_free(&res);
    return 1;
  }
  if (!a.quiet) {
    main_print_summary(&cfg, &res);
    uint64_t ev = 0;
    for (size_t r = 0; r < res.n_reps; r++) ev += res.events[r];
    printf("\n%zu replication(s), %.3f simulated s each, %llu events, %.2f wall s (%.2f M events/s)\nresults: %s/\n",
           res.n_reps, res.sim_s, (unsigned long long)ev, res.wall_s,
           res.wall_s > 0 ? (double)ev / res.wall_s / 1e6 : 0.0, out);
  }
  run_result_free(&res);
  return 0;
}

static int main_check(int argc, char **argv, bool print) {
  main_args a;
  if (main_parse(argc, argv, &a, false)) return 1;
  if (a.help) {
    if (print) {
      cfg_write_help(vs_schema, stdout);
      fputs(config_usage, stdout);
    } else {
      fputs(check_usage, stdout);
    }
    return 0;
  }
  if (!a.config) return main_bad("%s", "needs a CONFIG file (see --help)");
  vs_config cfg;
  cfg_err err;
  if (!vs_config_load(a.config, a.sets, a.n_sets, &cfg, &err)) {
    fprintf(stderr, "viosim: %s\n", err.msg);
    return 1;
  }
  if (print)
    cfg_write_yaml(vs_schema, &cfg, stdout);
  else
    printf("%s: ok\n", a.config);
  return 0;
}

int main(int argc, char **argv) {
  signal(SIGABRT, main_on_abort);
  if (argc < 2) {
    fputs(main_usage, stderr);
    return 1;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    fputs(main_usage, stdout);
    return 0;
  }
  if (!strcmp(cmd, "--version")) {
    printf("viosim %s (%s)\n", VIOSIM_VERSION, VIOSIM_GIT_REV);
    return 0;
  }
  if (!strcmp(cmd, "run")) return main_run(argc - 2, argv + 2);
  if (!strcmp(cmd, "check")) return main_check(argc - 2, argv + 2, false);
  if (!strcmp(cmd, "config")) return main_check(argc - 2, argv + 2, true);
  fprintf(stderr, "viosim: unknown command '%s'\n\n%s", cmd, main_usage);
  return 1;
}
