/* sched.c: the credit scheduler of Xen 3.2/3.3 (xen/common/sched_credit.c), decision by
 * decision, with Xen 4.0's exact accounting as an option and a simple native scheduler.
 *
 * Per pCPU: a run queue sorted by priority (BOOST > UNDER > OVER), FIFO among equals, and a
 * 10 ms ticker; the tickers are not synchronised (each starts at a random phase, drawn per
 * replication, or staggered by i/n of a tick). At a
 * tick the running VCPU loses BOOST, is charged (sampled: a whole tick; exact: the time it
 * ran), joins the active list if it was not on it, and may be migrated if cpu_pick prefers
 * another pCPU. Every 3 ticks the master pCPU hands out credits (csched_acct). A waking UNDER
 * VCPU is boosted; it preempts only a strictly lower priority. A pCPU whose best local VCPU is
 * OVER or idle steals the first queued VCPU of higher priority from the other busy pCPUs.
 * Run queues hold at most a few VCPUs: insertion is a scan of that short array.
 *
 * Native mode: no hypervisor. No credits, boosts or accounting: FIFO run queues with a time
 * slice, stealing by idle cores, and the (cheaper) OS context switch.
 */
#include "sched.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "cpu.h"

static const char *const sched_modes[] = {"credit", "native", NULL};
static const char *const sched_accountings[] = {"sampled", "exact", NULL};
static const char *const sched_placements[] = {"xen", NULL};
static const char *const sched_phases[] = {"random", "staggered", NULL};

#define SC_OFF(f) offsetof(sched_cfg, f)
const cfg_param sched_params[] = {
    {"mode", CFG_ENUM, "", 0, 0, "credit", "credit: Xen's credit scheduler; native: no hypervisor, a plain OS scheduler", SC_OFF(mode), sched_modes},
    {"accounting", CFG_ENUM, "", 0, 0, "sampled", "sampled: a whole tick charged to whoever runs at the tick (Xen 3.x); exact: the time actually run (Xen 4.0)", SC_OFF(accounting), sched_accountings},
    {"placement", CFG_ENUM, "", 0, 0, "xen", "policy of cpu_pick and stealing: xen (Xen 3.3, blind to who talks to whom)", SC_OFF(placement), sched_placements},
    {"tick_phase", CFG_ENUM, "", 0, 0, "random", "when each pCPU's ticker starts: random (per replication, as after a real boot) or staggered (pCPU i at i/n of a tick)", SC_OFF(tick_phase), sched_phases},
    {"tick_ms", CFG_FLOAT, "ms", 0.1, 1000, "10", "scheduler tick (CSCHED_MSECS_PER_TICK)", SC_OFF(tick_ms), NULL},
    {"ticks_per_slice", CFG_INT, "", 1, 1000, "3", "time slice in ticks (CSCHED_TICKS_PER_TSLICE)", SC_OFF(ticks_per_slice), NULL},
    {"ticks_per_acct", CFG_INT, "", 1, 1000, "3", "accounting period in ticks (CSCHED_TICKS_PER_ACCT)", SC_OFF(ticks_per_acct), NULL},
    {"credits_per_tick", CFG_INT, "", 1, 100000, "100", "credits a tick is worth (CSCHED_CREDITS_PER_TICK)", SC_OFF(credits_per_tick), NULL},
    {"switch_cycles", CFG_FLOAT, "cycles", 0, 1e7, "4000", "hypervisor VCPU context switch, before the cache effects (estimate)", SC_OFF(switch_cycles), NULL},
    {"native_switch_cycles", CFG_FLOAT, "cycles", 0, 1e7, "1500", "native OS context switch (estimate)", SC_OFF(native_switch_cycles), NULL},
    {"native_slice_ms", CFG_FLOAT, "ms", 0.01, 1000, "10", "native mode time slice", SC_OFF(native_slice_ms), NULL},
    {"upcall_cycles", CFG_FLOAT, "cycles", 0, 1e6, "800", "a guest taking an event-channel upcall (estimate)", SC_OFF(upcall_cycles), NULL},
    {"evtchn_send_cycles", CFG_FLOAT, "cycles", 0, 1e6, "1000", "the notify hypercall of evtchn_send (estimate)", SC_OFF(evtchn_send_cycles), NULL},
    {"ipi_us", CFG_FLOAT, "us", 0, 1000, "1", "delay before another pCPU acts on an IPI (estimate)", SC_OFF(ipi_us), NULL},
    {"kernel_ws_kib", CFG_INT, "kib", 0, 65536, "64", "per-domain kernel working set pulled through the cache at each switch-in (estimate)", SC_OFF(kernel_ws_kib), NULL},
    {NULL, 0, NULL, 0, 0, NULL, NULL, 0, NULL},
};

