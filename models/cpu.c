/* cpu.c: executes VCPUs' work items on physical CPUs; see cpu.h and host.h.
 * A pCPU running a VCPU has at most one pending "step done" event; stopping it (preemption,
 * interruption) cancels that event and keeps the step's remaining time. */
#include "cpu.h"

#include "sched.h"

void cpu_work_init(work_t *w, work_start_fn start, work_done_fn done, void *ctx, int stage, work_class klass) {
  *w = (work_t){start, done, ctx, stage, klass, -1, false, NULL, 0, {0}, {0}, 0};
}

bool cpu_has_work(const vcpu_t *v) {
  return v->cur || v->overhead_ps > 0 || v->notify_ps > 0 || v->q_head[WORK_KERNEL] || v->q_head[WORK_USER];
}

static void cpu_push(vcpu_t *v, work_t *w, bool front) {
  int k = w->klass;
  w->queued = true;
  if (front) {
    w->next = v->q_head[k];
    v->q_head[k] = w;
    if (!v->q_tail[k]) v->q_tail[k] = w;
  } else {
    w->next = NULL;
    if (v->q_tail[k]) v->q_tail[k]->next = w; else v->q_head[k] = w;
    v->q_tail[k] = w;
  }
}

static work_t *cpu_pop(vcpu_t *v, int k) {
  work_t *w = v->q_head[k];
  if (!w) return NULL;
  v->q_head[k] = w->next;
  if (!v->q_head[k]) v->q_tail[k] = NULL;
  w->next = NULL;
  w->queued = false;
  return w;
}

/* Give dt of a step's time to its stages, piece by piece. */
static void cpu_account_parts(domain_t *d, work_t *w, vs_time_ps dt) {
  vs_time_ps at = w->part_progress;
  w->part_progress += dt;
  for (int i = 0; i < w->n_parts && dt > 0; i++) {
    vs_time_ps len = w->part_ps[i];
    if (at >= len && i + 1 < w->n_parts) {
      at -= len;
      continue;
    }
    vs_time_ps take = i + 1 < w->n_parts ? len - at : dt;
    if (take > dt) take = dt;
    d->stage_ps[w->part_stage[i]] += take;
    dt -= take;
    at = 0;
  }
}

/* Charge the segment that ran on p since seg_from_ps. */
static vs_time_ps cpu_account(host_t *h, pcpu_t *p) {
  vs_time_ps now = sim_now(h->sim), dt = now - p->seg_from_ps;
  VS_ASSERT(dt >= 0, "segment of %lld ps on pCPU %d", (long long)dt, p->id);
  if (p->cur && p->seg_stage >= 0) {
    p->busy_ps += dt;
    p->busy_all_ps += dt;
    p->cur->busy_ps += dt;
    p->cur->busy_all_ps += dt;
    work_t *w = p->seg_kind != SEG_WORK ? NULL : p->cur->cur;
    if (w && w->n_parts > 0)
      cpu_account_parts(p->cur->dom, w, dt);
    else
      p->cur->dom->stage_ps[p->seg_stage] += dt;
  }
  p->seg_from_ps = now;
  return dt;
}

static void cpu_step_done(sim_t *sim, void *ctx, uint64_t arg);

/* Start (or resume) what p's VCPU has to run. */
static void cpu_dispatch(host_t *h, pcpu_t *p) {
  vcpu_t *v = p->cur;
  p->seg_from_ps = sim_now(h->sim);
  p->step_ev = 0;
  if (!v) {
    p->seg_stage = -1;
    return;
  }
  vs_time_ps dt;
  if (v->overhead_ps > 0) {
    p->seg_kind = SEG_SWITCH;
    p->seg_stage = h->stage_switch;
    dt = v->overhead_ps;
  } else if (v->notify_ps > 0) {
    p->seg_kind = SEG_NOTIFY;
    p->seg_stage = h->stage_evtchn;
    dt = v->notify_ps;
  } else {
    p->seg_kind = SEG_WORK;
    /* Kernel work first: an interrupted user step goes back to the head of its queue. */
    if (v->cur && v->cur->klass == WORK_USER && v->q_head[WORK_KERNEL]) {
      cpu_push(v, v->cur, true);
      v->cur = NULL;
    }
    if (!v->cur) {
      work_t *w = cpu_pop(v, WORK_KERNEL);
      if (!w) w = cpu_pop(v, WORK_USER);
      if (!w) {
        p->seg_stage = -1;
        sched_block(h, v);
        return;
      }
      v->cur = w;
    }
    work_t *w = v->cur;
    if (w->remaining_ps < 0) {
      w->n_parts = 0;
      w->part_progress = 0;
      w->remaining_ps = w->start(h, v, w);
      VS_ASSERT(w->remaining_ps >= 0, "stage %s step costs %lld ps", h->stage_names[w->stage],
                (long long)w->remaining_ps);
    }
    p->seg_stage = w->stage;
    dt = w->remaining_ps;
  }
  p->step_ev = sim_after(h->sim, dt, cpu_step_done, h, (uint64_t)p->id);
}

