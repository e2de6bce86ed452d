/* test_sim.c: the pending-event set and clock: order, ties, cancellation, pool reuse,
 * run-until semantics, stop, and two simulations in one process. */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "sim.h"

typedef struct {
  uint64_t log[4096];
  vs_time_ps at[4096];
  size_t n;
} trace;

static void record(sim_t *sim, void *ctx, uint64_t arg) {
  trace *t = ctx;
  t->at[t->n] = sim_now(sim);
  t->log[t->n++] = arg;
}

static void test_order_and_ties(void) {
  sim_t *sim = sim_new(1, 0);
  trace t = {.n = 0};
  /* Times in random order, several equal: run order is by time, then scheduling order. */
  vs_time_ps times[] = {50, 10, 30, 10, 50, 0, 30, 10};
  for (uint64_t i = 0; i < 8; i++) sim_at(sim, times[i], record, &t, i);
  uint64_t ran = sim_run(sim, VS_TIME_NEVER);
  CHECK(ran == 8, "ran %llu", (unsigned long long)ran);
  uint64_t expect[] = {5, 1, 3, 7, 2, 6, 0, 4};
  for (size_t i = 0; i < 8; i++) CHECK(t.log[i] == expect[i], "position %zu: %llu, expected %llu", i, (unsigned long long)t.log[i], (unsigned long long)expect[i]);
  for (size_t i = 1; i < 8; i++) CHECK(t.at[i] >= t.at[i - 1], "time ran back at %zu", i);
  sim_free(sim);
}

/* A large random workload against a sorted reference: every event runs once, in order. */
static int cmp_pair(const void *a, const void *b) {
  const vs_time_ps *x = a, *y = b;
  if (x[0] != y[0]) return x[0] < y[0] ? -1 : 1;
  return x[1] < y[1] ? -1 : x[1] > y[1];
}

static void test_random_against_sort(void) {
  enum { N = 4000 };
  sim_t *sim = sim_new(2, 0);
  static trace t;
  t.n = 0;
  static vs_time_ps ref[N][2];
  sim_event_id ids[N];
  gsl_rng *r = sim_rng(sim, "test");
  for (size_t i = 0; i < N && i < 4096; i++) {
    ref[i][0] = (vs_time_ps)gsl_rng_uniform_int(r, 500); /* many ties */
    ref[i][1] = (vs_time_ps)i;
    ids[i] = sim_at(sim, ref[i][0], record, &t, i);
  }
  /* cancel every third: they must not run */
  size_t kept = 0;
  for (size_t i = 0; i < N; i++) {
    if (i % 3 == 0) {
      CHECK(sim_cancel(sim, ids[i]), "cancel %zu", i);
      CHECK(!sim_cancel(sim, ids[i]), "double cancel %zu succeeded", i);
      ref[i][0] = VS_TIME_NEVER;
    } else {
      kept++;
    }
  }
  CHECK(sim_pending_count(sim) == kept, "pending %zu, expected %zu", sim_pending_count(sim), kept);
  qsort(ref, N, sizeof ref[0], cmp_pair);
  sim_run(sim, VS_TIME_NEVER);
  CHECK(t.n == kept, "ran %zu, expected %zu", t.n, kept);
  for (size_t i = 0; i < t.n; i++)
    CHECK(t.log[i] == (uint64_t)ref[i][1], "order at %zu: %llu vs %lld", i, (unsigned long long)t.log[i], (long long)ref[i][1]);
  for (size_t i = 0; i < N; i++) CHECK(!sim_pending(sim, ids[i]), "event %zu still pending", i);
  sim_free(sim);
}

/* Hold model: each event schedules one successor. Pool and heap stay at the initial size. */
typedef struct {
  uint64_t left;
  gsl_rng *r;
} hold;

static void hold_handler(sim_t *sim, void *ctx, uint64_t arg) {
  hold *h = ctx;
  if (h->left == 0) return;
  h->left--;
  sim_after(sim, (vs_time_ps)gsl_rng_uniform_int(h->r, 1000), hold_handler, h, arg);
}

