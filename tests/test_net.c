/* test_net.c: the network path against what must hold whatever the calibration:
 * - with every CPU cost zero, goodput reaches the Ethernet ceiling MSS/(MSS + overhead) of
 *   the line rate (9.41 Gbit/s at MTU 1500 with timestamps, 9.49 without, more at 9000) and
 *   never exceeds it, natively and through Xen;
 * - loss on the link and a small vif queue reduce goodput, and TCP retransmits and recovers;
 * - notifications batch under load (far fewer than packets) and do not when a packet at a
 *   time is in flight (about one per packet);
 * - native beats Xen on bandwidth and on cores per Gbit with the default platform;
 * - every run ends with packets conserved and queues within limits (asserted in net.c). */
#include "check.h"
#include "vio_util.h"

#define SRC VIOSIM_SOURCE_DIR

static run_result run_cfg(const char *yaml, int reps) {
  vs_config cfg;
  run_result r = {0};
  if (!vio_load(yaml, &cfg)) {
    CHECK(0, "config did not load");
    return r;
  }
  cfg.sim.replications = reps;
  run_all(&cfg, &r, false);
  return r;
}

/* An experiment from configs/experiments with extra YAML after it, for duration_ms (the first
 * third warm-up), reps replications. */
static run_result run_exp(const char *exp, const char *extra, int duration_ms, int reps) {
  char yaml[1024];
  snprintf(yaml, sizeof yaml, "base: %s/configs/experiments/%s.yaml\nsim: {duration_ms: %d, warmup_ms: %d}\n%s", SRC, exp,
           duration_ms, duration_ms / 3, extra);
  return run_cfg(yaml, reps);
}

static double mean_of(const run_result *r, const char *name) {
  long i = run_metric_index(r, name);
  if (i < 0) return NAN;
  double s = 0;
  for (size_t k = 0; k < r->n_reps; k++) s += r->metrics[k * r->n_metrics + (size_t)i];
  return s / (double)r->n_reps;
}

static void test_ceiling(void) {
  struct {
    const char *mode;
    bool ts;
    int mtu;
  } cases[] = {{"credit", true, 1500}, {"credit", false, 1500}, {"credit", true, 9000}, {"native", true, 1500}};
  for (size_t i = 0; i < 4; i++) {
    char yaml[1024];
    bool native = !strcmp(cases[i].mode, "native");
    snprintf(yaml, sizeof yaml,
             "base: %s/configs/tests/zero-cost.yaml\n"
             "sched: {mode: %s}\ntcp: {timestamps: %s}\nlink: {mtu: %d}\n%s",
             SRC, cases[i].mode, cases[i].ts ? "true" : "false", cases[i].mtu, "");
    if (native)
      snprintf(yaml, sizeof yaml, "base: %s/configs/tests/zero-cost-native.yaml\ntcp: {timestamps: %s, rcvbuf_kib: 1024}\nlink: {mtu: %d}\n",
               SRC, cases[i].ts ? "true" : "false", cases[i].mtu);
    run_result r = run_cfg(yaml, 1);
    double mss = cases[i].mtu - 40 - (cases[i].ts ? 12 : 0);
    double ceiling = 10.0 * mss / (mss + 40 + (cases[i].ts ? 12 : 0) + 38);
    double g = vio_metric(&r, "goodput_gbps");
    CHECK(g >= 0.995 * ceiling && g <= ceiling * 1.001, "%s ts=%d mtu=%d: goodput %.4f, ceiling %.4f", cases[i].mode,
          cases[i].ts, cases[i].mtu, g, ceiling);
    CHECK(vio_metric(&r, "tcp_retransmits") == 0, "retransmissions with no loss");
    run_result_free(&r);
  }
}

static void test_loss(void) {
  char yaml[512];
  snprintf(yaml, sizeof yaml, "base: %s/configs/tests/zero-cost.yaml\nlink: {loss_rate: 0.001}\nsim: {duration_ms: 600}\n", SRC);
  run_result r = run_cfg(yaml, 1);
  double g = vio_metric(&r, "goodput_gbps");
  CHECK(g < 0.9 * 9.41, "loss did not reduce goodput: %g", g);
  CHECK(g > 0.5, "TCP did not recover from losses: %g", g);
  CHECK(vio_metric(&r, "tcp_retransmits") > 0, "no retransmissions");
  CHECK(vio_metric(&r, "drops.link_loss") > 0, "no link losses counted");
  run_result_free(&r);
  /* Without SACK, NewReno recovers too (one hole per round trip), at least as slowly. */
  snprintf(yaml, sizeof yaml,
           "base: %s/configs/tests/zero-cost.yaml\nlink: {loss_rate: 0.001}\ntcp: {sack: false}\nsim: {duration_ms: 600}\n", SRC);
  r = run_cfg(yaml, 1);
  CHECK(vio_metric(&r, "goodput_gbps") > 0.2 && vio_metric(&r, "goodput_gbps") <= g * 1.05, "NewReno goodput %g",
        vio_metric(&r, "goodput_gbps"));
  run_result_free(&r);
}

