/* net.c: builds the network I/O path from the configuration, owns the packet pool, reports
 * the path's metrics and checks its invariants. See net.h for the path. */
#include "net.h"

#include <stdio.h>
#include <string.h>

#include "cpu.h"
#include "domain.h"
#include "evtchn.h"
#include "sched.h"

cache_buf buf_get(buf_pool *bp) {
  if (bp->n_free > 0) return bp->free[--bp->n_free];
  bp->n_total++;
  return cache_buf_new(bp->cache, bp->bytes, bp->kind);
}

void buf_put(buf_pool *bp, cache_buf b) {
  if (bp->n_free == bp->cap) {
    bp->cap = bp->cap ? bp->cap * 2 : 256;
    bp->free = vs_xrealloc(bp->free, bp->cap * sizeof *bp->free);
  }
  bp->free[bp->n_free++] = b;
}

void net_pkt_release(net_t *net, pkt_t *p, pkt_reason why) {
  if (p->buf_owner == PKT_BUF_NIC)
    buf_put(&net->nic.bufs, p->buf);
  else if (p->buf_owner == PKT_BUF_VIF)
    buf_put(&net->vifs[p->vif]->pages, p->buf);
  pkt_free(&net->pool, p, why);
}

/* ---- invariants ---- */

void net_check_invariants(const net_t *net) {
  const pkt_pool *pool = &net->pool;
  VS_ASSERT(pkt_pool_conserved(pool), "packets not conserved: created %llu, alive %llu",
            (unsigned long long)pool->created, (unsigned long long)pool->alive);
  VS_ASSERT(net->nic.rx_n <= net->nic.rx_size && net->nic.tx_n <= net->nic.tx_size, "NIC rings %u/%u %u/%u",
            net->nic.rx_n, net->nic.rx_size, net->nic.tx_n, net->nic.tx_size);
  VS_ASSERT(net->nic.qdisc.n <= (uint64_t)net->cfg->nic.txqueuelen, "NIC qdisc %u", net->nic.qdisc.n);
  for (int i = 0; i < net->n_vifs; i++) {
    const vif_t *v = net->vifs[i];
    VS_ASSERT(v->qdisc.n <= (uint64_t)net->cfg->netback.txqueuelen, "vif %d qdisc %u", i, v->qdisc.n);
    VS_ASSERT(v->rx.req_prod_pvt - v->rx.rsp_cons <= v->rx.size, "vif %d RX ring over-posted", i);
    VS_ASSERT(v->rx.req_cons <= v->rx.req_prod && v->rx_req_cons_peek <= v->rx.req_prod, "vif %d RX ring consumed past produced", i);
    VS_ASSERT(v->tx.req_prod_pvt - v->tx.rsp_cons <= v->tx.size, "vif %d TX ring over-filled", i);
    VS_ASSERT(v->guest_qdisc.n <= (uint64_t)net->cfg->netfront.txqueuelen, "vif %d guest queue", i);
  }
}

/* ---- metrics ---- */

static double net_goodput_bits(const net_t *net, const flow_t *f) { return (double)f->app_bytes * 8; }

static void net_warmup(sim_t *sim, void *ctx) {
  net_t *net = ctx;
  net->stats_from_ps = sim_now(sim);
  pkt_pool_reset_counts(&net->pool);
  net->nic.interrupts = 0;
  stats_tw_reset(&net->nic.rx_ring_used, sim_now(sim));
  net->bridge.flooded = net->bridge.forwarded = 0;
  net->link.dir[0].frames = net->link.dir[1].frames = 0;
  net->link.dir[0].bytes = net->link.dir[1].bytes = 0;
  for (int i = 0; i < net->n_vifs; i++) {
    vif_t *v = net->vifs[i];
    v->qdisc_drops = v->netback_drops = v->notify_rx = v->notify_tx = v->notify_back = v->rx_packets = 0;
    stats_tw_reset(&v->rx_ring_posted, sim_now(sim));
  }
  for (int i = 0; i < net->n_flows; i++) {
    flow_t *f = net->flows[i];
    f->app_bytes = 0;
    f->snd.retransmits = f->snd.timeouts = f->snd.fast_retransmits = 0;
    f->rcv.acks_sent = f->rcv.dup_acks_sent = 0;
    stats_hist_reset(&f->latency_us);
  }
}

