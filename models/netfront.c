/* netfront.c: the guest's front end of its vif (XenLinux 2.6.18
 * drivers/xen/netfront/netfront.c).
 *
 * RX: netfront keeps about rx_target buffers posted on the RX ring (min 8, default 64, max
 * 256). network_alloc_rx_buffers refills only when at least half the target is missing, and
 * doubles the target if the posted buffers nearly ran out; a poll that finds the ring nearly
 * idle (more than 3/4 of the target still unused) lowers the target by one. The vif's event
 * schedules the NAPI poll (weight 64), which takes one response per step through netfront
 * and the TCP/IP stack, then refills, then does RING_FINAL_CHECK_FOR_RESPONSES before it stops.
 * TX: the stack's packets go onto the TX ring; the queue stops at 236 outstanding requests
 * (256 minus the largest packet's slots), packets then wait in the guest's eth0 queue.
 * Responses are collected with a hold-off: rsp_event is set half-way to the outstanding
 * requests, so netback notifies once per half of what is in flight. */
#include "cpu.h"
#include "evtchn.h"
#include "net.h"

#define NF_OFF(f) offsetof(netfront_cfg, f)
const cfg_param netfront_params[] = {
    {"rx_target_min", CFG_INT, "", 1, 256, "8", "least RX buffers kept posted", NF_OFF(rx_target_min), NULL},
    {"rx_target", CFG_INT, "", 1, 256, "64", "initial RX buffers kept posted", NF_OFF(rx_target), NULL},
    {"rx_target_max", CFG_INT, "", 1, 256, "256", "most RX buffers kept posted", NF_OFF(rx_target_max), NULL},
    {"napi_weight", CFG_INT, "", 1, 4096, "64", "packets per poll round", NF_OFF(napi_weight), NULL},
    {"rx_instr", CFG_FLOAT, "", 0, 1e7, "700", "netif_poll per packet: response, skb setup (estimate)", NF_OFF(rx_instr), NULL},
    {"tx_instr", CFG_FLOAT, "", 0, 1e7, "600", "network_start_xmit per packet: grant, request (estimate)", NF_OFF(tx_instr), NULL},
    {"poll_instr", CFG_FLOAT, "", 0, 1e7, "300", "a poll round's closing: final check, interrupt re-enable (estimate)", NF_OFF(poll_instr), NULL},
    {"tx_gc_instr", CFG_FLOAT, "", 0, 1e7, "150", "per TX response collected (estimate)", NF_OFF(tx_gc_instr), NULL},
    {"refill_instr", CFG_FLOAT, "", 0, 1e7, "250", "per RX buffer posted: page, grant, request (estimate)", NF_OFF(refill_instr), NULL},
    {"header_copy_bytes", CFG_INT, "bytes", 0, 4096, "256", "bytes of each packet copied into the skb head (RX_COPY_THRESHOLD)", NF_OFF(header_copy_bytes), NULL},
    {"txqueuelen", CFG_INT, "", 0, 1000000, "1000", "the guest's eth0 queue", NF_OFF(txqueuelen), NULL},
    {NULL, 0, NULL, 0, 0, NULL, NULL, 0, NULL},
};

#define NF_TX_STOP (NET_RING_SIZE - 18 - 2) /* MAX_SKB_FRAGS + 2 */

static uint32_t netfront_rx_to_post(const vif_t *vif) {
  int32_t want = (int32_t)vif->rx_target - (int32_t)(vif->rx.req_prod_pvt - vif->rx.rsp_cons);
  return want > 0 ? (uint32_t)want : 0;
}

/* network_alloc_rx_buffers */
void netfront_refill(net_t *net, vif_t *vif, vcpu_t *from) {
  uint32_t n = netfront_rx_to_post(vif);
  if (n == 0 || n < vif->rx_target / 2) return;
  if (vif->rx.req_prod_pvt - vif->rx.rsp_prod < vif->rx_target / 4) {
    vif->rx_target *= 2;
    if (vif->rx_target > (uint32_t)net->cfg->netfront.rx_target_max) vif->rx_target = (uint32_t)net->cfg->netfront.rx_target_max;
    n = netfront_rx_to_post(vif);
  }
  vs_time_ps now = sim_now(net->sim);
  for (uint32_t i = 0; i < n; i++) {
    vif->rx_req_page[vif->rx.req_prod_pvt & vif->rx.mask] = buf_get(&vif->pages);
    vif->rx.req_prod_pvt++;
  }
  stats_tw_set(&vif->rx_ring_posted, now, (double)(vif->rx.req_prod_pvt - vif->rx.rsp_prod));
  VS_ASSERT(vif->rx.req_prod_pvt - vif->rx.rsp_cons <= vif->rx.size, "vif %d posted %u buffers", vif->id,
            vif->rx.req_prod_pvt - vif->rx.rsp_cons);
  if (ring_push_requests(&vif->rx)) {
    vif->notify_back++;
    evtchn_send(net->h, vif->port_back, from);
  }
}

static void netfront_tx_place(net_t *net, vif_t *vif, pkt_t *p, vcpu_t *from) {
  uint32_t slot = vif->tx.req_prod_pvt & vif->tx.mask;
  vif->tx_req_pkt[slot] = p;
  p->ring_slot = (int32_t)slot;
  vif->tx.req_prod_pvt++;
  if (ring_push_requests(&vif->tx)) {
    vif->notify_back++;
    evtchn_send(net->h, vif->port_back, from);
  }
  if (vif->tx.req_prod_pvt - vif->tx.rsp_cons >= NF_TX_STOP) vif->front_tx_stopped = true;
}

