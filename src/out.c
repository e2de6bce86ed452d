/* out.c: CSV and JSON writers; see out.h. */
#include "out.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stats.h"
#include "version.h"

void out_csv_number(FILE *f, double v) {
  if (isfinite(v))
    fprintf(f, "%.12g", v);
  else
    fputs("NA", f);
}

void out_json_string(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      fprintf(f, "\\%c", c);
    else if (c < 0x20)
      fprintf(f, "\\u%04x", c);
    else
      fputc(c, f);
  }
  fputc('"', f);
}

static void out_json_number(FILE *f, double v) {
  if (isfinite(v))
    fprintf(f, "%.12g", v);
  else
    fputs("null", f);
}

void out_write_summary(FILE *f, const vs_config *cfg, const run_result *res) {
  fprintf(f, "metric,kind,replication,value\n");
  size_t nm = res->n_metrics;
  double *col = vs_xcalloc(res->n_reps ? res->n_reps : 1, sizeof *col);
  for (size_t i = 0; i < nm; i++) {
    for (size_t r = 0; r < res->n_reps; r++) {
      col[r] = res->metrics[r * nm + i];
      fprintf(f, "%s,replication,%zu,", res->metric_names[i], r);
      out_csv_number(f, col[r]);
      fputc('\n', f);
    }
    stats_ci ci = stats_ci_of(col, res->n_reps, cfg->sim.confidence);
    fprintf(f, "%s,mean,,", res->metric_names[i]);
    out_csv_number(f, ci.mean);
    fprintf(f, "\n%s,sd,,", res->metric_names[i]);
    out_csv_number(f, ci.sd);
    fprintf(f, "\n%s,ci_low,,", res->metric_names[i]);
    out_csv_number(f, ci.mean - ci.half_width);
    fprintf(f, "\n%s,ci_high,,", res->metric_names[i]);
    out_csv_number(f, ci.mean + ci.half_width);
    fputc('\n', f);
  }
  free(col);
}

void out_write_timeseries(FILE *f, const run_result *res) {
  fprintf(f, "replication,time_ms");
  for (size_t c = 0; c < res->n_series; c++) fprintf(f, ",%s", res->series_names[c]);
  fputc('\n', f);
  for (size_t r = 0; r < res->n_reps; r++) {
    const run_series *s = &res->series[r];
    for (size_t row = 0; row < s->rows; row++) {
      fprintf(f, "%zu,", r);
      out_csv_number(f, s->time_ms[row]);
      for (size_t c = 0; c < s->cols; c++) {
        fputc(',', f);
        out_csv_number(f, s->values[row * s->cols + c]);
      }
      fputc('\n', f);
    }
  }
}

uint64_t out_config_hash(const vs_config *cfg) {
  char *buf = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&buf, &len);
  VS_ASSERT(m != NULL, "open_memstream");
  cfg_write_yaml(vs_schema, cfg, m);
  fclose(m);
  uint64_t h = UINT64_C(0xcbf29ce484222325);
  for (size_t i = 0; i < len; i++) {
    h ^= (unsigned char)buf[i];
    h *= UINT64_C(0x100000001b3);
  }
  free(buf);
  return h;
}