static bool sched_credit(const host_t *h) { return h->sc->mode == SCHED_CREDIT; }

/* ---- time in priority ---- */

static void sched_note(host_t *h, vcpu_t *v) {
  vs_time_ps now = sim_now(h->sim);
  if (v->state != VCPU_BLOCKED) v->pri_ps[sched_pri_slot(v->pri)] += now - v->pri_since_ps;
  v->pri_since_ps = now;
}

static void sched_set_state(host_t *h, vcpu_t *v, vcpu_state s) {
  sched_note(h, v);
  v->state = s;
}

static void sched_set_pri(host_t *h, vcpu_t *v, int pri) {
  sched_note(h, v);
  v->pri = pri;
}

void sched_flush(host_t *h) {
  for (int i = 0; i < h->n_vcpus; i++) sched_note(h, h->vcpus[i]);
}

/* ---- run queues ---- */

/* __runq_insert: after every VCPU of the same or higher priority. */
static void sched_runq_insert(host_t *h, pcpu_t *p, vcpu_t *v) {
  VS_ASSERT(p->runq_n < HOST_MAX_VCPUS, "run queue of pCPU %d full", p->id);
  int i = 0;
  while (i < p->runq_n && v->pri <= p->runq[i]->pri) i++;
  memmove(&p->runq[i + 1], &p->runq[i], (size_t)(p->runq_n - i) * sizeof p->runq[0]);
  p->runq[i] = v;
  p->runq_n++;
  VS_ASSERT(v->processor == p->id, "VCPU %d on pCPU %d's queue but processor %d", v->id, p->id, v->processor);
  sched_set_state(h, v, VCPU_RUNNABLE);
}

static void sched_runq_remove(pcpu_t *p, vcpu_t *v) {
  for (int i = 0; i < p->runq_n; i++) {
    if (p->runq[i] == v) {
      memmove(&p->runq[i], &p->runq[i + 1], (size_t)(p->runq_n - i - 1) * sizeof p->runq[0]);
      p->runq_n--;
      return;
    }
  }
  VS_ASSERT(0, "VCPU %d not on pCPU %d's run queue", v->id, p->id);
}

/* csched_runq_sort: after accounting, move BOOST/UNDER ahead of OVER, keeping order. */
static void sched_runq_sort(pcpu_t *p) {
  vcpu_t *tmp[HOST_MAX_VCPUS];
  int n = 0;
  for (int i = 0; i < p->runq_n; i++)
    if (p->runq[i]->pri >= PRI_UNDER) tmp[n++] = p->runq[i];
  for (int i = 0; i < p->runq_n; i++)
    if (p->runq[i]->pri < PRI_UNDER) tmp[n++] = p->runq[i];
  memcpy(p->runq, tmp, (size_t)n * sizeof tmp[0]);
}

static int sched_cur_pri(const pcpu_t *p) {
  return p->cur && p->cur->state == VCPU_RUNNING ? p->cur->pri : PRI_IDLE;
}

/* ---- softirq ---- */

static void sched_do_schedule(host_t *h, pcpu_t *p);

static void sched_softirq(sim_t *sim, void *ctx, uint64_t arg) {
  host_t *h = ctx;
  pcpu_t *p = &h->pcpus[arg];
  p->schedule_raised = false;
  sched_do_schedule(h, p);
}

void sched_raise(host_t *h, pcpu_t *p, vs_time_ps delay_ps) {
  if (p->schedule_raised) return;
  p->schedule_raised = true;
  sim_after(h->sim, delay_ps, sched_softirq, h, (uint64_t)p->id);
}

static vs_time_ps sched_ipi_ps(const host_t *h) { return (vs_time_ps)(h->sc->ipi_us * (double)VS_PS_PER_US + 0.5); }

