/* evtchn.c: see evtchn.h. */
#include "evtchn.h"

#include "cpu.h"

static vs_time_ps evtchn_upcall_start(host_t *h, vcpu_t *v, work_t *w) {
  return platform_cycles_ps(h->plat, h->sc->upcall_cycles);
}

/* Deliver every pending port of v, in the order they became pending. A handler may send
 * again (to this or another port): such sends queue the upcall once more. */
static bool evtchn_upcall_done(host_t *h, vcpu_t *v, work_t *w) {
  int n = v->n_pending;
  int ports[HOST_MAX_PORTS];
  for (int i = 0; i < n; i++) ports[i] = v->pending_ports[i];
  v->n_pending = 0;
  for (int i = 0; i < n; i++) {
    evtchn_port *p = &h->ports[ports[i]];
    p->pending = false;
    p->deliveries++;
    p->handler(h, p->ctx);
  }
  return false;
}

void evtchn_vcpu_init(host_t *h, vcpu_t *v) {
  cpu_work_init(&v->upcall, evtchn_upcall_start, evtchn_upcall_done, NULL, h->stage_upcall, WORK_KERNEL);
}

int evtchn_bind(host_t *h, vcpu_t *v, evtchn_handler_fn handler, void *ctx) {
  VS_ASSERT(h->n_ports < HOST_MAX_PORTS, "more than %d event channels", HOST_MAX_PORTS);
  int port = h->n_ports++;
  h->ports[port] = (evtchn_port){v, false, handler, ctx, 0, 0, 0};
  return port;
}

static void evtchn_ipi(sim_t *sim, void *ctx, uint64_t arg) {
  host_t *h = ctx;
  vcpu_t *v = h->vcpus[arg];
  v->ipi_pending = false;
  if (v->n_pending > 0) cpu_enqueue(h, v, &v->upcall);
}

bool evtchn_send(host_t *h, int port, vcpu_t *from) {
  evtchn_port *p = &h->ports[port];
  p->sends++;
  if (from) from->notify_ps += platform_cycles_ps(h->plat, h->sc->evtchn_send_cycles);
  if (p->pending) {
    p->coalesced++;
    return false;
  }
  p->pending = true;
  vcpu_t *v = p->vcpu;
  VS_ASSERT(v->n_pending < HOST_MAX_PORTS, "VCPU %d has %d pending ports", v->id, v->n_pending);
  v->pending_ports[v->n_pending++] = port;
  if (v->state == VCPU_RUNNING && h->sc->ipi_us > 0 && (from || h->sc->mode == SCHED_CREDIT)) {
    /* vcpu_kick: a VCPU running on its pCPU learns of the event by IPI (natively a device's
     * interrupt reaches its core directly). */
    if (!v->ipi_pending) {
      v->ipi_pending = true;
      sim_after(h->sim, (vs_time_ps)(h->sc->ipi_us * (double)VS_PS_PER_US + 0.5), evtchn_ipi, h, (uint64_t)v->id);
    }
  } else {
    cpu_enqueue(h, v, &v->upcall); /* wakes (and boosts) a blocked VCPU */
  }
  return true;
}

const evtchn_port *evtchn_get(const host_t *h, int port) { return &h->ports[port]; }

void evtchn_reset_counts(host_t *h) {
  for (int i = 0; i < h->n_ports; i++) h->ports[i].sends = h->ports[i].coalesced = h->ports[i].deliveries = 0;
}