void out_write_manifest(FILE *f, const vs_config *cfg, const char *config_path, const run_result *res) {
  uint64_t events = 0;
  for (size_t r = 0; r < res->n_reps; r++) events += res->events[r];
  fprintf(f, "{\n  \"tool\": \"viosim\",\n  \"version\": ");
  out_json_string(f, VIOSIM_VERSION);
  fprintf(f, ",\n  \"git_revision\": ");
  out_json_string(f, VIOSIM_GIT_REV);
  fprintf(f, ",\n  \"config_file\": ");
  out_json_string(f, config_path);
  fprintf(f, ",\n  \"config_hash\": \"%016llx\",\n", (unsigned long long)out_config_hash(cfg));
  fprintf(f, "  \"seed\": %lld,\n  \"replications\": %lld,\n", (long long)cfg->sim.seed,
          (long long)cfg->sim.replications);
  fprintf(f, "  \"rng\": \"GSL mt19937 per component, seeded from (seed, replication, component name)\",\n");
  fprintf(f, "  \"simulated_s_per_replication\": ");
  out_json_number(f, res->sim_s);
  fprintf(f, ",\n  \"events_executed\": [");
  for (size_t r = 0; r < res->n_reps; r++) fprintf(f, "%s%llu", r ? ", " : "", (unsigned long long)res->events[r]);
  fprintf(f, "],\n  \"config\": ");
  cfg_write_json(vs_schema, cfg, f, 2);
  fprintf(f, ",\n  \"wall_s\": ");
  out_json_number(f, res->wall_s);
  fprintf(f, ",\n  \"events_per_wall_s\": ");
  out_json_number(f, res->wall_s > 0 ? (double)events / res->wall_s : NAN);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  fprintf(f, ",\n  \"peak_rss_kib\": %ld\n}\n", ru.ru_maxrss);
}

bool out_mkdirs(const char *dir) {
  char buf[4096];
  if (snprintf(buf, sizeof buf, "%s", dir) >= (int)sizeof buf) return false;
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    if (mkdir(buf, 0777) != 0 && errno != EEXIST) return false;
    *p = '/';
  }
  return mkdir(buf, 0777) == 0 || errno == EEXIST;
}

typedef void (*out_writer_fn)(FILE *f, const vs_config *cfg, const char *config_path, const run_result *res);

static void out_w_summary(FILE *f, const vs_config *cfg, const char *p, const run_result *res) {
  out_write_summary(f, cfg, res);
}
static void out_w_series(FILE *f, const vs_config *cfg, const char *p, const run_result *res) {
  out_write_timeseries(f, res);
}
static void out_w_manifest(FILE *f, const vs_config *cfg, const char *p, const run_result *res) {
  out_write_manifest(f, cfg, p, res);
}

bool out_write_results(const char *dir, const vs_config *cfg, const char *config_path, const run_result *res,
                       cfg_err *err) {
  static const struct {
    const char *name;
    out_writer_fn fn;
  } files[] = {{"summary.csv", out_w_summary}, {"timeseries.csv", out_w_series}, {"manifest.json", out_w_manifest}};
  enum { N = sizeof files / sizeof files[0] };
  char tmp[N][4200] = {{0}}, final[N][4200] = {{0}};
  if (!out_mkdirs(dir)) {
    snprintf(err->msg, sizeof err->msg, "%.900s: cannot create the results folder: %s", dir, strerror(errno));
    return false;
  }
  size_t opened = 0;
  bool failed = false;
  for (; opened < N && !failed; opened++) {
    snprintf(tmp[opened], sizeof tmp[opened], "%s/.%s.%ld.tmp", dir, files[opened].name, (long)getpid());
    snprintf(final[opened], sizeof final[opened], "%s/%s", dir, files[opened].name);
    FILE *f = fopen(tmp[opened], "w");
    if (!f) {
      failed = true;
      break;
    }
    files[opened].fn(f, cfg, config_path, res);
    failed = ferror(f) != 0;
    if (fclose(f) != 0) failed = true;
  }
  if (failed) {
    snprintf(err->msg, sizeof err->msg, "%.900s: cannot write results: %s", dir, strerror(errno));
    for (size_t i = 0; i < N; i++)
      if (tmp[i][0]) unlink(tmp[i]);
    return false;
  }
  for (size_t i = 0; i < N; i++) {
    if (rename(tmp[i], final[i]) != 0) {
      snprintf(err->msg, sizeof err->msg, "%.900s: cannot rename results into place: %s", final[i], strerror(errno));
      for (size_t j = i; j < N; j++) unlink(tmp[j]);
      return false;
    }
  }
  return true;
}