/* __runq_tickle: preempt only for a strictly higher priority; if the pCPU is busy, poke the
 * idle pCPUs v may run on so they can steal it. */
static void sched_tickle(host_t *h, pcpu_t *p, vcpu_t *v) {
  int cur_pri = sched_cur_pri(p);
  if (v->pri > cur_pri) sched_raise(h, p, sched_ipi_ps(h));
  if (cur_pri > PRI_IDLE) {
    uint64_t mask = h->idlers & v->affinity & ~(UINT64_C(1) << p->id);
    for (int c = 0; mask; c++, mask >>= 1)
      if (mask & 1) sched_raise(h, &h->pcpus[c], sched_ipi_ps(h));
  }
}

/* ---- credits ---- */

static void sched_acct_start(host_t *h, vcpu_t *v) {
  if (v->active) return;
  domain_t *d = v->dom;
  v->active = true;
  d->active_vcpus++;
  if (!d->active) {
    /* list_add: at the head of the active-domain list */
    memmove(&h->active_doms[1], &h->active_doms[0], (size_t)h->n_active_doms * sizeof h->active_doms[0]);
    h->active_doms[0] = d;
    h->n_active_doms++;
    d->active = true;
    h->weight_total += d->weight;
  }
}

static void sched_acct_stop(host_t *h, vcpu_t *v) {
  domain_t *d = v->dom;
  VS_ASSERT(v->active, "VCPU %d not active", v->id);
  v->active = false;
  d->active_vcpus--;
  if (d->active_vcpus == 0) {
    for (int i = 0; i < h->n_active_doms; i++) {
      if (h->active_doms[i] == d) {
        memmove(&h->active_doms[i], &h->active_doms[i + 1],
                (size_t)(h->n_active_doms - i - 1) * sizeof h->active_doms[0]);
        h->n_active_doms--;
        break;
      }
    }
    d->active = false;
    VS_ASSERT(h->weight_total >= d->weight, "weight total %d < %d", h->weight_total, d->weight);
    h->weight_total -= d->weight;
  }
}

/* Exact accounting (Xen 4.0 burn_credits): charge the time run since burn_from_ps, rounded
 * to credits; the uncharged remainder carries over. */
static void sched_burn(host_t *h, vcpu_t *v) {
  if (!sched_credit(h) || h->sc->accounting != SCHED_EXACT) return;
  vs_time_ps now = sim_now(h->sim), delta = now - v->burn_from_ps;
  if (delta <= 0) return;
  double per_ms = (double)h->sc->credits_per_tick / h->sc->tick_ms;
  int64_t credits = (int64_t)floor((double)delta / (double)VS_PS_PER_MS * per_ms + 0.5);
  v->credit -= (int)credits;
  v->burn_from_ps += (vs_time_ps)((double)credits * (double)VS_PS_PER_MS / per_ms);
}

static void sched_park(host_t *h, vcpu_t *v) {
  v->parked = true;
  if (v->state == VCPU_RUNNING) {
    sched_raise(h, &h->pcpus[v->processor], 0);
  } else if (v->state == VCPU_RUNNABLE) {
    sched_runq_remove(&h->pcpus[v->processor], v);
    sched_set_state(h, v, VCPU_BLOCKED);
  }
}

static void sched_wake_common(host_t *h, vcpu_t *v, bool may_boost);

static void sched_unpark(host_t *h, vcpu_t *v) {
  /* As Xen: wake while still flagged parked, so the wake does not boost. */
  if (v->state == VCPU_BLOCKED && cpu_has_work(v)) sched_wake_common(h, v, false);
  v->parked = false;
}

