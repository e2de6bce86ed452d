/* cfg.c: YAML (libyaml's event parser) into a small tree that keeps each node's file, line
 * and column; bases and --set merged into that tree; then one pass that checks every key
 * against the parameter tables and stores the values. See cfg.h for the rules. */
#include "cfg.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "vs.h"

enum { CN_SCALAR, CN_MAP, CN_SEQ };

typedef struct cfg_node cfg_node;
struct cfg_node {
  int kind;
  const char *file; /* owned by the doc; "--set ..." for command-line values */
  int line, col;    /* 1-based; 0 when not from a file */
  char *text;       /* scalars */
  bool plain;       /* scalar written without quotes */
  size_t n, cap;
  char **keys;      /* maps */
  int *key_line, *key_col;
  cfg_node **kids;  /* maps and sequences */
};

struct cfg_doc {
  cfg_node *root;
  char **files;
  size_t n_files;
};

#define CFG_MAX_BASE_DEPTH 16

/* ---- errors ---- */

static bool cfg_fail(cfg_err *err, const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static bool cfg_fail(cfg_err *err, const char *file, int line, int col, const char *fmt, ...) {
  size_t off = 0;
  if (file && line > 0)
    off = (size_t)snprintf(err->msg, sizeof err->msg, "%s:%d:%d: ", file, line, col);
  else if (file)
    off = (size_t)snprintf(err->msg, sizeof err->msg, "%s: ", file);
  if (off >= sizeof err->msg) off = sizeof err->msg - 1;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->msg + off, sizeof err->msg - off, fmt, ap);
  va_end(ap);
  return false;
}

/* ---- tree ---- */

static cfg_node *cfg_node_new(int kind, const char *file, int line, int col) {
  cfg_node *n = vs_xcalloc(1, sizeof *n);
  n->kind = kind;
  n->file = file;
  n->line = line;
  n->col = col;
  return n;
}

static void cfg_node_free(cfg_node *n) {
  if (!n) return;
  for (size_t i = 0; i < n->n; i++) {
    if (n->keys) free(n->keys[i]);
    cfg_node_free(n->kids[i]);
  }
  free(n->keys);
  free(n->key_line);
  free(n->key_col);
  free(n->kids);
  free(n->text);
  free(n);
}

static void cfg_node_push(cfg_node *n, const char *key, int kl, int kc, cfg_node *kid) {
  if (n->n == n->cap) {
    n->cap = n->cap ? n->cap * 2 : 4;
    n->kids = vs_xrealloc(n->kids, n->cap * sizeof *n->kids);
    if (n->kind == CN_MAP) {
      n->keys = vs_xrealloc(n->keys, n->cap * sizeof *n->keys);
      n->key_line = vs_xrealloc(n->key_line, n->cap * sizeof *n->key_line);
      n->key_col = vs_xrealloc(n->key_col, n->cap * sizeof *n->key_col);
    }
  }
  if (n->kind == CN_MAP) {
    n->keys[n->n] = vs_xstrdup(key);
    n->key_line[n->n] = kl;
    n->key_col[n->n] = kc;
  }
  n->kids[n->n++] = kid;
}

static long cfg_map_find(const cfg_node *map, const char *key) {
  for (size_t i = 0; i < map->n; i++)
    if (strcmp(map->keys[i], key) == 0) return (long)i;
  return -1;
}

static void cfg_map_remove(cfg_node *map, size_t i) {
  free(map->keys[i]);
  memmove(&map->keys[i], &map->keys[i + 1], (map->n - i - 1) * sizeof *map->keys);
  memmove(&map->kids[i], &map->kids[i + 1], (map->n - i - 1) * sizeof *map->kids);
  memmove(&map->key_line[i], &map->key_line[i + 1], (map->n - i - 1) * sizeof *map->key_line);
  memmove(&map->key_col[i], &map->key_col[i + 1], (map->n - i - 1) * sizeof *map->key_col);
  map->n--;
}

/* The `name` of a list element, or NULL. */
static const char *cfg_elem_name(const cfg_node *elem) {
  if (elem->kind != CN_MAP) return NULL;
  long i = cfg_map_find(elem, "name");
  return i >= 0 && elem->kids[i]->kind == CN_SCALAR ? elem->kids[i]->text : NULL;
}

/* ---- parsing ---- */

typedef struct {
  yaml_parser_t parser;
  const char *file;
  cfg_err *err;
} cfg_reader;

static bool cfg_next(cfg_reader *r, yaml_event_t *ev) {
  if (yaml_parser_parse(&r->parser, ev)) return true;
  yaml_parser_t *p = &r->parser;
  if (p->context)
    return cfg_fail(r->err, r->file, (int)p->problem_mark.line + 1, (int)p->problem_mark.column + 1,
                    "YAML syntax error: %s %s", p->problem ? p->problem : "error", p->context);
  return cfg_fail(r->err, r->file, (int)p->problem_mark.line + 1, (int)p->problem_mark.column + 1,
                  "YAML syntax error: %s", p->problem ? p->problem : "error");
}

static cfg_node *cfg_parse_value(cfg_reader *r, yaml_event_t *ev, int depth);

