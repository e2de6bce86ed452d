/* test_sched.c: the credit scheduler's decisions and what the algorithm implies for whole
 * runs: shares by weight, caps, boost and preemption rules, whole cores for two VCPUs,
 * sampled versus exact accounting, stealing, cpu_pick's spreading, native mode. */
#include "check.h"
#include "cpu.h"
#include "sched.h"
#include "vio_util.h"

#define ONE_CORE "platform: {sockets: 1, cores_per_socket: 1, cores_per_l2: 1}\nsched: {tick_phase: staggered}\n"
#define TWO_CORES "platform: {sockets: 1, cores_per_socket: 2, cores_per_l2: 2}\nsched: {tick_phase: staggered}\n"

static run_result run_yaml(const char *yaml) {
  vs_config cfg;
  run_result r = {0};
  if (!vio_load(yaml, &cfg)) {
    CHECK(0, "config did not load");
    return r;
  }
  run_all(&cfg, &r, false);
  return r;
}

static void test_weights(void) {
  run_result r = run_yaml("sim: {model: vio, duration_ms: 3000, warmup_ms: 300}\n" ONE_CORE
                          "domains:\n"
                          "  - {name: a, workload: cpu, weight: 256}\n"
                          "  - {name: b, workload: cpu, weight: 512}\n"
                          "  - {name: c, workload: cpu, weight: 768}\n");
  /* Shares in proportion to weight: 1/6, 2/6, 3/6 (of one core, less switch overhead). */
  CHECK_NEAR(vio_metric(&r, "a.cores"), 1.0 / 6, 0.01);
  CHECK_NEAR(vio_metric(&r, "b.cores"), 2.0 / 6, 0.01);
  CHECK_NEAR(vio_metric(&r, "c.cores"), 3.0 / 6, 0.01);
  CHECK_NEAR(vio_metric(&r, "cores_busy"), 1.0, 1e-9);
  run_result_free(&r);

  r = run_yaml("sim: {model: vio, duration_ms: 3000, warmup_ms: 300}\n" ONE_CORE
               "domains:\n"
               "  - {name: a, workload: cpu, weight: 100}\n"
               "  - {name: b, workload: cpu, weight: 300}\n");
  CHECK_NEAR(vio_metric(&r, "a.cores"), 0.25, 0.01);
  CHECK_NEAR(vio_metric(&r, "b.cores"), 0.75, 0.01);
  run_result_free(&r);
}

static void test_caps(void) {
  run_result r = run_yaml("sim: {model: vio, duration_ms: 3000, warmup_ms: 300}\n" ONE_CORE
                          "domains:\n  - {name: a, workload: cpu, cap_pct: 30}\n");
  CHECK_NEAR(vio_metric(&r, "a.cores"), 0.30, 0.01);
  run_result_free(&r);
  /* A cap holds against an idle machine and beside an uncapped competitor. */
  r = run_yaml("sim: {model: vio, duration_ms: 3000, warmup_ms: 300}\n" TWO_CORES
               "domains:\n  - {name: a, workload: cpu, cap_pct: 50}\n  - {name: b, workload: cpu}\n");
  /* Parking and unparking happen only at accounting (every 30 ms) while charges come at ticks
   * of another phase: the cap holds to within a few percent, not exactly. */
  CHECK_NEAR(vio_metric(&r, "a.cores"), 0.50, 0.02);
  CHECK(vio_metric(&r, "a.cores") <= 0.505, "cap exceeded: %g", vio_metric(&r, "a.cores"));
  CHECK(vio_metric(&r, "b.cores") > 0.98, "uncapped b got %g", vio_metric(&r, "b.cores"));
  run_result_free(&r);
}

static void test_two_whole_cores(void) {
  run_result r = run_yaml("sim: {model: vio, duration_ms: 1000, warmup_ms: 100}\n" TWO_CORES
                          "domains:\n  - {name: a, workload: cpu}\n  - {name: b, workload: cpu}\n");
  CHECK(vio_metric(&r, "a.cores") > 0.999 && vio_metric(&r, "b.cores") > 0.999, "a %g b %g",
        vio_metric(&r, "a.cores"), vio_metric(&r, "b.cores"));
  run_result_free(&r);
  /* Three VCPUs on two cores: stealing keeps both cores busy and shares near 2/3 each. */
  r = run_yaml("sim: {model: vio, duration_ms: 3000, warmup_ms: 300}\n" TWO_CORES
               "domains:\n  - {name: a, workload: cpu}\n  - {name: b, workload: cpu}\n  - {name: c, workload: cpu}\n");
  CHECK_NEAR(vio_metric(&r, "cores_busy"), 2.0, 1e-6);
  double sum = 0;
  const char *names[] = {"a.cores", "b.cores", "c.cores"};
  for (int i = 0; i < 3; i++) {
    double s = vio_metric(&r, names[i]);
    sum += s;
    CHECK(s > 0.55 && s < 0.78, "%s = %g, expected about 2/3", names[i], s);
  }
  CHECK_NEAR(sum, 2.0, 0.01);
  run_result_free(&r);
}