/* csched_acct, with Xen's integer arithmetic. */
void sched_acct_xen(host_t *h) {
  const int per_acct = (int)(h->sc->credits_per_tick * h->sc->ticks_per_acct);
  const int per_slice = (int)(h->sc->credits_per_tick * h->sc->ticks_per_slice);
  uint32_t weight_total = (uint32_t)h->weight_total;
  uint32_t credit_total = (uint32_t)h->credit_total;
  if (h->credit_balance < 0) credit_total -= (uint32_t)h->credit_balance;
  if (weight_total == 0) {
    h->credit_balance = 0;
    return;
  }
  uint32_t weight_left = weight_total;
  int credit_balance = 0, credit_xtra = 0;
  /* The list may be reordered as we go (domains with extra credit move to the head), as in
   * list_for_each_safe over csched_priv.active_sdom. */
  domain_t *order[HOST_MAX_DOMAINS];
  int n = h->n_active_doms;
  memcpy(order, h->active_doms, (size_t)n * sizeof order[0]);
  for (int di = 0; di < n; di++) {
    domain_t *d = order[di];
    if (!d->active) continue;
    VS_ASSERT(d->active_vcpus > 0 && (uint32_t)d->weight <= weight_left, "domain %s: %d active VCPUs, weight %d of %u",
              d->name, d->active_vcpus, d->weight, weight_left);
    weight_left -= (uint32_t)d->weight;
    uint32_t credit_peak = (uint32_t)(d->active_vcpus * per_acct);
    if (h->credit_balance < 0)
      credit_peak += (uint32_t)(((uint32_t)(-h->credit_balance) * (uint32_t)d->weight + (weight_total - 1)) / weight_total);
    uint32_t credit_cap = 0;
    if (d->cap_pct != 0) {
      credit_cap = ((uint32_t)d->cap_pct * (uint32_t)per_acct + 99) / 100;
      if (credit_cap < credit_peak) credit_peak = credit_cap;
      credit_cap = (credit_cap + (uint32_t)(d->active_vcpus - 1)) / (uint32_t)d->active_vcpus;
    }
    uint32_t credit_fair = (credit_total * (uint32_t)d->weight + (weight_total - 1)) / weight_total;
    if (credit_fair < credit_peak) {
      credit_xtra = 1;
    } else {
      if (weight_left != 0)
        credit_total += ((credit_fair - credit_peak) * weight_total + (weight_left - 1)) / weight_left;
      if (credit_xtra) {
        for (int i = 0; i < h->n_active_doms; i++) {
          if (h->active_doms[i] == d) {
            memmove(&h->active_doms[1], &h->active_doms[0], (size_t)i * sizeof h->active_doms[0]);
            h->active_doms[0] = d;
            break;
          }
        }
      }
      credit_fair = credit_peak;
    }
    credit_fair = (credit_fair + (uint32_t)(d->active_vcpus - 1)) / (uint32_t)d->active_vcpus;
    for (int vi = 0; vi < d->n_vcpus; vi++) {
      vcpu_t *v = d->vcpus[vi];
      if (!v->active) continue;
      v->credit += (int)credit_fair;
      if (v->credit < 0) {
        sched_set_pri(h, v, PRI_OVER);
        if (d->cap_pct != 0 && v->credit < -(int)credit_cap && !v->parked) sched_park(h, v);
        if (v->credit < -per_slice) v->credit = -per_slice;
      } else {
        sched_set_pri(h, v, PRI_UNDER);
        if (v->parked) sched_unpark(h, v);
        if (v->credit > per_slice) {
          sched_acct_stop(h, v);
          v->credit = 0;
        }
      }
      credit_balance += v->credit;
    }
  }
  h->credit_balance = credit_balance;
  h->runq_sort_epoch++;
}

/* ---- placement ---- */

static int sched_cycle(int after, uint64_t mask, int n) {
  for (int k = 1; k <= n; k++) {
    int c = (after + k) % n;
    if (mask & (UINT64_C(1) << c)) return c;
  }
  return -1;
}

static int sched_popcount(uint64_t x) { return __builtin_popcountll(x); }

/* csched_cpu_pick (Xen 3.3): stay on the current pCPU unless an idle pCPU's group (its
 * socket, for pCPUs on another socket) has more idle neighbours: spread work apart. Without
 * SMT a core's sibling group is itself. It knows packages, not shared caches. */