static cfg_node *cfg_parse_map(cfg_reader *r, yaml_event_t *start, int depth) {
  cfg_node *map = cfg_node_new(CN_MAP, r->file, (int)start->start_mark.line + 1,
                               (int)start->start_mark.column + 1);
  for (;;) {
    yaml_event_t kev;
    if (!cfg_next(r, &kev)) goto fail;
    if (kev.type == YAML_MAPPING_END_EVENT) {
      yaml_event_delete(&kev);
      return map;
    }
    int kl = (int)kev.start_mark.line + 1, kc = (int)kev.start_mark.column + 1;
    if (kev.type != YAML_SCALAR_EVENT) {
      yaml_event_delete(&kev);
      cfg_fail(r->err, r->file, kl, kc, "a key must be a plain name, not a mapping or list");
      goto fail;
    }
    char *key = vs_xstrdup((const char *)kev.data.scalar.value);
    yaml_event_delete(&kev);
    if (cfg_map_find(map, key) >= 0) {
      cfg_fail(r->err, r->file, kl, kc, "key '%s' appears twice in this mapping", key);
      free(key);
      goto fail;
    }
    yaml_event_t vev;
    if (!cfg_next(r, &vev)) {
      free(key);
      goto fail;
    }
    cfg_node *val = cfg_parse_value(r, &vev, depth + 1);
    if (!val) {
      free(key);
      goto fail;
    }
    cfg_node_push(map, key, kl, kc, val);
    free(key);
  }
fail:
  cfg_node_free(map);
  return NULL;
}

static cfg_node *cfg_parse_seq(cfg_reader *r, yaml_event_t *start, int depth) {
  cfg_node *seq = cfg_node_new(CN_SEQ, r->file, (int)start->start_mark.line + 1,
                               (int)start->start_mark.column + 1);
  for (;;) {
    yaml_event_t ev;
    if (!cfg_next(r, &ev)) goto fail;
    if (ev.type == YAML_SEQUENCE_END_EVENT) {
      yaml_event_delete(&ev);
      return seq;
    }
    cfg_node *val = cfg_parse_value(r, &ev, depth + 1);
    if (!val) goto fail;
    cfg_node_push(seq, NULL, 0, 0, val);
  }
fail:
  cfg_node_free(seq);
  return NULL;
}

/* Takes ownership of ev. */
static cfg_node *cfg_parse_value(cfg_reader *r, yaml_event_t *ev, int depth) {
  int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;
  cfg_node *n = NULL;
  if (depth > 32) {
    cfg_fail(r->err, r->file, line, col, "nesting deeper than 32 levels");
  } else if (ev->type == YAML_SCALAR_EVENT) {
    n = cfg_node_new(CN_SCALAR, r->file, line, col);
    n->text = vs_xstrdup((const char *)ev->data.scalar.value);
    n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
  } else if (ev->type == YAML_MAPPING_START_EVENT) {
    n = cfg_parse_map(r, ev, depth);
  } else if (ev->type == YAML_SEQUENCE_START_EVENT) {
    n = cfg_parse_seq(r, ev, depth);
  } else if (ev->type == YAML_ALIAS_EVENT) {
    cfg_fail(r->err, r->file, line, col, "YAML aliases (*name) are not supported; use 'base:' to share settings");
  } else {
    cfg_fail(r->err, r->file, line, col, "unexpected YAML content");
  }
  yaml_event_delete(ev);
  return n;
}

static cfg_node *cfg_parse_file(const char *file, cfg_err *err) {
  FILE *f = fopen(file, "rb");
  if (!f) {
    cfg_fail(err, file, 0, 0, "cannot open config: %s", strerror(errno));
    return NULL;
  }
  cfg_reader r = {.file = file, .err = err};
  if (!yaml_parser_initialize(&r.parser)) {
    fclose(f);
    cfg_fail(err, file, 0, 0, "cannot initialise the YAML parser");
    return NULL;
  }
  yaml_parser_set_input_file(&r.parser, f);
  cfg_node *root = NULL;
  yaml_event_t ev;
  bool ok = cfg_next(&r, &ev); /* STREAM_START */
  if (ok) yaml_event_delete(&ev);
  if (ok) ok = cfg_next(&r, &ev);
  if (ok && ev.type == YAML_STREAM_END_EVENT) {
    yaml_event_delete(&ev);
    root = cfg_node_new(CN_MAP, file, 1, 1); /* an empty file is an empty mapping */
  } else if (ok) {
    yaml_event_delete(&ev); /* DOCUMENT_START */
    ok = cfg_next(&r, &ev);
    if (ok) root = cfg_parse_value(&r, &ev, 0);
    if (root && root->kind == CN_SCALAR && root->plain && root->text[0] == '\0') {
      cfg_node_free(root); /* a document with only comments */
      root = cfg_node_new(CN_MAP, file, 1, 1);
    }
    if (root && root->kind != CN_MAP) {
      cfg_fail(err, file, root->line, root->col, "the config must be a mapping of sections (sim:, ...)");
      cfg_node_free(root);
      root = NULL;
    }
    if (root) {
      ok = cfg_next(&r, &ev); /* DOCUMENT_END */
      if (ok) yaml_event_delete(&ev);
      if (ok) ok = cfg_next(&r, &ev);
      if (ok && ev.type != YAML_STREAM_END_EVENT) {
        cfg_fail(err, file, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1,
                 "only one YAML document per config file");
        ok = false;
      }
      if (ok) yaml_event_delete(&ev);
      if (!ok) {
        cfg_node_free(root);
        root = NULL;
      }
    }
  }
  yaml_parser_delete(&r.parser);
  fclose(f);
  return root;
}