/* Build a one-core machine with a CPU-bound domain a and an idle domain b, and let a run. */
typedef struct {
  vs_config cfg;
  sim_t *sim;
  host_t *h;
  vcpu_t *a, *b;
  work_t burst;
} scene;

static vs_time_ps burst_start(host_t *h, vcpu_t *v, work_t *w) { return 50 * VS_PS_PER_US; }
static bool burst_done(host_t *h, vcpu_t *v, work_t *w) { return false; }

static bool scene_new(scene *s, const char *extra) {
  char yaml[1024];
  snprintf(yaml, sizeof yaml,
           "sim: {model: vio}\n" ONE_CORE "%sdomains:\n  - {name: a, workload: cpu}\n  - {name: b, workload: idle}\n",
           extra);
  if (!vio_load(yaml, &s->cfg)) return false;
  s->sim = sim_new(1, 0);
  s->h = host_new(s->sim, &s->cfg.platform, &s->cfg.sched, s->cfg.domains, s->cfg.n_domains);
  host_start(s->h);
  s->a = host_domain(s->h, "a")->vcpus[0];
  s->b = host_domain(s->h, "b")->vcpus[0];
  cpu_work_init(&s->burst, burst_start, burst_done, NULL, host_stage(s->h, "app"), WORK_KERNEL);
  sim_run(s->sim, 5 * VS_PS_PER_MS); /* a runs; no tick yet */
  return true;
}

static void scene_free(scene *s) {
  host_free(s->h);
  sim_free(s->sim);
}

static void test_wake_preemption(void) {
  scene s;
  /* A woken UNDER VCPU is boosted and preempts an OVER one. */
  if (!scene_new(&s, "")) return;
  pcpu_t *p = &s.h->pcpus[0];
  CHECK(p->cur == s.a && s.a->state == VCPU_RUNNING, "a should be running");
  s.a->pri = PRI_OVER;
  cpu_enqueue(s.h, s.b, &s.burst);
  CHECK(s.b->pri == PRI_BOOST && s.b->boosts == 1, "b not boosted (pri %d)", s.b->pri);
  sim_run(s.sim, sim_now(s.sim) + 2 * VS_PS_PER_US); /* past the IPI delay */
  CHECK(p->cur == s.b, "b did not preempt an OVER VCPU");
  CHECK(s.a->preemptions == 1 && s.a->state == VCPU_RUNNABLE, "a preemptions %llu", (unsigned long long)s.a->preemptions);
  sim_run(s.sim, sim_now(s.sim) + 200 * VS_PS_PER_US);
  CHECK(p->cur == s.a && s.b->state == VCPU_BLOCKED, "after its burst b blocks and a resumes");
  scene_free(&s);

  /* It does not preempt a BOOST VCPU (equal priority). */
  if (!scene_new(&s, "")) return;
  p = &s.h->pcpus[0];
  s.a->pri = PRI_BOOST;
  cpu_enqueue(s.h, s.b, &s.burst);
  sim_run(s.sim, sim_now(s.sim) + 2 * VS_PS_PER_US);
  CHECK(p->cur == s.a && s.b->state == VCPU_RUNNABLE, "b preempted a BOOST VCPU");
  CHECK(s.a->preemptions == 0, "preemption counted");
  scene_free(&s);

  /* It does not preempt an UNDER VCPU either; and an OVER VCPU is not boosted on wake. */
  if (!scene_new(&s, "")) return;
  p = &s.h->pcpus[0];
  s.b->pri = PRI_OVER;
  cpu_enqueue(s.h, s.b, &s.burst);
  CHECK(s.b->pri == PRI_OVER && s.b->boosts == 0, "an OVER VCPU was boosted");
  sim_run(s.sim, sim_now(s.sim) + 2 * VS_PS_PER_US);
  CHECK(p->cur == s.a, "OVER b preempted UNDER a");
  scene_free(&s);
}

/* A VCPU that always blocks before its pCPU's tick: sampled accounting never charges it, exact
 * accounting charges 10 credits per millisecond run. pCPU 0 ticks at 10, 20, ... ms; the
 * VCPU runs 1 ms at 2-3, 12-13, ... ms. */
static void test_sampled_vs_exact(void) {
  const char *base = "sim: {model: vio, duration_ms: 1000}\n"
                     "platform: {sockets: 1, cores_per_socket: 1, cores_per_l2: 1}\n"
                     "domains:\n  - {name: io, workload: periodic, period_us: 10000, burst_us: 1000, phase_us: 2000}\n";
  char yaml[1024];
  snprintf(yaml, sizeof yaml, "%ssched: {tick_phase: staggered}\n", base);
  run_result r = run_yaml(yaml);
  CHECK(vio_metric(&r, "io.v0.credit_end") == 0, "sampled: credit %g, expected 0", vio_metric(&r, "io.v0.credit_end"));
  CHECK(vio_metric(&r, "io.v0.time_over") == 0, "sampled: VCPU went OVER");
  CHECK_NEAR(vio_metric(&r, "io.cores"), 0.1, 0.001);
  run_result_free(&r);
  snprintf(yaml, sizeof yaml, "%ssched: {accounting: exact, tick_phase: staggered}\n", base);
  r = run_yaml(yaml);
  double credit = vio_metric(&r, "io.v0.credit_end");
  /* 100 bursts of 1 ms (the first a switch longer) at 10 credits per ms. */
  CHECK(credit <= -999 && credit >= -1002, "exact: credit %g, expected about -1000", credit);
  run_result_free(&r);
}