static void net_report(sim_t *sim, void *ctx) {
  net_t *net = ctx;
  host_t *h = net->h;
  net_check_invariants(net);
  double span_s = (double)(sim_now(sim) - net->stats_from_ps) / (double)VS_PS_PER_S;
  if (span_s <= 0) span_s = 1e-12;
  char name[160];
  double total_bits = 0;
  double guest_bits[HOST_MAX_DOMAINS] = {0};
  uint64_t retrans = 0, timeouts = 0, data_pkts = 0;
  stats_hist all;
  stats_hist_init(&all, 200, 0.1, 1e7);
  for (int i = 0; i < net->n_flows; i++) {
    flow_t *f = net->flows[i];
    double bits = net_goodput_bits(net, f);
    total_bits += bits;
    guest_bits[f->stack->dom->id] += bits;
    retrans += f->snd.retransmits;
    timeouts += f->snd.timeouts;
    data_pkts += f->app_bytes / net->mss;
    snprintf(name, sizeof name, "flow.%s.goodput_gbps", net->cfg->flows[i].name);
    sim_metric(sim, name, bits / span_s / 1e9);
    snprintf(name, sizeof name, "flow.%s.retransmits", net->cfg->flows[i].name);
    sim_metric(sim, name, (double)f->snd.retransmits);
    snprintf(name, sizeof name, "flow.%s.timeouts", net->cfg->flows[i].name);
    sim_metric(sim, name, (double)f->snd.timeouts);
    snprintf(name, sizeof name, "flow.%s.cwnd_kib", net->cfg->flows[i].name);
    sim_metric(sim, name, f->snd.cwnd / 1024);
    gsl_histogram_add(all.h, f->latency_us.h); /* same ranges: a bin-wise sum */
    all.underflow += f->latency_us.underflow;
    all.overflow += f->latency_us.overflow;
  }
  double goodput = total_bits / span_s / 1e9;
  sim_metric(sim, "goodput_gbps", goodput);
  for (int d = 0; d < h->n_domains; d++) {
    bool has = false;
    for (int i = 0; i < net->n_flows; i++) has |= net->flows[i]->stack->dom == h->domains[d];
    if (!has) continue;
    snprintf(name, sizeof name, "%s.goodput_gbps", h->domains[d]->name);
    sim_metric(sim, name, guest_bits[d] / span_s / 1e9);
  }
  double cores = host_busy_cores(h);
  sim_metric(sim, "cores_per_gbit", goodput > 0 ? cores / goodput : 0);
  /* The same counting only the driver domain and the domains that end flows. */
  vs_time_ps io_ps = 0;
  for (int d = 0; d < h->n_domains; d++) {
    domain_t *dom = h->domains[d];
    bool io = dom == net->driver;
    for (int i = 0; i < net->n_stacks; i++) io |= net->stacks[i]->dom == dom;
    if (!io) continue;
    for (int v = 0; v < dom->n_vcpus; v++) io_ps += dom->vcpus[v]->busy_ps;
  }
  double io_cores = (double)io_ps / (span_s * (double)VS_PS_PER_S);
  sim_metric(sim, "io_cores", io_cores);
  sim_metric(sim, "io_cores_per_gbit", goodput > 0 ? io_cores / goodput : 0);
  sim_metric(sim, "tcp_retransmits", (double)retrans);
  sim_metric(sim, "tcp_timeouts", (double)timeouts);
  double n = stats_hist_count(&all);
  sim_metric(sim, "latency_us_p50", n > 0 ? stats_hist_quantile(&all, 0.5) : 0);
  sim_metric(sim, "latency_us_p90", n > 0 ? stats_hist_quantile(&all, 0.9) : 0);
  sim_metric(sim, "latency_us_p99", n > 0 ? stats_hist_quantile(&all, 0.99) : 0);
  stats_hist_free(&all);
  for (int r = 1; r < PKT_REASONS; r++) {
    snprintf(name, sizeof name, "drops.%s", pkt_reason_names[r]);
    sim_metric(sim, name, (double)net->pool.freed[r]);
  }
  sim_metric(sim, "packets_in_flight", (double)net->pool.alive);
  double pkts = data_pkts > 0 ? (double)data_pkts : 1;
  sim_metric(sim, "nic.interrupts_per_packet", (double)net->nic.interrupts / pkts);
  sim_metric(sim, "nic.rx_ring_used", stats_tw_mean(&net->nic.rx_ring_used, sim_now(sim)));
  uint64_t nrx = 0, ntx = 0, nb = 0, evs = 0, rxp = 0;
  for (int i = 0; i < net->n_vifs; i++) {
    vif_t *v = net->vifs[i];
    nrx += v->notify_rx;
    ntx += v->notify_tx;
    nb += v->notify_back;
    rxp += v->rx_packets;
    snprintf(name, sizeof name, "vif%d.queue_drops", i);
    sim_metric(sim, name, (double)v->qdisc_drops);
    snprintf(name, sizeof name, "vif%d.netback_drops", i);
    sim_metric(sim, name, (double)v->netback_drops);
    snprintf(name, sizeof name, "vif%d.rx_buffers_posted", i);
    sim_metric(sim, name, stats_tw_mean(&v->rx_ring_posted, sim_now(sim)));
    snprintf(name, sizeof name, "vif%d.rx_target_end", i);
    sim_metric(sim, name, (double)v->rx_target);
  }
  for (int i = 0; i < h->n_ports; i++) evs += h->ports[i].sends;
  /* Notifications per packet the vifs carried to the guests (data and ACKs alike). */
  double vpk = rxp > 0 ? (double)rxp : 1;
  sim_metric(sim, "notify.rx_per_packet", (double)nrx / vpk);
  sim_metric(sim, "notify.tx_done_per_packet", (double)ntx / pkts);
  sim_metric(sim, "notify.to_driver_per_packet", (double)nb / pkts);
  sim_metric(sim, "evtchn.sends_per_packet", (double)evs / pkts);
  uint64_t misses = 0;
  for (int d = 0; d < h->n_domains; d++)
    for (int k = 0; k < CACHE_KINDS; k++)
      for (int w = CACHE_SAME_SOCKET; w < CACHE_WHERE; w++) misses += cache_count(h->cache, d, (cache_kind)k, (cache_where)w);
  sim_metric(sim, "cache.miss_lines_per_packet", (double)misses / pkts);
  sim_metric(sim, "bridge.flooded", (double)net->bridge.flooded);
  sim_metric(sim, "link.to_host_gbps", (double)net->link.dir[1].bytes * 8 / span_s / 1e9);
}

