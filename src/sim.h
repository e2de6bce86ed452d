/* sim.h: the simulation kernel: the clock, the pending-event set, random streams and the
 * hooks through which components take part in warm-up, time series and the final report.
 *
 * A simulation is a value (sim_t): nothing here is global, so two can run in one process.
 *
 * Events. An event is a handler pointer, a context pointer and a 64-bit argument, due at an
 * integer time in picoseconds. The pending set orders events by (time, sequence number), the
 * sequence number being the order of scheduling, so events due at the same time run in the
 * order they were scheduled, on every run. Event records come from a pool that grows by
 * doubling and is never shrunk: once a run has reached its peak number of pending events,
 * scheduling allocates nothing.
 *
 * Contract of a handler: it runs at sim_now() == its due time; it may schedule and cancel
 * events; it must not call sim_run(). Every handler of an event type is found by grepping for
 * the handler's name: there are no casts of handler types.
 */
#ifndef VS_SIM_H
#define VS_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "vs.h"

typedef struct sim sim_t;

typedef void (*sim_handler_fn)(sim_t *sim, void *ctx, uint64_t arg);
typedef void (*sim_hook_fn)(sim_t *sim, void *ctx);
typedef double (*sim_probe_fn)(void *ctx, vs_time_ps now_ps);

/* A handle to a scheduled event: 0 is "no event". A handle stays safe to cancel after the
 * event ran or was cancelled (the pool slot carries a generation number). */
typedef uint64_t sim_event_id;

/* seed and replication select the random streams (see sim_rng). */
sim_t *sim_new(uint64_t seed, uint32_t replication);
void sim_free(sim_t *sim);

vs_time_ps sim_now(const sim_t *sim);
uint64_t sim_seed(const sim_t *sim);
uint32_t sim_replication(const sim_t *sim);

/* Schedule handler(sim, ctx, arg) at absolute time t_ps >= sim_now(). */
sim_event_id sim_at(sim_t *sim, vs_time_ps t_ps, sim_handler_fn handler, void *ctx, uint64_t arg);
/* Schedule after a delay dt_ps >= 0. */
sim_event_id sim_after(sim_t *sim, vs_time_ps dt_ps, sim_handler_fn handler, void *ctx, uint64_t arg);
/* Remove a pending event. Returns false if it already ran, was cancelled, or is running now. */
bool sim_cancel(sim_t *sim, sim_event_id id);
bool sim_pending(const sim_t *sim, sim_event_id id);
size_t sim_pending_count(const sim_t *sim);
/* Event records allocated so far (grows by doubling to the peak of pending events). */
size_t sim_pool_capacity(const sim_t *sim);

/* Run events due at or before until_ps (VS_TIME_NEVER: until nothing is pending or sim_stop).
 * On return the clock reads until_ps if events remain beyond it, else the last event's time.
 * Returns the number of events executed by this call. */
uint64_t sim_run(sim_t *sim, vs_time_ps until_ps);
void sim_stop(sim_t *sim);
uint64_t sim_events_executed(const sim_t *sim);

/* The random stream of a named component: a GSL mt19937 generator seeded from
 * (seed, replication, name), so adding a component does not change the draws of others.
 * Asking twice for the same name returns the same stream. Owned by the simulation. */
gsl_rng *sim_rng(sim_t *sim, const char *component);
/* The 32-bit seed that sim_rng gives a component: recorded for reproducibility. */
unsigned long sim_stream_seed(uint64_t seed, uint32_t replication, const char *component);

/* Components' hooks. warm-up hooks run once, when the warm-up period ends, to discard the
 * samples gathered so far; report hooks run once after the run and call sim_metric. */
void sim_on_warmup(sim_t *sim, sim_hook_fn fn, void *ctx);
void sim_on_report(sim_t *sim, sim_hook_fn fn, void *ctx);
/* Call the warm-up hooks now (the run driver schedules this at warmup_ms). */
void sim_warmup_now(sim_t *sim);
vs_time_ps sim_warmup_end(const sim_t *sim);
/* Call the report hooks; metrics are then read with sim_metric_count/name/value. */
void sim_report(sim_t *sim);

/* A named scalar result of the run. Called from report hooks, never per event. */
void sim_metric(sim_t *sim, const char *name, double value);
size_t sim_metric_count(const sim_t *sim);
const char *sim_metric_name(const sim_t *sim, size_t i);
double sim_metric_value(const sim_t *sim, size_t i);

/* Time series: probes read every interval_ps of simulated time from sim_series_start on.
 * Register all probes before starting. Samples are stored in memory (one double per probe
 * per interval) and read back with sim_series_*. */
void sim_series(sim_t *sim, const char *name, sim_probe_fn probe, void *ctx);
void sim_series_start(sim_t *sim, vs_time_ps interval_ps);
size_t sim_series_count(const sim_t *sim);
const char *sim_series_name(const sim_t *sim, size_t i);
size_t sim_series_rows(const sim_t *sim);
vs_time_ps sim_series_time(const sim_t *sim, size_t row);
double sim_series_value(const sim_t *sim, size_t row, size_t col);

#endif