/* cpu_pick (Xen 3.3) spreads: two CPU-bound VCPUs starting on cores 0 and 1 of socket 0 end on
 * different sockets, because the other socket has more idle cores. */
static void test_cpu_pick_spreads(void) {
  vs_config cfg;
  if (!vio_load("sim: {model: vio}\ndomains:\n  - {name: a, workload: cpu}\n  - {name: b, workload: cpu}\n", &cfg))
    return;
  sim_t *sim = sim_new(1, 0);
  host_t *h = host_new(sim, &cfg.platform, &cfg.sched, cfg.domains, cfg.n_domains);
  host_start(h);
  vcpu_t *a = h->domains[0]->vcpus[0], *b = h->domains[1]->vcpus[0];
  CHECK(a->processor == 0 && b->processor == 1, "initial placement %d %d", a->processor, b->processor);
  sim_run(sim, 200 * VS_PS_PER_MS);
  int sa = platform_socket_of(h->plat, a->processor), sb = platform_socket_of(h->plat, b->processor);
  CHECK(sa != sb, "both on socket %d (pCPUs %d, %d)", sa, a->processor, b->processor);
  CHECK(a->migrations + b->migrations >= 1, "no migration");
  /* the pick itself, on a machine with everything else idle */
  CHECK(platform_socket_of(h->plat, sched_pick_cpu_xen(h, a)) == sa, "pick moved a settled VCPU");
  host_free(h);
  sim_free(sim);
}

/* Credit arithmetic of csched_acct: two active domains, weights 256 and 768, one pCPU
 * (300 credits): fair shares ceil(300*256/1024) = 75 and ceil(300*768/1024) = 225. */
static void test_acct_arithmetic(void) {
  vs_config cfg;
  if (!vio_load("sim: {model: vio}\n" ONE_CORE "domains:\n  - {name: a, weight: 256}\n  - {name: b, weight: 768}\n", &cfg))
    return;
  sim_t *sim = sim_new(1, 0);
  host_t *h = host_new(sim, &cfg.platform, &cfg.sched, cfg.domains, cfg.n_domains);
  host_start(h);
  vcpu_t *a = h->domains[0]->vcpus[0], *b = h->domains[1]->vcpus[0];
  /* make both active as a tick would */
  h->vcpus[0]->active = h->vcpus[1]->active = true;
  h->domains[0]->active = h->domains[1]->active = true;
  h->domains[0]->active_vcpus = h->domains[1]->active_vcpus = 1;
  h->active_doms[0] = h->domains[0];
  h->active_doms[1] = h->domains[1];
  h->n_active_doms = 2;
  h->weight_total = 1024;
  a->credit = -100;
  b->credit = -100;
  sched_acct_xen(h);
  CHECK(a->credit == -25 && a->pri == PRI_OVER, "a credit %d pri %d", a->credit, a->pri);
  CHECK(b->credit == 125 && b->pri == PRI_UNDER, "b credit %d pri %d", b->credit, b->pri);
  CHECK(h->credit_balance == 100, "balance %d", h->credit_balance);
  /* Over 300 credits: the VCPU leaves the active list with its credit reset. */
  b->credit = 200;
  sched_acct_xen(h);
  CHECK(!b->active && b->credit == 0 && h->weight_total == 256, "b active %d credit %d weight %d", b->active,
        b->credit, h->weight_total);
  host_free(h);
  sim_free(sim);
}

static void test_native(void) {
  run_result r = run_yaml("sim: {model: vio, duration_ms: 500, warmup_ms: 50}\n"
                          "platform: {sockets: 1, cores_per_socket: 2, cores_per_l2: 2}\n"
                          "sched: {mode: native}\ndomains:\n  - {name: os, workload: cpu, vcpus: 2}\n");
  CHECK(vio_metric(&r, "os.v0.share") > 0.999 && vio_metric(&r, "os.v1.share") > 0.999, "native shares");
  CHECK(vio_metric(&r, "os.v0.boosts") == 0, "native boosts");
  run_result_free(&r);
}

int main(void) {
  test_weights();
  test_caps();
  test_two_whole_cores();
  test_wake_preemption();
  test_sampled_vs_exact();
  test_cpu_pick_spreads();
  test_acct_arithmetic();
  test_native();
  return check_done("test_sched");
}