typedef struct {
  net_t *net;
  uint64_t last_bytes;
} net_probe;

static double net_probe_goodput(void *ctx, vs_time_ps now) {
  net_probe *np = ctx;
  net_t *net = np->net;
  uint64_t b = 0;
  for (int i = 0; i < net->n_flows; i++) b += net->flows[i]->app_bytes_all;
  uint64_t d = b - np->last_bytes;
  np->last_bytes = b;
#ifndef NDEBUG
  net_check_invariants(net); /* debug builds: at every sample, not only at the end */
#endif
  return (double)d * 8;
}

/* ---- building ---- */

typedef struct {
  net_t net;
  net_probe probe;
  vs_time_ps sample_ps;
} net_box;

static double net_probe_gbps(void *ctx, vs_time_ps now) {
  net_box *box = ctx;
  double bits = net_probe_goodput(&box->probe, now);
  return box->sample_ps > 0 ? bits / ((double)box->sample_ps / (double)VS_PS_PER_S) / 1e9 : 0;
}

static double net_probe_cwnd(void *ctx, vs_time_ps now) {
  flow_t *f = ctx;
  return f->snd.cwnd / 1024;
}

static double net_probe_vifq(void *ctx, vs_time_ps now) {
  vif_t *v = ctx;
  return (double)v->qdisc.n;
}

