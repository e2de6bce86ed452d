/* test_evtchn.c: event channels: sends that find the port pending coalesce into one delivery;
 * a send wakes (and boosts) a blocked VCPU; a running VCPU gets the event after the IPI delay;
 * the sender pays the notify hypercall. Also pinning: a VCPU pinned to a busy pCPU is not
 * stolen by an idle one, an unpinned one is. */
#include "check.h"
#include "cpu.h"
#include "evtchn.h"
#include "vio_util.h"

static int delivered;
static vs_time_ps delivered_at;
static void on_event(host_t *h, void *ctx) {
  delivered++;
  delivered_at = sim_now(h->sim);
}

static void test_coalesce_and_wake(void) {
  vs_config cfg;
  if (!vio_load("sim: {model: vio}\nplatform: {sockets: 1, cores_per_socket: 2, cores_per_l2: 2}\n"
                "sched: {tick_phase: staggered, ipi_us: 2, upcall_cycles: 0}\n"
                "domains:\n  - {name: sender, workload: cpu}\n  - {name: idle}\n", &cfg))
    return;
  sim_t *sim = sim_new(1, 0);
  host_t *h = host_new(sim, &cfg.platform, &cfg.sched, cfg.domains, cfg.n_domains);
  host_start(h);
  vcpu_t *snd = h->domains[0]->vcpus[0], *v = h->domains[1]->vcpus[0];
  int port = evtchn_bind(h, v, on_event, NULL);
  sim_run(sim, VS_PS_PER_MS);
  delivered = 0;
  CHECK(v->state == VCPU_BLOCKED, "idle VCPU should be blocked");
  CHECK(evtchn_send(h, port, snd), "first send should make the port pending");
  CHECK(!evtchn_send(h, port, snd), "second send should coalesce");
  CHECK(v->pri == PRI_BOOST, "woken VCPU not boosted");
  sim_run(sim, sim_now(sim) + 100 * VS_PS_PER_US);
  const evtchn_port *pp = evtchn_get(h, port);
  CHECK(delivered == 1 && pp->sends == 2 && pp->coalesced == 1 && pp->deliveries == 1, "delivered %d sends %llu coalesced %llu",
        delivered, (unsigned long long)pp->sends, (unsigned long long)pp->coalesced);
  /* The sender pays both hypercalls (a coalesced send is still made), after its current step. */
  vs_time_ps hypercall = platform_cycles_ps(h->plat, h->sc->evtchn_send_cycles);
  CHECK(snd->notify_ps == 2 * hypercall, "sender's pending charge %lld ps", (long long)snd->notify_ps);
  /* To a running VCPU: delivered after the IPI delay. */
  int port2 = evtchn_bind(h, snd, on_event, NULL);
  CHECK(snd->state == VCPU_RUNNING, "sender should be running");
  vs_time_ps t0 = sim_now(sim);
  delivered = 0;
  evtchn_send(h, port2, NULL);
  sim_run(sim, t0 + 100 * VS_PS_PER_US);
  /* The IPI arrives after 2 us and interrupts the running step; the charge the VCPU still owed
   * for its own two sends runs first, then the upcall delivers. */
  CHECK(delivered == 1 && delivered_at == t0 + 2 * VS_PS_PER_US + 2 * hypercall, "delivered %d at +%lld ps", delivered,
        (long long)(delivered_at - t0));
  CHECK(snd->notify_ps == 0 && h->domains[0]->stage_ps[h->stage_evtchn] == 2 * hypercall, "hypercalls accounted");
  host_free(h);
  sim_free(sim);
}

static void test_pinning(void) {
  const char *plat = "sim: {model: vio, duration_ms: 3000, warmup_ms: 300}\n"
                     "platform: {sockets: 1, cores_per_socket: 2, cores_per_l2: 2}\nsched: {tick_phase: staggered}\n";
  char yaml[512];
  snprintf(yaml, sizeof yaml, "%sdomains:\n  - {name: a, workload: cpu, pin: \"0\"}\n  - {name: b, workload: cpu, pin: \"0\"}\n", plat);
  vs_config cfg;
  run_result r;
  if (!vio_load(yaml, &cfg)) return;
  run_all(&cfg, &r, false);
  CHECK_NEAR(vio_metric(&r, "pcpu1.busy"), 0, 0);
  CHECK_NEAR(vio_metric(&r, "a.cores"), 0.5, 0.02);
  CHECK_NEAR(vio_metric(&r, "b.cores"), 0.5, 0.02);
  run_result_free(&r);
  snprintf(yaml, sizeof yaml, "%sdomains:\n  - {name: a, workload: cpu, pin: \"0\"}\n  - {name: b, workload: cpu, pin: \"0-1\"}\n", plat);
  if (!vio_load(yaml, &cfg)) return;
  run_all(&cfg, &r, false);
  CHECK(vio_metric(&r, "a.cores") > 0.99 && vio_metric(&r, "b.cores") > 0.99, "a %g b %g", vio_metric(&r, "a.cores"),
        vio_metric(&r, "b.cores"));
  CHECK_NEAR(vio_metric(&r, "b.v0.pcpu_end"), 1, 0);
  run_result_free(&r);
}

int main(void) {
  test_coalesce_and_wake();
  test_pinning();
  return check_done("test_evtchn");
}