void netfront_xmit(net_t *net, vif_t *vif, pkt_t *p, vcpu_t *from) {
  if (vif->front_tx_stopped || vif->guest_qdisc.n > 0) {
    if (vif->guest_qdisc.n >= (uint32_t)net->cfg->netfront.txqueuelen) {
      net_pkt_release(net, p, PKT_NETFRONT_DROP);
      return;
    }
    pktq_push(&vif->guest_qdisc, p);
    return;
  }
  netfront_tx_place(net, vif, p, from);
}

/* network_tx_buf_gc: collect TX responses, re-arm the hold-off, restart the queue. */
static uint32_t netfront_tx_gc(net_t *net, vif_t *vif, vcpu_t *from) {
  uint32_t n = vif->tx.rsp_prod - vif->tx.rsp_cons;
  vif->tx.rsp_cons = vif->tx.rsp_prod;
  vif->tx.rsp_event = vif->tx.rsp_prod + ((vif->tx.req_prod - vif->tx.rsp_prod) >> 1) + 1;
  if (vif->front_tx_stopped && vif->tx.req_prod_pvt - vif->tx.rsp_cons < NF_TX_STOP) {
    vif->front_tx_stopped = false;
    while (vif->guest_qdisc.n > 0 && !vif->front_tx_stopped) netfront_tx_place(net, vif, pktq_pop(&vif->guest_qdisc), from);
  }
  return n;
}

void netfront_irq(host_t *h, void *ctx) {
  vif_t *vif = ctx;
  cpu_enqueue(h, vif->stack->vcpu, &vif->front_poll);
}

/* The poll: a step per received packet, then a closing step (TX collection, refill, final
 * check). */
static vs_time_ps netfront_poll_start(host_t *h, vcpu_t *v, work_t *w) {
  vif_t *vif = w->ctx;
  net_t *net = vif->net;
  const netfront_cfg *c = &net->cfg->netfront;
  if (ring_unconsumed_responses(&vif->rx) > 0 && vif->front_polled < (uint32_t)c->napi_weight) {
    pkt_t *p = vif->rx_rsp_pkt[vif->rx.rsp_cons & vif->rx.mask];
    double stall = cpu_read(h, v, vif->rx.page, 16);
    uint32_t hdr = p->len < (uint32_t)c->header_copy_bytes ? p->len : (uint32_t)c->header_copy_bytes;
    if (hdr > 0) stall += cpu_read(h, v, p->buf, hdr);
    vs_time_ps t = cpu_piece(h, w, net->stage_netfront, c->rx_instr, stall);
    return t + cpu_piece(h, w, vif->stack->stage_tcp_rx, stack_rx_cost(net, p), 0);
  }
  uint32_t tx = vif->tx.rsp_prod - vif->tx.rsp_cons;
  uint32_t post = netfront_rx_to_post(vif);
  double instr = c->poll_instr + c->tx_gc_instr * tx + (post >= vif->rx_target / 2 ? c->refill_instr * post : 0);
  return cpu_time(h, instr, 0);
}

static bool netfront_poll_done(host_t *h, vcpu_t *v, work_t *w) {
  vif_t *vif = w->ctx;
  net_t *net = vif->net;
  const netfront_cfg *c = &net->cfg->netfront;
  if (ring_unconsumed_responses(&vif->rx) > 0 && vif->front_polled < (uint32_t)c->napi_weight) {
    uint32_t slot = vif->rx.rsp_cons & vif->rx.mask;
    pkt_t *p = vif->rx_rsp_pkt[slot];
    vif->rx_rsp_pkt[slot] = NULL;
    vif->rx.rsp_cons += netback_slots(net, p->len);
    vif->front_polled++;
    stats_tw_set(&vif->rx_ring_posted, sim_now(net->sim), (double)(vif->rx.req_prod_pvt - vif->rx.rsp_prod));
    tcp_input(net, p);
    return true;
  }
  netfront_tx_gc(net, vif, v);
  /* Few responses for many posted buffers: lower the target. */
  if (vif->rx.req_prod_pvt - vif->rx.rsp_prod > 3 * vif->rx_target / 4 &&
      --vif->rx_target < (uint32_t)c->rx_target_min)
    vif->rx_target = (uint32_t)c->rx_target_min;
  netfront_refill(net, vif, v);
  if (vif->front_polled >= (uint32_t)c->napi_weight) {
    vif->front_polled = 0;
    cpu_enqueue(h, v, w); /* budget used: come back after other softirq work */
    return false;
  }
  vif->front_polled = 0;
  bool more = ring_final_check_responses(&vif->rx);
  if (vif->tx.rsp_prod != vif->tx.rsp_cons) more = true;
  return more;
}

void netfront_init(net_t *net, vif_t *vif) {
  const netfront_cfg *c = &net->cfg->netfront;
  vif->rx_target = (uint32_t)c->rx_target;
  vif->pages = (buf_pool){NULL, 0, 0, 0, net->buf_bytes, CACHE_PKT, net->h->cache};
  cpu_work_init(&vif->front_poll, netfront_poll_start, netfront_poll_done, vif, net->stage_netfront, WORK_KERNEL);
  stats_tw_init(&vif->rx_ring_posted, sim_now(net->sim), 0);
  /* At connection the front end posts its buffers (and netback sees them with no event). */
  uint32_t n = netfront_rx_to_post(vif);
  for (uint32_t i = 0; i < n; i++) {
    vif->rx_req_page[vif->rx.req_prod_pvt & vif->rx.mask] = buf_get(&vif->pages);
    vif->rx.req_prod_pvt++;
  }
  ring_push_requests(&vif->rx);
  stats_tw_set(&vif->rx_ring_posted, sim_now(net->sim), (double)n);
}