net_t *net_new(sim_t *sim, host_t *h, const net_cfg *cfg, vs_time_ps sample_ps) {
  net_box *box = vs_xcalloc(1, sizeof *box);
  net_t *net = &box->net;
  box->probe.net = net;
  box->sample_ps = sample_ps;
  net->sim = sim;
  net->h = h;
  net->cfg = cfg;
  net->native = h->sc->mode == SCHED_NATIVE;
  pkt_pool_init(&net->pool);
  net->mss = (uint32_t)(cfg->link.mtu - 40 - (cfg->tcp.timestamps ? 12 : 0));
  uint32_t frame = (uint32_t)cfg->link.mtu + 18;
  net->buf_bytes = frame <= 4096 ? 4096 : (frame + 4095) / 4096 * 4096;
  net->stage_bridge = host_stage(h, "bridge");
  net->stage_netback = host_stage(h, "netback");
  net->stage_grant_copy = host_stage(h, "grant_copy");
  net->stage_netfront = host_stage(h, "netfront");
  const domain_cfg *dc = h->domain_cfgs;
  net->driver = h->domains[0];
  for (int i = 0; i < h->n_domains; i++)
    if (!net->native && dc[i].role == DOM_DRIVER) net->driver = h->domains[i];
  link_init(&net->link, net);
  nic_init(&net->nic, net);
  if (!net->native) netback_init(net);
  /* A stack for every domain that runs a flow's guest end. */
  for (size_t i = 0; i < cfg->n_flows; i++) {
    domain_t *d = host_domain(h, cfg->flows[i].guest);
    VS_ASSERT(d != NULL, "flow %s: no domain %s (should have been checked)", cfg->flows[i].name, cfg->flows[i].guest);
    netstack_t *st = NULL;
    for (int k = 0; k < net->n_stacks; k++)
      if (net->stacks[k]->dom == d) st = net->stacks[k];
    if (!st) {
      st = stack_new(net, d);
      if (net->native) {
        st->mac = 1;
      } else {
        st->vif = netback_vif_new(net, d, st);
        st->mac = st->vif->mac;
        netfront_init(net, st->vif);
      }
      net->stacks[net->n_stacks++] = st;
    }
    net->flows[net->n_flows] = flow_new(net, &cfg->flows[i], st, net->n_flows);
    net->n_flows++;
  }
  bridge_init(&net->bridge, net);
  for (int i = 0; i < net->n_flows; i++) flow_start(net, net->flows[i]);
  sim_on_warmup(sim, net_warmup, net);
  sim_on_report(sim, net_report, net);
  sim_series(sim, "goodput_gbps", net_probe_gbps, box);
  for (int i = 0; i < net->n_flows; i++) {
    char name[96];
    snprintf(name, sizeof name, "flow.%s.cwnd_kib", cfg->flows[i].name);
    sim_series(sim, name, net_probe_cwnd, net->flows[i]);
  }
  for (int i = 0; i < net->n_vifs; i++) {
    char name[64];
    snprintf(name, sizeof name, "vif%d.queue", i);
    sim_series(sim, name, net_probe_vifq, net->vifs[i]);
  }
  return net;
}

void net_free(net_t *net) {
  if (!net) return;
  for (int i = 0; i < net->n_flows; i++) {
    stats_hist_free(&net->flows[i]->latency_us);
    free(net->flows[i]->snd_pages);
    free(net->flows[i]);
  }
  for (int i = 0; i < net->n_vifs; i++) {
    free(net->vifs[i]->pages.free);
    free(net->vifs[i]);
  }
  for (int i = 0; i < net->n_stacks; i++) free(net->stacks[i]);
  free(net->nic.rx_ring);
  free(net->nic.tx_ring);
  free(net->nic.bufs.free);
  pkt_pool_destroy(&net->pool);
  free((net_box *)net);
}