static void test_small_queue(void) {
  char yaml[512];
  double g[2], drops[2];
  int qlen[2] = {4, 2000};
  for (int i = 0; i < 2; i++) {
    snprintf(yaml, sizeof yaml, "netback: {txqueuelen: %d}\n", qlen[i]);
    run_result r = run_exp("xen-rx-1guest", yaml, 500, 2);
    g[i] = mean_of(&r, "goodput_gbps");
    drops[i] = mean_of(&r, "drops.vif_queue");
    run_result_free(&r);
  }
  CHECK(drops[0] > drops[1], "queue 4: %g drops, queue 2000: %g", drops[0], drops[1]);
  CHECK(g[0] < g[1], "a 4-packet vif queue (%g Gbit/s) should do worse than 2000 (%g)", g[0], g[1]);
}

static void test_notification_batching(void) {
  run_result r = run_exp("xen-rx-1guest", "", 300, 1);
  double loaded = vio_metric(&r, "notify.rx_per_packet");
  CHECK(loaded < 0.25, "under load %g notifications per packet", loaded);
  CHECK(vio_metric(&r, "nic.interrupts_per_packet") < 0.25, "interrupts per packet %g", vio_metric(&r, "nic.interrupts_per_packet"));
  run_result_free(&r);
  /* One packet in flight at a time (a 1-segment window): each one is notified alone. */
  r = run_exp("xen-rx-1guest", "tcp: {rcvbuf_kib: 2, delack_segments: 1}\n", 300, 1);
  double idle = vio_metric(&r, "notify.rx_per_packet");
  CHECK(idle > 0.8 && idle < 1.2, "one at a time: %g notifications per packet", idle);
  CHECK(vio_metric(&r, "goodput_gbps") > 0, "no goodput");
  run_result_free(&r);
}

static void test_native_beats_xen(void) {
  run_result n = run_exp("native-rx", "", 400, 2);
  run_result x = run_exp("xen-rx-1guest", "", 400, 2);
  double gn = mean_of(&n, "goodput_gbps"), gx = mean_of(&x, "goodput_gbps");
  double cn = mean_of(&n, "cores_per_gbit"), cx = mean_of(&x, "cores_per_gbit");
  CHECK(gn > gx, "native %g Gbit/s vs Xen %g", gn, gx);
  CHECK(cn < cx, "native %g cores/Gbit vs Xen %g", cn, cx);
  run_result_free(&n);
  run_result_free(&x);
}

static void test_transmit_and_guests(void) {
  run_result r = run_exp("xen-tx-1guest", "", 300, 1);
  CHECK(vio_metric(&r, "goodput_gbps") > 0.5, "transmit goodput %g", vio_metric(&r, "goodput_gbps"));
  CHECK(vio_metric(&r, "goodput_gbps") <= 9.42, "transmit above the ceiling");
  run_result_free(&r);
  r = run_exp("xen-rx-3guests", "", 300, 1);
  double sum = 0;
  const char *g[] = {"guest1.goodput_gbps", "guest2.goodput_gbps", "guest3.goodput_gbps"};
  for (int i = 0; i < 3; i++) {
    double v = vio_metric(&r, g[i]);
    CHECK(v > 0.1, "%s = %g", g[i], v);
    sum += v;
  }
  CHECK_NEAR(sum, vio_metric(&r, "goodput_gbps"), 1e-9);
  run_result_free(&r);
  /* Several connections in one guest, both directions at once. */
  r = run_exp("xen-rx-1guest", "flows:\n  - {name: rx2, guest: guest1}\n  - {name: tx1, guest: guest1, direction: transmit}\n",
              300, 1);
  const char *f[] = {"flow.rx1.goodput_gbps", "flow.rx2.goodput_gbps", "flow.tx1.goodput_gbps"};
  /* The transmit flow takes most of the driver domain (its ring back-pressures instead of
   * dropping); the receiving ones still move. */
  for (int i = 0; i < 3; i++) CHECK(vio_metric(&r, f[i]) > 0.01, "%s = %g", f[i], vio_metric(&r, f[i]));
  CHECK_NEAR(vio_metric(&r, f[0]) + vio_metric(&r, f[1]) + vio_metric(&r, f[2]), vio_metric(&r, "goodput_gbps"), 1e-9);
  run_result_free(&r);
}

/* Overcommitted: with more CPU-bound VCPUs than pCPUs the driver domain runs out of credits
 * (OVER) part of the time and the stream slows; with spare pCPUs it never goes OVER. */
static void test_overcommit(void) {
  run_result spare = run_exp("xen-rx-cpu-competing", "", 600, 1);
  run_result over = run_exp("xen-rx-overcommitted", "", 600, 1);
  CHECK(vio_metric(&spare, "dom0.v0.time_over") == 0, "dom0 OVER with spare pCPUs: %g", vio_metric(&spare, "dom0.v0.time_over"));
  CHECK(vio_metric(&over, "dom0.v0.time_over") > 0.02, "dom0 never OVER when overcommitted");
  CHECK(vio_metric(&over, "goodput_gbps") < 0.8 * vio_metric(&spare, "goodput_gbps"), "overcommit %g vs %g Gbit/s",
        vio_metric(&over, "goodput_gbps"), vio_metric(&spare, "goodput_gbps"));
  run_result_free(&spare);
  run_result_free(&over);
}

int main(void) {
  test_overcommit();
  test_ceiling();
  test_loss();
  test_small_queue();
  test_notification_batching();
  test_native_beats_xen();
  test_transmit_and_guests();
  return check_done("test_net");
}