/* ---- merging ---- */

static bool cfg_is_named_list(const cfg_node *n) {
  if (n->kind != CN_SEQ || n->n == 0) return false;
  for (size_t i = 0; i < n->n; i++)
    if (!cfg_elem_name(n->kids[i])) return false;
  return true;
}

/* Merge over into base; consumes over; returns the merged node. */
static cfg_node *cfg_merge(cfg_node *base, cfg_node *over) {
  if (base->kind == CN_MAP && over->kind == CN_MAP) {
    for (size_t i = 0; i < over->n; i++) {
      long j = cfg_map_find(base, over->keys[i]);
      if (j >= 0) {
        base->kids[j] = cfg_merge(base->kids[j], over->kids[i]);
        base->key_line[j] = over->key_line[i];
        base->key_col[j] = over->key_col[i];
      } else {
        cfg_node_push(base, over->keys[i], over->key_line[i], over->key_col[i], over->kids[i]);
      }
      over->kids[i] = NULL;
    }
    cfg_node_free(over);
    return base;
  }
  if (cfg_is_named_list(base) && cfg_is_named_list(over)) {
    for (size_t i = 0; i < over->n; i++) {
      const char *name = cfg_elem_name(over->kids[i]);
      size_t j;
      for (j = 0; j < base->n; j++)
        if (strcmp(cfg_elem_name(base->kids[j]), name) == 0) break;
      if (j < base->n)
        base->kids[j] = cfg_merge(base->kids[j], over->kids[i]);
      else
        cfg_node_push(base, NULL, 0, 0, over->kids[i]);
      over->kids[i] = NULL;
    }
    cfg_node_free(over);
    return base;
  }
  cfg_node_free(base);
  return over;
}

static const char *cfg_doc_keep_file(cfg_doc *doc, const char *file) {
  doc->files = vs_xrealloc(doc->files, (doc->n_files + 1) * sizeof *doc->files);
  doc->files[doc->n_files] = vs_xstrdup(file);
  return doc->files[doc->n_files++];
}

static cfg_node *cfg_load_tree(cfg_doc *doc, const char *path, int depth, cfg_err *err) {
  const char *file = cfg_doc_keep_file(doc, path);
  cfg_node *root = cfg_parse_file(file, err);
  if (!root) return NULL;
  long bi = cfg_map_find(root, "base");
  if (bi < 0) return root;
  cfg_node *bnode = root->kids[bi];
  int bl = root->key_line[bi], bc = root->key_col[bi];
  root->kids[bi] = NULL;
  cfg_map_remove(root, (size_t)bi);
  if (depth >= CFG_MAX_BASE_DEPTH) {
    cfg_fail(err, file, bl, bc, "key 'base': bases nested more than %d deep (a cycle?)", CFG_MAX_BASE_DEPTH);
    goto fail;
  }
  size_t nb = bnode->kind == CN_SEQ ? bnode->n : 1;
  cfg_node *merged = NULL;
  for (size_t i = 0; i < nb; i++) {
    cfg_node *b = bnode->kind == CN_SEQ ? bnode->kids[i] : bnode;
    if (b->kind != CN_SCALAR || b->text[0] == '\0') {
      cfg_fail(err, file, b->line, b->col, "key 'base': expected a file name or a list of file names");
      cfg_node_free(merged);
      goto fail;
    }
    char full[4096];
    const char *slash = strrchr(file, '/');
    if (b->text[0] == '/' || !slash)
      snprintf(full, sizeof full, "%s", b->text);
    else
      snprintf(full, sizeof full, "%.*s/%s", (int)(slash - file), file, b->text);
    cfg_node *sub = cfg_load_tree(doc, full, depth + 1, err);
    if (!sub) {
      /* Name the file that asked for the missing base too. */
      if (strstr(err->msg, "cannot open")) {
        char inner[sizeof err->msg];
        snprintf(inner, sizeof inner, "%s", err->msg);
        cfg_fail(err, file, b->line, b->col, "key 'base': %s", inner);
      }
      cfg_node_free(merged);
      goto fail;
    }
    merged = merged ? cfg_merge(merged, sub) : sub;
  }
  cfg_node_free(bnode);
  return cfg_merge(merged, root);
fail:
  cfg_node_free(bnode);
  cfg_node_free(root);
  return NULL;
}

cfg_doc *cfg_doc_load(const char *path, cfg_err *err) {
  cfg_doc *doc = vs_xcalloc(1, sizeof *doc);
  doc->root = cfg_load_tree(doc, path, 0, err);
  if (!doc->root) {
    cfg_doc_free(doc);
    return NULL;
  }
  return doc;
}

const char *cfg_doc_path(const cfg_doc *doc) { return doc->n_files ? doc->files[0] : ""; }

void cfg_doc_free(cfg_doc *doc) {
  if (!doc) return;
  cfg_node_free(doc->root);
  for (size_t i = 0; i < doc->n_files; i++) free(doc->files[i]);
  free(doc->files);
  free(doc);
}

/* ---- suggestions ---- */

size_t cfg_edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 63 || lb > 63) return SIZE_MAX;
  size_t row[64];
  for (size_t j = 0; j <= lb; j++) row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j];
      size_t best = diag + (a[i - 1] == b[j - 1] ? 0 : 1);
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[lb];
}

