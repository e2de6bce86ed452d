/* sched.h: Xen's credit scheduler (sched_credit.c of Xen 3.2/3.3, with the exact accounting
 * of Xen 4.0 as an option) and a simple native OS scheduler for comparison.
 *
 * Two decisions are policies, behind struct sched_policy, so the paper's optimizations replace
 * a function rather than add conditions: where a VCPU should run (cpu_pick, used at ticks to
 * migrate, and whether an idle pCPU may steal it), and how credits are handed out at each
 * accounting period. */
#ifndef VS_SCHED_H
#define VS_SCHED_H

#include "cfg.h"
#include "host.h"

extern const cfg_param sched_params[];

struct sched_policy {
  const char *name;
  /* The pCPU v should run on (csched_cpu_pick). */
  int (*pick_cpu)(host_t *h, vcpu_t *v);
  /* Whether pCPU cpu may take queued v from another pCPU (csched_runq_steal's test). */
  bool (*may_steal)(host_t *h, vcpu_t *v, int cpu);
  /* Hand out credits to active VCPUs and recompute priorities (csched_acct). */
  void (*acct)(host_t *h);
};

extern const struct sched_policy sched_policy_xen;

/* Start the tickers and the scheduling of every pCPU (after domains exist). */
void sched_start(host_t *h);
/* A blocked VCPU has work (csched_vcpu_wake): boost if UNDER, queue, tickle. */
void sched_wake(host_t *h, vcpu_t *v);
/* The running VCPU v has nothing to do (do_block): it blocks and its pCPU reschedules. */
void sched_block(host_t *h, vcpu_t *v);
/* Ask pCPU p to run the scheduler after delay_ps (the SCHEDULE_SOFTIRQ). */
void sched_raise(host_t *h, pcpu_t *p, vs_time_ps delay_ps);
/* Account time in priority up to now (before reading the counters). */
void sched_flush(host_t *h);

/* Xen's credit arithmetic, exposed for tests: the active domains' shares of credit_total. */
void sched_acct_xen(host_t *h);
int sched_pick_cpu_xen(host_t *h, vcpu_t *v);

/* Index of priority p in vcpu.pri_ps: 0 BOOST, 1 UNDER, 2 OVER. */
static inline int sched_pri_slot(int pri) { return pri == PRI_BOOST ? 0 : pri == PRI_UNDER ? 1 : 2; }

#endif
