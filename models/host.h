/* host.h: the machine's shared state: physical CPUs, domains, VCPUs and the work they run.
 *
 * Like Xen's sched-if.h, this header is shared by the few modules that make up the machine
 * (sched.c: the credit scheduler; cpu.c: running work on physical CPUs; evtchn.c: event
 * channels; domain.c: domains and their workloads; host.c: building it all from the config).
 * Components outside the machine (the network path) use the functions of those modules and
 * embed work_t items; they do not touch scheduler fields.
 *
 * Work. Software is a set of work items (a NAPI poll, a tasklet, an application loop), each
 * owned by a component, queued on a VCPU at most once at a time, like a Linux tasklet. When an
 * item gets the CPU, its start() computes the cost of one step (instructions at the base CPI
 * plus the stall cycles of the data it touches, from the cache model) and returns it as time;
 * the VCPU then needs that much time on a physical CPU. When the step completes, done() applies
 * its effects and says whether the item has another step. A step interrupted by the scheduler
 * keeps its remaining time. Kernel items (interrupts, softirqs) run before user items and
 * interrupt a user step in progress.
 */
#ifndef VS_HOST_H
#define VS_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "cache.h"
#include "platform.h"
#include "sim.h"
#include "stats.h"

#define HOST_MAX_DOMAINS 16
#define HOST_MAX_VCPUS 64
#define HOST_MAX_STAGES 32
#define HOST_MAX_PORTS 256

typedef struct host host_t;
typedef struct vcpu vcpu_t;
typedef struct work work_t;
typedef struct domain domain_t;

typedef enum { WORK_KERNEL = 0, WORK_USER = 1, WORK_CLASSES = 2 } work_class;
enum { SEG_WORK = 0, SEG_SWITCH = 1, SEG_NOTIFY = 2 };

/* Returns the time the next step needs on a physical CPU (>= 0). */
typedef vs_time_ps (*work_start_fn)(host_t *h, vcpu_t *v, work_t *w);
/* Applies the step's effects; returns true if the item has another step to run now. */
typedef bool (*work_done_fn)(host_t *h, vcpu_t *v, work_t *w);

struct work {
  work_start_fn start;
  work_done_fn done;
  void *ctx;
  int stage;          /* host stage id, for CPU-time accounting */
  work_class klass;
  vs_time_ps remaining_ps; /* of the step in progress; -1 when no step has started */
  bool queued;
  work_t *next;
  /* Optional split of the step's time among stages (cpu_part), in order of execution; the
   * step's own stage is used when there are none. */
  uint8_t n_parts;
  int8_t part_stage[4];
  vs_time_ps part_ps[4];
  vs_time_ps part_progress;
};

/* Credit scheduler priorities, as in sched_credit.c. */
enum { PRI_BOOST = 0, PRI_UNDER = -1, PRI_OVER = -2, PRI_IDLE = -64 };
enum { PRI_SLOTS = 3 }; /* BOOST, UNDER, OVER for time-in-priority */

typedef enum { VCPU_BLOCKED, VCPU_RUNNABLE, VCPU_RUNNING } vcpu_state;

struct vcpu {
  int id;      /* index in host->vcpus */
  int index;   /* index within its domain */
  domain_t *dom;
  int processor;       /* the pCPU it runs on, is queued on, or last ran on */
  uint64_t affinity;   /* bit per pCPU */
  /* scheduler */
  vcpu_state state;
  int pri;
  int credit;
  bool active; /* on the accounting active list */
  bool parked; /* capped out: not runnable until credits return */
  vs_time_ps burn_from_ps; /* exact accounting: start of the uncharged run time */
  int migrate_to;          /* pCPU chosen at a tick, -1 when staying */
  /* work */
  work_t *q_head[WORK_CLASSES], *q_tail[WORK_CLASSES];
  work_t *cur;            /* item whose step is in progress (possibly interrupted) */
  vs_time_ps overhead_ps; /* switch-in cost still to run before work resumes */
  vs_time_ps notify_ps;   /* cost of notify hypercalls made by finished steps, still to run */
  /* event channels */
  int pending_ports[HOST_MAX_PORTS];
  int n_pending;
  work_t upcall;
  bool ipi_pending; /* an event IPI is on its way to this running VCPU */
  /* statistics */
  vs_time_ps busy_ps;
  vs_time_ps busy_all_ps; /* never reset: the time series take differences of it */
  vs_time_ps pri_ps[PRI_SLOTS];
  vs_time_ps pri_since_ps;
  vs_time_ps woke_ps; /* -1 unless woken and not yet run */
  uint64_t boosts, preemptions, migrations, switches_in, wakes;
  stats_hist wake_latency_us;
};

struct domain {
  int id;
  char name[64];
  int weight, cap_pct;
  int n_vcpus;
  vcpu_t *vcpus[HOST_MAX_VCPUS];
  bool active;     /* has active VCPUs */
  int active_vcpus;
  int active_order; /* position on the active-domain list (Xen keeps a list) */
  cache_buf kernel_ws; /* the kernel working set a switch-in touches */
  vs_time_ps stage_ps[HOST_MAX_STAGES];
  void *workload; /* the domain's workload state (domain.c) */
};