/* " (did you mean 'x'?)" for the nearest of names (stride bytes apart), or "". */
static void cfg_suggest(const char *word, const char *const *names, size_t n, size_t stride,
                        char *out, size_t out_n) {
  const char *best = NULL;
  size_t best_d = SIZE_MAX;
  for (size_t i = 0; i < n; i++) {
    const char *name = *(const char *const *)((const char *)names + i * stride);
    size_t d = cfg_edit_distance(word, name);
    if (d < best_d) {
      best_d = d;
      best = name;
    }
  }
  size_t len = strlen(word);
  if (best && best_d <= (len < 6 ? 2 : len / 3 + 1))
    snprintf(out, out_n, " (did you mean '%s'?)", best);
  else
    out[0] = '\0';
}

static size_t cfg_param_count(const cfg_param *p) {
  size_t n = 0;
  while (p[n].name) n++;
  return n;
}

static size_t cfg_section_count(const cfg_section *s) {
  size_t n = 0;
  while (s[n].name) n++;
  return n;
}

static const cfg_section *cfg_find_section(const cfg_section *schema, const char *name) {
  for (const cfg_section *s = schema; s->name; s++)
    if (strcmp(s->name, name) == 0) return s;
  return NULL;
}

static const cfg_param *cfg_find_param(const cfg_param *params, const char *name) {
  for (const cfg_param *p = params; p->name; p++)
    if (strcmp(p->name, name) == 0) return p;
  return NULL;
}

/* ---- units ---- */

enum { DIM_NONE, DIM_TIME, DIM_BITRATE, DIM_BYTES, DIM_FREQ, DIM_CYCLES, DIM_PCT, DIM_PER_S };

typedef struct {
  const char *name;
  int dim;
  double factor; /* in the dimension's base unit */
} cfg_unit;

static const cfg_unit cfg_units[] = {
    {"ps", DIM_TIME, 1e-12},     {"ns", DIM_TIME, 1e-9},    {"us", DIM_TIME, 1e-6},
    {"ms", DIM_TIME, 1e-3},      {"s", DIM_TIME, 1},        {"bps", DIM_BITRATE, 1},
    {"kbps", DIM_BITRATE, 1e3},  {"mbps", DIM_BITRATE, 1e6}, {"gbps", DIM_BITRATE, 1e9},
    {"b", DIM_BYTES, 1},         {"bytes", DIM_BYTES, 1},   {"kb", DIM_BYTES, 1e3},
    {"mb", DIM_BYTES, 1e6},      {"kib", DIM_BYTES, 1024},  {"mib", DIM_BYTES, 1048576},
    {"gib", DIM_BYTES, 1073741824.0}, {"hz", DIM_FREQ, 1},  {"khz", DIM_FREQ, 1e3},
    {"mhz", DIM_FREQ, 1e6},      {"ghz", DIM_FREQ, 1e9},    {"cycles", DIM_CYCLES, 1},
    {"pct", DIM_PCT, 1},         {"%", DIM_PCT, 1},         {"per_s", DIM_PER_S, 1},
    {"/s", DIM_PER_S, 1},        {"pps", DIM_PER_S, 1},     {NULL, 0, 0},
};

static const char *const cfg_dim_names[] = {"plain number", "time", "bit rate", "size",
                                            "frequency", "cycle count", "percentage", "rate per second"};

static const cfg_unit *cfg_find_unit(const char *name) {
  for (const cfg_unit *u = cfg_units; u->name; u++)
    if (strcasecmp(u->name, name) == 0) return u;
  return NULL;
}

/* ---- values ---- */

static void cfg_format_value(const cfg_param *p, const void *base, char *buf, size_t n, bool json);

typedef struct {
  const char *file;
  int line, col;
  const char *path; /* "sim.seed" */
  cfg_err *err;
} cfg_where;

