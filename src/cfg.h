/* cfg.h: YAML configuration checked against parameter tables.
 *
 * Every parameter is declared once, in a cfg_param table next to the component that uses it
 * (name, type, unit, range, default, help). The loader, --set, the error messages, the
 * resolved-config printer and `viosim config --help` all read those tables, so a parameter
 * cannot be documented in one place and parsed differently in another.
 *
 * A config is a YAML mapping of sections. A section is either a mapping of parameters
 * (`sim:`) or a list of named elements (`domains: [{name: dom0, ...}, ...]`). A file may name
 * `base: other.yaml` (or a list of files), resolved relative to itself: the bases are merged
 * first, in order, then the file over them; mappings merge by key, named lists by element
 * name, anything else is replaced.
 *
 * Values may carry a unit of the parameter's dimension, converted to the unit in the
 * parameter's name: `duration_ms: 2 s` is 2000. A unit of another dimension is an error.
 *
 * Errors are reported as one message, "FILE:LINE:COL: key 'a.b': what is wrong", and the
 * caller exits with status 1 before writing anything.
 */
#ifndef VS_CFG_H
#define VS_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CFG_STR_MAX 64 /* strings (names, enum-like labels, CPU lists) are char[CFG_STR_MAX] */

typedef enum { CFG_INT, CFG_FLOAT, CFG_BOOL, CFG_ENUM, CFG_STR } cfg_type;

/* Storage by type: CFG_INT int64_t, CFG_FLOAT double, CFG_BOOL bool, CFG_ENUM int (index
 * into choices), CFG_STR char[CFG_STR_MAX]. */
typedef struct {
  const char *name;
  cfg_type type;
  const char *unit; /* "ms", "us", "s", "gbps", "bytes", "kib", "ghz", "cycles", "pct", "per_s", "" */
  double min, max;  /* inclusive range for INT and FLOAT */
  const char *def;  /* default, written as in YAML; NULL: the key is required */
  const char *help;
  size_t offset;                 /* of the value in the section's struct */
  const char *const *choices;    /* CFG_ENUM: NULL-terminated names */
} cfg_param;

typedef struct {
  const char *name;
  const char *help;
  const cfg_param *params; /* terminated by an entry with name NULL */
  bool is_list;            /* a list of elements, each with a `name` CFG_STR parameter */
  size_t offset;           /* of the section struct (or of the element array) in the config */
  size_t elem_size;        /* lists: size of one element */
  size_t max_elems;        /* lists: capacity of the array */
  size_t count_offset;     /* lists: offset of a size_t element count in the config */
} cfg_section;

/* A schema is an array of sections terminated by one with name NULL. */

typedef struct {
  char msg[1024];
} cfg_err;

typedef struct cfg_doc cfg_doc;

/* Parse the file and its bases. NULL with err set on failure. */
cfg_doc *cfg_doc_load(const char *path, cfg_err *err);
/* Apply "section.key=value" or "list.element.key=value" from the command line. */
bool cfg_doc_set(cfg_doc *doc, const cfg_section *schema, const char *assignment, cfg_err *err);
/* Fill out (the config struct) with defaults, then with the document's values, checking every
 * key, type, unit and range. */
bool cfg_doc_bind(cfg_doc *doc, const cfg_section *schema, void *out, cfg_err *err);
/* Format an error about a key found by path ("sim.warmup_ms", "domains.dom0.weight") with the
 * place it was set (or "PATH: " when it came from a default). Returns false, for chaining. */
bool cfg_doc_error(const cfg_doc *doc, const char *path, cfg_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
const char *cfg_doc_path(const cfg_doc *doc);
/* Whether the document (file, bases or --set) sets the key at path ("mm1", "domains.d0.burst_us"). */
bool cfg_doc_has(const cfg_doc *doc, const char *path);
/* Whether a parameter (name) of a table, or every one (name NULL), holds its default in base. */
bool cfg_is_default(const cfg_param *params, const void *base, const char *name);
/* Whether a section of the schema is all defaults (a list: empty) in the config. */
bool cfg_section_is_default(const cfg_section *schema, const char *section, const void *cfg);
void cfg_doc_free(cfg_doc *doc);

void cfg_defaults(const cfg_section *schema, void *out);
/* The resolved configuration: every parameter with its value, defaults included. */
void cfg_write_yaml(const cfg_section *schema, const void *cfg, FILE *f);
void cfg_write_json(const cfg_section *schema, const void *cfg, FILE *f, int indent);
/* Documentation of every parameter, from the tables. */
void cfg_write_help(const cfg_section *schema, FILE *f);

/* Levenshtein distance, for "did you mean" (exposed for tests). */
size_t cfg_edit_distance(const char *a, const char *b);

#endif
