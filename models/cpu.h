/* cpu.h: running work on physical CPUs: steps, interruption, switch costs, and the CPU-time
 * accounting per physical CPU, VCPU, domain and stage. The scheduler (sched.c) decides which
 * VCPU a pCPU runs; this module runs it. */
#ifndef VS_CPU_H
#define VS_CPU_H

#include "host.h"

/* Initialise an item (set-up time). */
void cpu_work_init(work_t *w, work_start_fn start, work_done_fn done, void *ctx, int stage, work_class klass);
/* Queue w on v unless it is queued already; if w is v's step in progress, it runs once more
 * after that step. Wakes a blocked VCPU; a kernel item interrupts a running user step. */
void cpu_enqueue(host_t *h, vcpu_t *v, work_t *w);
/* Whether v has anything to run. */
bool cpu_has_work(const vcpu_t *v);

/* Scheduler interface. cpu_stop pauses what p is running and accounts it; cpu_run makes next
 * (NULL: idle) the running VCPU, charging a switch if it differs from the last one, and starts
 * its work. If next has nothing to run it is blocked through sched_block. */
void cpu_stop(host_t *h, pcpu_t *p);
void cpu_run(host_t *h, pcpu_t *p, vcpu_t *next);
/* Account every running segment up to now (before reading or resetting counters). */
void cpu_flush(host_t *h);

/* Cost helpers for work start functions: time for instructions at the base CPI plus the stall
 * cycles of reading or writing bytes of a buffer from v's current core. */
static inline double cpu_read(host_t *h, vcpu_t *v, cache_buf b, uint32_t bytes) {
  return cache_read(h->cache, v->processor, v->dom->id, b, bytes);
}
static inline double cpu_write(host_t *h, vcpu_t *v, cache_buf b, uint32_t bytes) {
  return cache_write(h->cache, v->processor, v->dom->id, b, bytes);
}
static inline vs_time_ps cpu_time(const host_t *h, double instructions, double stall_cycles) {
  return platform_cycles_ps(h->plat, instructions * h->plat->base_cpi + stall_cycles);
}

/* Within a start function: the next piece of the step, t of it, belongs to stage. The pieces
 * should add up to the step's time; the last one absorbs any difference. */
static inline void cpu_part(work_t *w, int stage, vs_time_ps t) {
  if (w->n_parts < 4) {
    w->part_stage[w->n_parts] = (int8_t)stage;
    w->part_ps[w->n_parts++] = t;
  }
}
/* Instructions and stalls as time, recorded as a piece of the step for stage; returns it. */
static inline vs_time_ps cpu_piece(const host_t *h, work_t *w, int stage, double instructions, double stall_cycles) {
  vs_time_ps t = cpu_time(h, instructions, stall_cycles);
  cpu_part(w, stage, t);
  return t;
}

#endif