int sched_pick_cpu_xen(host_t *h, vcpu_t *v) {
  int n = h->n_pcpus;
  uint64_t online = n >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << n) - 1;
  uint64_t cpus = online & v->affinity;
  VS_ASSERT(cpus != 0, "VCPU %d has no pCPU to run on", v->id);
  int cpu = (cpus >> v->processor) & 1 ? v->processor : sched_cycle(v->processor, cpus, n);
  uint64_t idlers = h->idlers | (UINT64_C(1) << cpu);
  cpus &= idlers;
  cpus &= ~(UINT64_C(1) << cpu);
  const platform_cfg *pl = h->plat;
  while (cpus) {
    int nxt = sched_cycle(cpu, cpus, n);
    uint64_t cpu_idlers, nxt_idlers;
    if (platform_socket_of(pl, cpu) == platform_socket_of(pl, nxt)) {
      cpu_idlers = idlers & (UINT64_C(1) << cpu);
      nxt_idlers = idlers & (UINT64_C(1) << nxt);
    } else {
      uint64_t cm = 0, nm = 0;
      for (int c = 0; c < n; c++) {
        if (platform_socket_of(pl, c) == platform_socket_of(pl, cpu)) cm |= UINT64_C(1) << c;
        if (platform_socket_of(pl, c) == platform_socket_of(pl, nxt)) nm |= UINT64_C(1) << c;
      }
      cpu_idlers = idlers & cm;
      nxt_idlers = idlers & nm;
    }
    if (sched_popcount(cpu_idlers) < sched_popcount(nxt_idlers)) {
      cpu = nxt;
      cpus &= ~(UINT64_C(1) << cpu);
    } else {
      cpus &= ~nxt_idlers;
    }
  }
  return cpu;
}

static bool sched_may_steal_xen(host_t *h, vcpu_t *v, int cpu) { return (v->affinity >> cpu) & 1; }

const struct sched_policy sched_policy_xen = {"xen", sched_pick_cpu_xen, sched_may_steal_xen, sched_acct_xen};

/* csched_load_balance: from the next pCPU on, take the first queued VCPU of strictly higher
 * priority than ours from a busy pCPU. */
static vcpu_t *sched_steal(host_t *h, pcpu_t *p, int pri) {
  int n = h->n_pcpus;
  for (int k = 1; k < n; k++) {
    pcpu_t *peer = &h->pcpus[(p->id + k) % n];
    if ((h->idlers >> peer->id) & 1) continue; /* an idle pCPU picks up its own work */
    for (int i = 0; i < peer->runq_n; i++) {
      vcpu_t *v = peer->runq[i];
      if (v->pri <= pri) break;
      if (h->policy->may_steal(h, v, p->id)) {
        sched_runq_remove(peer, v);
        return v;
      }
    }
  }
  return NULL;
}

/* ---- wake and block ---- */

static void sched_wake_common(host_t *h, vcpu_t *v, bool may_boost) {
  pcpu_t *p = &h->pcpus[v->processor];
  v->wakes++;
  v->woke_ps = sim_now(h->sim);
  if (p->cur == v) {
    /* Blocked but not yet switched out: it simply goes on running (vcpu_wake_running). */
    sched_set_state(h, v, VCPU_RUNNING);
    return;
  }
  if (may_boost && sched_credit(h) && v->pri == PRI_UNDER && !v->parked) {
    sched_set_pri(h, v, PRI_BOOST);
    v->boosts++;
  }
  sched_runq_insert(h, p, v);
  sched_tickle(h, p, v);
}

void sched_wake(host_t *h, vcpu_t *v) {
  if (v->state != VCPU_BLOCKED || v->parked) return;
  sched_wake_common(h, v, true);
}

void sched_block(host_t *h, vcpu_t *v) {
  VS_ASSERT(v->state == VCPU_RUNNING, "VCPU %d blocks in state %d", v->id, (int)v->state);
  sched_set_state(h, v, VCPU_BLOCKED);
  sched_raise(h, &h->pcpus[v->processor], 0);
}

/* ---- the schedule function ---- */

static void sched_slice_end(sim_t *sim, void *ctx, uint64_t arg) {
  host_t *h = ctx;
  pcpu_t *p = &h->pcpus[arg];
  p->slice_ev = 0;
  sched_do_schedule(h, p);
}