typedef struct {
  int id;
  vcpu_t *cur;   /* NULL: idle */
  vcpu_t *last;  /* last VCPU that ran here, for switch costs */
  vcpu_t *runq[HOST_MAX_VCPUS];
  int runq_n;
  sim_event_id step_ev, slice_ev;
  bool schedule_raised;
  vs_time_ps seg_from_ps; /* start of the segment being accounted */
  int seg_stage;          /* stage of that segment, -1 idle */
  int seg_kind;           /* SEG_WORK, SEG_SWITCH (switch-in overhead) or SEG_NOTIFY */
  int ticks;
  vs_time_ps busy_ps;
  vs_time_ps busy_all_ps; /* never reset: the time series take differences of it */
  uint64_t switches;
  int runq_sort_seen;
} pcpu_t;

/* Scheduler parameters (sched.c declares their table). */
typedef struct {
  int mode;       /* SCHED_CREDIT or SCHED_NATIVE */
  int accounting; /* SCHED_SAMPLED or SCHED_EXACT */
  int placement;  /* policy of cpu_pick and stealing: SCHED_PLACE_XEN */
  int tick_phase; /* SCHED_PHASE_RANDOM or SCHED_PHASE_STAGGERED */
  double tick_ms;
  int64_t ticks_per_slice, ticks_per_acct, credits_per_tick, default_weight;
  double switch_cycles;   /* hypervisor VCPU context switch */
  double native_switch_cycles;
  double native_slice_ms;
  double upcall_cycles;   /* taking an event upcall in the guest */
  double evtchn_send_cycles; /* the notify hypercall */
  double ipi_us;          /* delay of an IPI to another pCPU */
  int64_t kernel_ws_kib;  /* per-domain working set touched at switch-in */
} sched_cfg;

enum { SCHED_CREDIT = 0, SCHED_NATIVE = 1 };
enum { SCHED_SAMPLED = 0, SCHED_EXACT = 1 };
enum { SCHED_PLACE_XEN = 0 };
enum { SCHED_PHASE_RANDOM = 0, SCHED_PHASE_STAGGERED = 1 };

/* An event channel port: a pending bit that coalesces, bound to one VCPU (evtchn.c). */
typedef void (*evtchn_handler_fn)(host_t *h, void *ctx);
typedef struct {
  vcpu_t *vcpu;
  bool pending;
  evtchn_handler_fn handler;
  void *ctx;
  uint64_t sends, coalesced, deliveries;
} evtchn_port;

struct sched_policy;

struct host {
  sim_t *sim;
  const platform_cfg *plat;
  const sched_cfg *sc;
  const struct sched_policy *policy;
  cache_t *cache;
  int n_pcpus;
  pcpu_t pcpus[PLATFORM_MAX_CORES];
  int n_domains;
  domain_t *domains[HOST_MAX_DOMAINS];
  int n_vcpus;
  vcpu_t *vcpus[HOST_MAX_VCPUS];
  const char *stage_names[HOST_MAX_STAGES];
  int n_stages;
  int stage_switch, stage_upcall, stage_evtchn; /* built-in stages */
  /* credit scheduler, system-wide (csched_private) */
  int credit_total; /* credits handed out per accounting period */
  int credit_balance;
  int weight_total;
  domain_t *active_doms[HOST_MAX_DOMAINS];
  int n_active_doms;
  int runq_sort_epoch;
  int master;
  uint64_t idlers;
  vs_time_ps tick_ps, slice_ps;
  /* event channels */
  evtchn_port ports[HOST_MAX_PORTS];
  int n_ports;
  vs_time_ps stats_from_ps; /* start of the measured period (end of warm-up) */
  const void *domain_cfgs;
  /* time-series state: values at the previous sample */
  vs_time_ps last_sample_ps;
  vs_time_ps last_pcpu_busy[PLATFORM_MAX_CORES];
  vs_time_ps last_dom_busy[HOST_MAX_DOMAINS];
};

/* Register a stage name for CPU accounting, or find it; returns its id (set-up time). */
int host_stage(host_t *h, const char *name);

struct domain_cfg_s;
/* Build the machine: pCPUs, cache, domains and VCPUs (domain_cfg from domain.h). Registers
 * warm-up and report hooks and time-series probes with sim. */
host_t *host_new(sim_t *sim, const platform_cfg *pl, const sched_cfg *sc, const void *domain_cfgs, size_t n_domains);
/* Start the scheduler and the domains' own workloads. */
void host_start(host_t *h);
void host_free(host_t *h);
domain_t *host_domain(host_t *h, const char *name);
/* Busy cores, summed over pCPUs, since the end of warm-up. */
double host_busy_cores(host_t *h);

#endif