static bool cfg_bad(const cfg_where *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool cfg_bad(const cfg_where *w, const char *fmt, ...) {
  char buf[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return cfg_fail(w->err, w->file, w->line, w->col, "key '%s': %s", w->path, buf);
}

static void cfg_trim(char *s) {
  size_t n = strlen(s);
  while (n && isspace((unsigned char)s[n - 1])) s[--n] = '\0';
  size_t i = 0;
  while (s[i] && isspace((unsigned char)s[i])) i++;
  if (i) memmove(s, s + i, n - i + 1);
}

static bool cfg_parse_number(const cfg_param *p, const char *text, bool plain, const cfg_where *w,
                             double *out_d, int64_t *out_i) {
  const char *what = p->type == CFG_INT ? "a whole number" : "a number";
  if (!plain) return cfg_bad(w, "expected %s, got the quoted string \"%s\"", what, text);
  char buf[128];
  if (strlen(text) >= sizeof buf) return cfg_bad(w, "expected %s, got a long string", what);
  snprintf(buf, sizeof buf, "%s", text);
  cfg_trim(buf);
  char *end;
  errno = 0;
  double v = strtod(buf, &end);
  if (end == buf || errno == ERANGE || !isfinite(v)) return cfg_bad(w, "expected %s, got '%s'", what, text);
  char suffix[64];
  snprintf(suffix, sizeof suffix, "%s", end);
  cfg_trim(suffix);
  const cfg_unit *pu = p->unit[0] ? cfg_find_unit(p->unit) : NULL;
  VS_ASSERT(p->unit[0] == '\0' || pu, "parameter %s has unknown unit %s", p->name, p->unit);
  if (suffix[0]) {
    const cfg_unit *u = cfg_find_unit(suffix);
    if (!u) {
      if (!pu) return cfg_bad(w, "expected %s, got '%s'", what, text);
      return cfg_bad(w, "bad unit '%s' (the key is in %s: write a plain number, or a %s with its unit)",
                     suffix, p->unit, cfg_dim_names[pu->dim]);
    }
    if (!pu) return cfg_bad(w, "bad unit '%s': this key takes a plain number", suffix);
    if (u->dim != pu->dim)
      return cfg_bad(w, "bad unit '%s': that is a %s, but the key is a %s in %s", suffix,
                     cfg_dim_names[u->dim], cfg_dim_names[pu->dim], p->unit);
    v = v * u->factor / pu->factor;
    /* Conversions such as 1.2 us -> ns leave float noise; round to 12 significant digits. */
    if (v != 0) {
      double mag = pow(10.0, floor(log10(fabs(v))) - 11);
      v = round(v / mag) * mag;
    }
  }
  const char *unit = p->unit[0] ? p->unit : "";
  if (p->type == CFG_INT) {
    if (v != floor(v) || fabs(v) > 9007199254740992.0)
      return cfg_bad(w, "expected a whole number%s%s, got '%s'", unit[0] ? " of " : "", unit, text);
    *out_i = (int64_t)v;
  }
  if (v < p->min || v > p->max)
    return cfg_bad(w, "value %s is out of range: %.15g to %.15g%s%s", text, p->min, p->max,
                   unit[0] ? " " : "", unit);
  *out_d = v;
  return true;
}

static bool cfg_parse_value_into(const cfg_param *p, const char *text, bool plain, const cfg_where *w,
                                 void *base) {
  char *dst = (char *)base + p->offset;
  switch (p->type) {
  case CFG_INT: {
    double d;
    int64_t i;
    if (!cfg_parse_number(p, text, plain, w, &d, &i)) return false;
    memcpy(dst, &i, sizeof i);
    return true;
  }
  case CFG_FLOAT: {
    double d;
    int64_t i;
    if (!cfg_parse_number(p, text, plain, w, &d, &i)) return false;
    memcpy(dst, &d, sizeof d);
    return true;
  }
  case CFG_BOOL: {
    bool b;
    if (plain && (!strcasecmp(text, "true") || !strcasecmp(text, "yes") || !strcasecmp(text, "on")))
      b = true;
    else if (plain && (!strcasecmp(text, "false") || !strcasecmp(text, "no") || !strcasecmp(text, "off")))
      b = false;
    else
      return cfg_bad(w, "expected true or false, got '%s'", text);
    memcpy(dst, &b, sizeof b);
    return true;
  }
  case CFG_ENUM: {
    size_t n = 0;
    char list[512] = "";
    for (; p->choices[n]; n++) {
      if (strcmp(p->choices[n], text) == 0) {
        int v = (int)n;
        memcpy(dst, &v, sizeof v);
        return true;
      }
      size_t l = strlen(list);
      snprintf(list + l, sizeof list - l, "%s%s", n ? ", " : "", p->choices[n]);
    }
    char sug[128];
    cfg_suggest(text, (const char *const *)p->choices, n, sizeof(char *), sug, sizeof sug);
    return cfg_bad(w, "unknown value '%s'%s; expected one of: %s", text, sug, list);
  }
  case CFG_STR:
    if (strlen(text) >= CFG_STR_MAX)
      return cfg_bad(w, "string longer than %d characters", CFG_STR_MAX - 1);
    if (text[0] == '\0') return cfg_bad(w, "empty string");
    memcpy(dst, text, strlen(text) + 1);
    return true;
  }
  VS_ASSERT(0, "parameter %s has type %d", p->name, (int)p->type);
  return false;
}

static void cfg_defaults_params(const cfg_param *params, void *base, const char *section) {
  for (const cfg_param *p = params; p->name; p++) {
    if (!p->def) continue;
    char path[160];
    snprintf(path, sizeof path, "%s.%s", section, p->name);
    cfg_err err;
    cfg_where w = {"(default)", 0, 0, path, &err};
    bool ok = cfg_parse_value_into(p, p->def, true, &w, base);
    VS_ASSERT(ok, "the default of %s does not parse: %s", path, err.msg);
  }
}

void cfg_defaults(const cfg_section *schema, void *out) {
  for (const cfg_section *s = schema; s->name; s++) {
    if (s->is_list)
      *(size_t *)((char *)out + s->count_offset) = 0;
    else
      cfg_defaults_params(s->params, (char *)out + s->offset, s->name);
  }
}

bool cfg_is_default(const cfg_param *params, const void *base, const char *name) {
  char cur[256], def[256];
  unsigned char tmp[CFG_STR_MAX + 16];
  for (const cfg_param *p = params; p->name; p++) {
    if (name && strcmp(p->name, name) != 0) continue;
    if (!p->def) continue;
    cfg_err err;
    cfg_where w = {"(default)", 0, 0, p->name, &err};
    cfg_param q = *p;
    q.offset = 0;
    memset(tmp, 0, sizeof tmp);
    bool ok = cfg_parse_value_into(&q, p->def, true, &w, tmp);
    VS_ASSERT(ok, "default of %s", p->name);
    cfg_format_value(&q, tmp, def, sizeof def, false);
    cfg_format_value(p, base, cur, sizeof cur, false);
    if (strcmp(cur, def) != 0) return false;
  }
  return true;
}

bool cfg_section_is_default(const cfg_section *schema, const char *section, const void *cfg) {
  const cfg_section *s = cfg_find_section(schema, section);
  VS_ASSERT(s != NULL, "no section %s", section);
  if (s->is_list) return *(const size_t *)((const char *)cfg + s->count_offset) == 0;
  return cfg_is_default(s->params, (const char *)cfg + s->offset, NULL);
}

/* ---- binding ---- */

static bool cfg_bind_params(const cfg_section *s, const cfg_node *map, void *base, const char *prefix,
                            cfg_err *err) {
  for (size_t i = 0; i < map->n; i++) {
    char path[192];
    snprintf(path, sizeof path, "%s.%s", prefix, map->keys[i]);
    cfg_where kw = {map->file, map->key_line[i], map->key_col[i], path, err};
    const cfg_param *p = cfg_find_param(s->params, map->keys[i]);
    if (!p) {
      char sug[128];
      cfg_suggest(map->keys[i], &s->params[0].name, cfg_param_count(s->params), sizeof(cfg_param), sug,
                  sizeof sug);
      return cfg_bad(&kw, "unknown key%s", sug);
    }
    const cfg_node *v = map->kids[i];
    cfg_where vw = {v->file, v->line, v->col, path, err};
    if (v->kind != CN_SCALAR)
      return cfg_bad(&vw, "expected a single value, got a %s", v->kind == CN_MAP ? "mapping" : "list");
    if (!cfg_parse_value_into(p, v->text, v->plain, &vw, base)) return false;
  }
  for (const cfg_param *p = s->params; p->name; p++) {
    if (!p->def && cfg_map_find(map, p->name) < 0) {
      cfg_where w = {map->file, map->line, map->col, prefix, err};
      return cfg_bad(&w, "missing required key '%s'", p->name);
    }
  }
  return true;
}

bool cfg_doc_bind(cfg_doc *doc, const cfg_section *schema, void *out, cfg_err *err) {
  cfg_defaults(schema, out);
  const cfg_node *root = doc->root;
  for (size_t i = 0; i < root->n; i++) {
    const char *key = root->keys[i];
    const cfg_section *s = cfg_find_section(schema, key);
    cfg_where kw = {root->file, root->key_line[i], root->key_col[i], key, err};
    if (!s) {
      char sug[128];
      cfg_suggest(key, &schema[0].name, cfg_section_count(schema), sizeof(cfg_section), sug, sizeof sug);
      return cfg_bad(&kw, "unknown section%s", sug);
    }
    const cfg_node *v = root->kids[i];
    cfg_where vw = {v->file, v->line, v->col, key, err};
    if (!s->is_list) {
      if (v->kind == CN_SCALAR && v->plain && v->text[0] == '\0') continue; /* "sim:" alone */
      if (v->kind != CN_MAP) return cfg_bad(&vw, "expected a mapping of parameters");
      if (!cfg_bind_params(s, v, (char *)out + s->offset, key, err)) return false;
      continue;
    }
    if (v->kind != CN_SEQ) return cfg_bad(&vw, "expected a list of elements, each with a name");
    if (v->n > s->max_elems) return cfg_bad(&vw, "%zu elements, at most %zu allowed", v->n, s->max_elems);
    for (size_t j = 0; j < v->n; j++) {
      const cfg_node *e = v->kids[j];
      char prefix[128];
      const char *name = cfg_elem_name(e);
      if (name)
        snprintf(prefix, sizeof prefix, "%s.%s", key, name);
      else
        snprintf(prefix, sizeof prefix, "%s[%zu]", key, j);
      cfg_where ew = {e->file, e->line, e->col, prefix, err};
      if (e->kind != CN_MAP) return cfg_bad(&ew, "expected a mapping with a name");
      if (!name) return cfg_bad(&ew, "missing required key 'name'");
      for (size_t k = 0; k < j; k++)
        if (strcmp(cfg_elem_name(v->kids[k]), name) == 0) return cfg_bad(&ew, "a second element named '%s'", name);
      char *elem = (char *)out + s->offset + j * s->elem_size;
      memset(elem, 0, s->elem_size);
      cfg_defaults_params(s->params, elem, prefix);
      if (!cfg_bind_params(s, e, elem, prefix, err)) return false;
    }
    *(size_t *)((char *)out + s->count_offset) = v->n;
  }
  return true;
}

/* ---- --set ---- */

bool cfg_doc_set(cfg_doc *doc, const cfg_section *schema, const char *assignment, cfg_err *err) {
  char where[256];
  snprintf(where, sizeof where, "--set %s", assignment);
  const char *file = cfg_doc_keep_file(doc, where);
  const char *eq = strchr(assignment, '=');
  if (!eq || eq == assignment) return cfg_fail(err, file, 0, 0, "expected KEY=VALUE, such as sim.seed=2");
  char path[256];
  size_t plen = (size_t)(eq - assignment);
  if (plen >= sizeof path) return cfg_fail(err, file, 0, 0, "key too long");
  memcpy(path, assignment, plen);
  path[plen] = '\0';
  char *parts[4];
  size_t np = 0;
  for (char *tok = strtok(path, "."); tok && np < 4; tok = strtok(NULL, ".")) parts[np++] = tok;
  const cfg_section *s = np ? cfg_find_section(schema, parts[0]) : NULL;
  if (!s) {
    char sug[128];
    cfg_suggest(np ? parts[0] : "", &schema[0].name, cfg_section_count(schema), sizeof(cfg_section), sug,
                sizeof sug);
    return cfg_fail(err, file, 0, 0, "unknown section '%s'%s", np ? parts[0] : "", sug);
  }
  size_t want = s->is_list ? 3 : 2;
  if (np != want)
    return cfg_fail(err, file, 0, 0, "expected %s", s->is_list ? "LIST.NAME.KEY=VALUE, such as domains.dom0.weight=512"
                                                                : "SECTION.KEY=VALUE, such as sim.seed=2");
  const char *key = parts[want - 1];
  if (!cfg_find_param(s->params, key)) {
    char sug[128];
    cfg_suggest(key, &s->params[0].name, cfg_param_count(s->params), sizeof(cfg_param), sug, sizeof sug);
    return cfg_fail(err, file, 0, 0, "key '%.*s': unknown key%s", (int)plen, assignment, sug);
  }
  cfg_node *root = doc->root;
  long si = cfg_map_find(root, parts[0]);
  if (si < 0) {
    cfg_node_push(root, parts[0], 0, 0, cfg_node_new(s->is_list ? CN_SEQ : CN_MAP, file, 0, 0));
    si = (long)root->n - 1;
  }
  cfg_node *sec = root->kids[si];
  cfg_node *target = sec;
  if (s->is_list) {
    if (sec->kind != CN_SEQ) return cfg_fail(err, file, 0, 0, "section '%s' in the config is not a list", parts[0]);
    target = NULL;
    for (size_t j = 0; j < sec->n; j++) {
      const char *name = cfg_elem_name(sec->kids[j]);
      if (name && strcmp(name, parts[1]) == 0) target = sec->kids[j];
    }
    if (!target) {
      target = cfg_node_new(CN_MAP, file, 0, 0);
      cfg_node *nm = cfg_node_new(CN_SCALAR, file, 0, 0);
      nm->text = vs_xstrdup(parts[1]);
      nm->plain = true;
      cfg_node_push(target, "name", 0, 0, nm);
      cfg_node_push(sec, NULL, 0, 0, target);
    }
  } else if (sec->kind != CN_MAP) {
    if (sec->kind == CN_SCALAR && sec->plain && sec->text[0] == '\0') {
      cfg_node_free(sec);
      root->kids[si] = target = cfg_node_new(CN_MAP, file, 0, 0);
    } else {
      return cfg_fail(err, file, 0, 0, "section '%s' in the config is not a mapping", parts[0]);
    }
  }
  cfg_node *val = cfg_node_new(CN_SCALAR, file, 0, 0);
  val->text = vs_xstrdup(eq + 1);
  val->plain = true;
  long ki = cfg_map_find(target, key);
  if (ki >= 0) {
    cfg_node_free(target->kids[ki]);
    target->kids[ki] = val;
    target->key_line[ki] = 0;
    target->key_col[ki] = 0;
  } else {
    cfg_node_push(target, key, 0, 0, val);
  }
  /* Key positions of command-line values point at the --set text. */
  return true;
}

static const cfg_node *cfg_doc_find(const cfg_doc *doc, const char *path) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s", path);
  char *parts[4];
  size_t np = 0;
  for (char *tok = strtok(buf, "."); tok && np < 4; tok = strtok(NULL, ".")) parts[np++] = tok;
  const cfg_node *n = doc->root;
  for (size_t i = 0; n && i < np; i++) {
    if (n->kind == CN_MAP) {
      long k = cfg_map_find(n, parts[i]);
      n = k >= 0 ? n->kids[k] : NULL;
    } else if (n->kind == CN_SEQ) {
      const cfg_node *found = NULL;
      for (size_t j = 0; j < n->n; j++) {
        const char *name = cfg_elem_name(n->kids[j]);
        if (name && strcmp(name, parts[i]) == 0) found = n->kids[j];
      }
      n = found;
    } else {
      n = NULL;
    }
  }
  return n;
}

bool cfg_doc_has(const cfg_doc *doc, const char *path) { return cfg_doc_find(doc, path) != NULL; }

bool cfg_doc_error(const cfg_doc *doc, const char *path, cfg_err *err, const char *fmt, ...) {
  char msg[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  const cfg_node *n = cfg_doc_find(doc, path);
  if (n) return cfg_fail(err, n->file, n->line, n->col, "key '%s': %s", path, msg);
  return cfg_fail(err, cfg_doc_path(doc), 0, 0, "key '%s' (default): %s", path, msg);
}

/* ---- writers ---- */

static void cfg_format_double(double v, char *buf, size_t n) {
  snprintf(buf, n, "%.15g", v);
  if (strtod(buf, NULL) != v) snprintf(buf, n, "%.17g", v);
}

static void cfg_format_value(const cfg_param *p, const void *base, char *buf, size_t n, bool json) {
  const char *src = (const char *)base + p->offset;
  switch (p->type) {
  case CFG_INT: {
    int64_t v;
    memcpy(&v, src, sizeof v);
    snprintf(buf, n, "%lld", (long long)v);
    return;
  }
  case CFG_FLOAT: {
    double v;
    memcpy(&v, src, sizeof v);
    cfg_format_double(v, buf, n);
    return;
  }
  case CFG_BOOL: {
    bool v;
    memcpy(&v, src, sizeof v);
    snprintf(buf, n, "%s", v ? "true" : "false");
    return;
  }
  case CFG_ENUM: {
    int v;
    memcpy(&v, src, sizeof v);
    snprintf(buf, n, json ? "\"%s\"" : "%s", p->choices[v]);
    return;
  }
  case CFG_STR: {
    /* Strings hold names and CPU lists: no quotes or control characters reach here from
     * YAML plain scalars, but quoted YAML strings may hold anything: escape. */
    size_t o = 0;
    buf[o++] = '"';
    for (const char *s = src; *s && o + 7 < n; s++) {
      unsigned char c = (unsigned char)*s;
      if (c == '"' || c == '\\') {
        buf[o++] = '\\';
        buf[o++] = (char)c;
      } else if (c < 0x20) {
        o += (size_t)snprintf(buf + o, n - o, "\\u%04x", c);
      } else {
        buf[o++] = (char)c;
      }
    }
    buf[o++] = '"';
    buf[o] = '\0';
    return;
  }
  }
}

void cfg_write_yaml(const cfg_section *schema, const void *cfg, FILE *f) {
  char buf[256];
  for (const cfg_section *s = schema; s->name; s++) {
    if (!s->is_list) {
      fprintf(f, "%s:\n", s->name);
      for (const cfg_param *p = s->params; p->name; p++) {
        cfg_format_value(p, (const char *)cfg + s->offset, buf, sizeof buf, false);
        fprintf(f, "  %s: %s\n", p->name, buf);
      }
      continue;
    }
    size_t count = *(const size_t *)((const char *)cfg + s->count_offset);
    fprintf(f, "%s:%s\n", s->name, count ? "" : " []");
    for (size_t j = 0; j < count; j++) {
      const char *elem = (const char *)cfg + s->offset + j * s->elem_size;
      bool first = true;
      for (const cfg_param *p = s->params; p->name; p++) {
        cfg_format_value(p, elem, buf, sizeof buf, false);
        fprintf(f, "  %s %s: %s\n", first ? "-" : " ", p->name, buf);
        first = false;
      }
    }
  }
}

static void cfg_json_params(const cfg_param *params, const void *base, FILE *f, int ind) {
  char buf[256];
  for (const cfg_param *p = params; p->name; p++) {
    cfg_format_value(p, base, buf, sizeof buf, true);
    if (p->type == CFG_FLOAT && (strstr(buf, "inf") || strstr(buf, "nan"))) snprintf(buf, sizeof buf, "null");
    fprintf(f, "%*s\"%s\": %s%s\n", ind, "", p->name, buf, p[1].name ? "," : "");
  }
}

void cfg_write_json(const cfg_section *schema, const void *cfg, FILE *f, int ind) {
  fprintf(f, "{\n");
  for (const cfg_section *s = schema; s->name; s++) {
    const char *comma = s[1].name ? "," : "";
    if (!s->is_list) {
      fprintf(f, "%*s\"%s\": {\n", ind + 2, "", s->name);
      cfg_json_params(s->params, (const char *)cfg + s->offset, f, ind + 4);
      fprintf(f, "%*s}%s\n", ind + 2, "", comma);
      continue;
    }
    size_t count = *(const size_t *)((const char *)cfg + s->count_offset);
    fprintf(f, "%*s\"%s\": [", ind + 2, "", s->name);
    for (size_t j = 0; j < count; j++) {
      fprintf(f, "%s\n%*s{\n", j ? "," : "", ind + 4, "");
      cfg_json_params(s->params, (const char *)cfg + s->offset + j * s->elem_size, f, ind + 6);
      fprintf(f, "%*s}", ind + 4, "");
    }
    fprintf(f, "%s]%s\n", count ? "\n" : "", comma);
  }
  fprintf(f, "%*s}", ind, "");
}

static const char *const cfg_type_names[] = {"integer", "number", "boolean", "choice", "string"};

void cfg_write_help(const cfg_section *schema, FILE *f) {
  for (const cfg_section *s = schema; s->name; s++) {
    fprintf(f, "%s:%s  %s\n", s->name, s->is_list ? " (list of named elements)" : "", s->help);
    for (const cfg_param *p = s->params; p->name; p++) {
      fprintf(f, "  %-24s %s", p->name, cfg_type_names[p->type]);
      if (p->unit[0]) fprintf(f, ", %s", p->unit);
      if (p->type == CFG_INT || p->type == CFG_FLOAT) fprintf(f, ", %.15g..%.15g", p->min, p->max);
      if (p->type == CFG_ENUM) {
        fprintf(f, ", one of");
        for (size_t i = 0; p->choices[i]; i++) fprintf(f, "%s%s", i ? "|" : " ", p->choices[i]);
      }
      fprintf(f, "; default %s\n      %s\n", p->def ? p->def : "(required)", p->help);
    }
    fputc('\n', f);
  }
}