static void cpu_step_done(sim_t *sim, void *ctx, uint64_t arg) {
  host_t *h = ctx;
  pcpu_t *p = &h->pcpus[arg];
  vcpu_t *v = p->cur;
  p->step_ev = 0;
  cpu_account(h, p);
  if (p->seg_kind == SEG_SWITCH) {
    v->overhead_ps = 0;
  } else if (p->seg_kind == SEG_NOTIFY) {
    v->notify_ps = 0;
  } else {
    /* w stays v->cur while done() runs; if done() enqueues it again it waits in its queue. */
    work_t *w = v->cur;
    w->remaining_ps = -1;
    bool more = w->done(h, v, w);
    VS_ASSERT(v->cur == w, "VCPU %d changed its step during done()", v->id);
    if (w->queued || !more) v->cur = NULL;
  }
  if (p->cur == v) cpu_dispatch(h, p);
}

void cpu_enqueue(host_t *h, vcpu_t *v, work_t *w) {
  if (w->queued) return;
  cpu_push(v, w, false);
  switch (v->state) {
  case VCPU_BLOCKED:
    sched_wake(h, v);
    break;
  case VCPU_RUNNING: {
    pcpu_t *p = &h->pcpus[v->processor];
    /* An interrupt: kernel work preempts a user step in progress. */
    if (w->klass == WORK_KERNEL && p->seg_kind == SEG_WORK && v->cur && v->cur->klass == WORK_USER && p->step_ev != 0) {
      cpu_stop(h, p);
      cpu_dispatch(h, p);
    }
    break;
  }
  case VCPU_RUNNABLE:
    break;
  }
}

void cpu_stop(host_t *h, pcpu_t *p) {
  if (p->step_ev == 0) {
    cpu_account(h, p);
    return;
  }
  vs_time_ps dt = cpu_account(h, p);
  vcpu_t *v = p->cur;
  if (p->seg_kind == SEG_SWITCH) {
    v->overhead_ps -= dt;
  } else if (p->seg_kind == SEG_NOTIFY) {
    v->notify_ps -= dt;
  } else {
    v->cur->remaining_ps -= dt;
    VS_ASSERT(v->cur->remaining_ps >= 0, "step overran by %lld ps", (long long)-v->cur->remaining_ps);
  }
  sim_cancel(h->sim, p->step_ev);
  p->step_ev = 0;
}

void cpu_run(host_t *h, pcpu_t *p, vcpu_t *next) {
  VS_ASSERT(p->step_ev == 0, "cpu_run on pCPU %d with a step pending", p->id);
  if (next && next != p->last) {
    /* A real switch: the hypervisor's (or OS's) switch path, and the incoming domain's kernel
     * working set pulled through this core's cache. */
    double cycles = h->sc->mode == SCHED_NATIVE ? h->sc->native_switch_cycles : h->sc->switch_cycles;
    cycles += cache_read(h->cache, p->id, next->dom->id, next->dom->kernel_ws, UINT32_MAX);
    next->overhead_ps += platform_cycles_ps(h->plat, cycles);
    next->switches_in++;
    p->switches++;
    p->last = next;
  }
  p->cur = next;
  cpu_dispatch(h, p);
}

void cpu_flush(host_t *h) {
  for (int i = 0; i < h->n_pcpus; i++) {
    pcpu_t *p = &h->pcpus[i];
    if (p->step_ev == 0) {
      p->seg_from_ps = sim_now(h->sim);
      continue;
    }
    vs_time_ps dt = cpu_account(h, p);
    vcpu_t *v = p->cur;
    /* Keep the pending event; just move the accounting origin and the remaining time. */
    if (p->seg_kind == SEG_SWITCH)
      v->overhead_ps -= dt;
    else if (p->seg_kind == SEG_NOTIFY)
      v->notify_ps -= dt;
    else
      v->cur->remaining_ps -= dt;
  }
}