static void sched_do_schedule(host_t *h, pcpu_t *p) {
  vs_time_ps now = sim_now(h->sim);
  cpu_stop(h, p);
  vcpu_t *cur = p->cur;
  bool cur_was_running = cur && cur->state == VCPU_RUNNING;
  if (cur) sched_burn(h, cur);
  if (cur_was_running) {
    if (!cpu_has_work(cur) || cur->parked) {
      sched_set_state(h, cur, VCPU_BLOCKED);
    } else if (cur->migrate_to >= 0 && cur->migrate_to != p->id) {
      /* vcpu_migrate: off this pCPU, onto the one cpu_pick chose. */
      pcpu_t *q = &h->pcpus[cur->migrate_to];
      cur->processor = q->id;
      cur->migrations++;
      sched_runq_insert(h, q, cur);
      sched_tickle(h, q, cur);
    } else {
      sched_runq_insert(h, p, cur);
    }
  }
  if (cur) cur->migrate_to = -1;

  vcpu_t *snext = p->runq_n ? p->runq[0] : NULL;
  int snext_pri = snext ? snext->pri : PRI_IDLE;
  if (snext && snext_pri > PRI_OVER) {
    sched_runq_remove(p, snext);
  } else {
    vcpu_t *stolen = sched_steal(h, p, snext_pri);
    if (stolen) {
      snext = stolen;
      snext->migrations++;
      snext->processor = p->id;
    } else if (snext) {
      sched_runq_remove(p, snext);
    }
  }
  if (snext)
    h->idlers &= ~(UINT64_C(1) << p->id);
  else
    h->idlers |= UINT64_C(1) << p->id;
  if (cur_was_running && cur != snext && cur->state == VCPU_RUNNABLE) cur->preemptions++;
  if (p->slice_ev) sim_cancel(h->sim, p->slice_ev);
  p->slice_ev = 0;
  if (snext) {
    sched_set_state(h, snext, VCPU_RUNNING);
    snext->burn_from_ps = now;
    if (snext->woke_ps >= 0) {
      stats_hist_add(&snext->wake_latency_us, (double)(now - snext->woke_ps) / (double)VS_PS_PER_US + 1e-6);
      snext->woke_ps = -1;
    }
    p->slice_ev = sim_after(h->sim, h->slice_ps, sched_slice_end, h, (uint64_t)p->id);
  }
  cpu_run(h, p, snext);
}

/* ---- ticks ---- */

static void sched_tick(sim_t *sim, void *ctx, uint64_t arg) {
  host_t *h = ctx;
  pcpu_t *p = &h->pcpus[arg];
  p->ticks++;
  vcpu_t *cur = p->cur;
  if (sched_credit(h)) {
    if (cur && cur->state == VCPU_RUNNING) {
      /* csched_vcpu_acct */
      if (cur->pri == PRI_BOOST) sched_set_pri(h, cur, PRI_UNDER);
      if (h->sc->accounting == SCHED_SAMPLED)
        cur->credit -= (int)h->sc->credits_per_tick;
      else
        sched_burn(h, cur);
      if (!cur->active) {
        sched_acct_start(h, cur);
      } else {
        int target = h->policy->pick_cpu(h, cur);
        if (target != p->id) {
          cur->migrate_to = target;
          sched_raise(h, p, 0);
        }
      }
    }
    if (p->id == h->master && p->ticks % h->sc->ticks_per_acct == 0) h->policy->acct(h);
    if (p->runq_sort_seen != h->runq_sort_epoch) {
      p->runq_sort_seen = h->runq_sort_epoch;
      sched_runq_sort(p);
    }
  }
  sim_after(sim, h->tick_ps, sched_tick, h, arg);
}

void sched_start(host_t *h) {
  h->tick_ps = (vs_time_ps)(h->sc->tick_ms * (double)VS_PS_PER_MS + 0.5);
  h->slice_ps = sched_credit(h) ? h->tick_ps * h->sc->ticks_per_slice
                                : (vs_time_ps)(h->sc->native_slice_ms * (double)VS_PS_PER_MS + 0.5);
  h->credit_total = (int)(h->n_pcpus * h->sc->credits_per_tick * h->sc->ticks_per_acct);
  h->master = 0;
  h->policy = &sched_policy_xen;
  gsl_rng *rng = sim_rng(h->sim, "sched.tick_phase");
  for (int i = 0; i < h->n_pcpus; i++) {
    h->idlers |= UINT64_C(1) << i;
    /* Unsynchronised tickers: each pCPU's starts at its own phase. */
    vs_time_ps phase = h->sc->tick_phase == SCHED_PHASE_STAGGERED
                           ? h->tick_ps * i / h->n_pcpus
                           : (vs_time_ps)(gsl_rng_uniform(rng) * (double)h->tick_ps);
    sim_at(h->sim, sim_now(h->sim) + h->tick_ps + phase, sched_tick, h, (uint64_t)i);
  }
}