static void test_hold_and_pool_reuse(void) {
  sim_t *sim = sim_new(3, 0);
  hold h = {100000, sim_rng(sim, "hold")};
  for (int i = 0; i < 100; i++) sim_after(sim, i, hold_handler, &h, 0);
  uint64_t ran = sim_run(sim, VS_TIME_NEVER);
  CHECK(ran == 100000 + 100, "ran %llu", (unsigned long long)ran);
  CHECK(sim_pending_count(sim) == 0, "pending %zu", sim_pending_count(sim));
  CHECK(sim_pool_capacity(sim) == 1024, "pool grew to %zu with 100 pending", sim_pool_capacity(sim));
  sim_free(sim);
}

/* Scheduling in the past is a bug in the caller: the kernel aborts, naming the times. */
static void test_past_aborts(void) {
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    freopen("/dev/null", "w", stderr);
    sim_t *sim = sim_new(1, 0);
    sim_at(sim, 100, record, NULL, 0);
    sim_run(sim, 50);
    sim_at(sim, 10, record, NULL, 0);
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "status %d", status);
}

/* A handler cancelling a later event, and an event trying to cancel itself. */
typedef struct {
  sim_event_id victim, self;
  int victim_ran, self_cancel_result;
} cancel_ctx;

static void victim(sim_t *sim, void *ctx, uint64_t arg) { ((cancel_ctx *)ctx)->victim_ran++; }
static void killer(sim_t *sim, void *ctx, uint64_t arg) {
  cancel_ctx *c = ctx;
  sim_cancel(sim, c->victim);
  c->self_cancel_result = sim_cancel(sim, c->self);
}

static void test_cancel_in_handler(void) {
  sim_t *sim = sim_new(4, 0);
  cancel_ctx c = {0};
  c.victim = sim_at(sim, 20, victim, &c, 0);
  c.self = sim_at(sim, 10, killer, &c, 0);
  sim_run(sim, VS_TIME_NEVER);
  CHECK(c.victim_ran == 0, "cancelled event ran");
  CHECK(c.self_cancel_result == 0, "a running event cancelled itself");
  CHECK(!sim_cancel(sim, 0), "cancel of handle 0");
  CHECK(!sim_cancel(sim, UINT64_C(0xffffffff00001234)), "cancel of a bogus handle");
  sim_free(sim);
}

static void stopper(sim_t *sim, void *ctx, uint64_t arg) { sim_stop(sim); }

static void test_run_until_and_stop(void) {
  sim_t *sim = sim_new(5, 0);
  trace t = {.n = 0};
  sim_at(sim, 100, record, &t, 1);
  sim_at(sim, 200, record, &t, 2);
  sim_at(sim, 201, record, &t, 3);
  CHECK(sim_run(sim, 200) == 2, "events up to 200 inclusive");
  CHECK(sim_now(sim) == 200, "now %lld", (long long)sim_now(sim));
  CHECK(sim_run(sim, 150) == 0, "nothing before now");
  sim_at(sim, 300, stopper, NULL, 0);
  sim_at(sim, 400, record, &t, 4);
  sim_run(sim, VS_TIME_NEVER);
  CHECK(t.n == 3 && sim_now(sim) == 300, "stop at 300: n=%zu now=%lld", t.n, (long long)sim_now(sim));
  sim_run(sim, VS_TIME_NEVER);
  CHECK(t.n == 4 && sim_now(sim) == 400, "resume after stop");
  sim_free(sim);
}

static void test_two_sims(void) {
  sim_t *a = sim_new(6, 0), *b = sim_new(6, 0);
  trace ta = {.n = 0}, tb = {.n = 0};
  for (int i = 0; i < 10; i++) {
    sim_at(a, i * 10, record, &ta, (uint64_t)i);
    sim_at(b, 100 - i * 10, record, &tb, (uint64_t)i);
  }
  sim_run(a, 45);
  sim_run(b, 45);
  CHECK(ta.n == 5 && tb.n == 4, "a ran %zu, b ran %zu", ta.n, tb.n); /* a: 0..40, b: 10..40 */
  CHECK(ta.log[0] == 0 && tb.log[0] == 9, "independent order");
  sim_free(a);
  sim_free(b);
}

int main(void) {
  test_order_and_ties();
  test_random_against_sort();
  test_hold_and_pool_reuse();
  test_cancel_in_handler();
  test_run_until_and_stop();
  test_two_sims();
  test_past_aborts();
  return check_done("test_sim");
}
