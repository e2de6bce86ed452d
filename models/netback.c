/* netback.c: the driver domain's back end of each vif (XenLinux 2.6.18
 * drivers/xen/netback/{netback,interface}.c).
 *
 * Receive direction (to the guest): the bridge hands a packet to the vif device; its qdisc
 * (pfifo_fast, txqueuelen packets, default 32) feeds netif_be_start_xmit while the device
 * queue runs. start_xmit drops the packet if the guest has not posted enough RX buffers;
 * otherwise it reserves the slots, queues the packet for the RX tasklet, and when the
 * posted buffers are used up it sets rx.req_event (so the guest notifies when it posts more)
 * and stops the queue: packets then wait in the qdisc, and beyond txqueuelen are dropped.
 * A 500 ms timer restarts a queue the guest never refills. The RX tasklet (net_rx_action)
 * takes packets until the batch would exceed rx_batch_slots, grant-copies them into the
 * guest's buffers in one multicall (the copy's cost comes from the cache model: reading the
 * driver's buffer, writing the guest's page), writes the responses, notifies each vif once
 * per batch if the guest's event index was crossed, wakes stopped queues that have room,
 * and runs again while packets remain. Page flipping (GNTTABOP_transfer) is the option.
 *
 * Transmit direction (from the guest): the guest's notification schedules the TX tasklet
 * (net_tx_action), which maps the requested grants in batches, copies the headers, builds
 * skbs and hands them to the bridge; when the NIC has sent a frame its response is written
 * and the guest notified (RING_PUSH_RESPONSES_AND_CHECK_NOTIFY). */
#include "cpu.h"
#include "evtchn.h"
#include "net.h"

static const char *const netback_modes[] = {"copy", "flip", NULL};

#define NB_OFF(f) offsetof(netback_cfg, f)
const cfg_param netback_params[] = {
    {"txqueuelen", CFG_INT, "", 0, 1000000, "32", "vif device queue length (module parameter queue_length)", NB_OFF(txqueuelen), NULL},
    {"mode", CFG_ENUM, "", 0, 0, "copy", "copy: GNTTABOP_copy into the guest's buffer; flip: GNTTABOP_transfer of the page", NB_OFF(mode), netback_modes},
    {"rx_batch_slots", CFG_INT, "", 1, 256, "238", "net_rx_action batch: 256 slots minus one packet's worst case", NB_OFF(rx_batch_slots), NULL},
    {"xmit_instr", CFG_FLOAT, "", 0, 1e7, "450", "netif_be_start_xmit per packet (estimate)", NB_OFF(xmit_instr), NULL},
    {"rx_instr", CFG_FLOAT, "", 0, 1e7, "700", "net_rx_action per packet: copy descriptor, response, skb free (estimate)", NB_OFF(rx_instr), NULL},
    {"copy_batch_instr", CFG_FLOAT, "", 0, 1e7, "2500", "the grant-copy multicall per batch: hypercall entry and exit (estimate)", NB_OFF(copy_batch_instr), NULL},
    {"copy_instr", CFG_FLOAT, "", 0, 1e7, "1500", "GNTTABOP_copy per packet: grant checks, page lookups and mapping (estimate)", NB_OFF(copy_instr), NULL},
    {"copy_instr_per_kib", CFG_FLOAT, "", 0, 1e6, "80", "memcpy instructions per KiB, cache stalls excluded (estimate)", NB_OFF(copy_instr_per_kib), NULL},
    {"flip_instr", CFG_FLOAT, "", 0, 1e7, "6000", "GNTTABOP_transfer per packet: page table and TLB work (estimate)", NB_OFF(flip_instr), NULL},
    {"tx_instr", CFG_FLOAT, "", 0, 1e7, "1800", "net_tx_action per packet: grant map, header copy, skb build, unmap (estimate)", NB_OFF(tx_instr), NULL},
    {"tx_batch_instr", CFG_FLOAT, "", 0, 1e7, "3000", "map and unmap hypercalls per TX batch (estimate)", NB_OFF(tx_batch_instr), NULL},
    {"tx_batch", CFG_INT, "", 1, 256, "256", "TX requests mapped per batch (MAX_PENDING_REQS)", NB_OFF(tx_batch), NULL},
    {"tx_header_bytes", CFG_INT, "bytes", 0, 4096, "64", "bytes of each TX packet copied into the skb head (PKT_PROT_LEN)", NB_OFF(tx_header_bytes), NULL},
    {"enqueue_instr", CFG_FLOAT, "", 0, 1e7, "150", "dev_queue_xmit onto a stopped vif's qdisc (estimate)", NB_OFF(enqueue_instr), NULL},
    {"dealloc_instr", CFG_FLOAT, "", 0, 1e7, "300", "per TX response: unmap bookkeeping and the response (estimate)", NB_OFF(dealloc_instr), NULL},
    {"wake_timeout_ms", CFG_FLOAT, "ms", 1, 1e6, "500", "timer that restarts a stopped vif queue", NB_OFF(wake_timeout_ms), NULL},
    {NULL, 0, NULL, 0, 0, NULL, NULL, 0, NULL},
};

uint32_t netback_slots(const net_t *net, uint32_t len) {
  if (net->cfg->netback.mode == NETBACK_FLIP) return 1;
  return len == 0 ? 1 : 1 + (len - 1) / 4096;
}

/* Slots the largest packet needs (netbk_max_required_rx_slots). */
static uint32_t netback_max_slots(const net_t *net) { return netback_slots(net, net->mss); }

static bool netback_queue_full(const net_t *net, const vif_t *vif) {
  return vif->rx.req_prod - vif->rx_req_cons_peek < netback_max_slots(net);
}

static vcpu_t *netback_vcpu(const net_t *net) { return net->driver->vcpus[0]; }

static void netback_wake_queue(net_t *net, vif_t *vif) {
  if (!vif->queue_stopped) return;
  vif->queue_stopped = false;
  if (vif->wake_timer) sim_cancel(net->sim, vif->wake_timer);
  vif->wake_timer = 0;
  if (vif->qdisc.n > 0) cpu_enqueue(net->h, netback_vcpu(net), &net->nb_qdisc_work);
}

static void netback_wake_timer(sim_t *sim, void *ctx, uint64_t arg) {
  vif_t *vif = ctx;
  vif->wake_timer = 0;
  netback_wake_queue(vif->net, vif);
}

/* netif_be_start_xmit */
static void netback_start_xmit(net_t *net, vif_t *vif, pkt_t *p) {
  uint32_t need = netback_slots(net, p->len);
  if (vif->rx.req_prod - vif->rx_req_cons_peek < need) {
    vif->netback_drops++;
    net_pkt_release(net, p, PKT_NETBACK_DROP);
    return;
  }
  vif->rx_req_cons_peek += need;
  p->vif = (int16_t)vif->id;
  pktq_push(&net->nb_rx_queue, p);
  cpu_enqueue(net->h, netback_vcpu(net), &net->nb_rx_work);
  if (netback_queue_full(net, vif)) {
    vif->rx.req_event = vif->rx_req_cons_peek + netback_max_slots(net);
    vif->queue_stopped = true;
    vs_time_ps t = (vs_time_ps)(net->cfg->netback.wake_timeout_ms * (double)VS_PS_PER_MS);
    if (!vif->wake_timer) vif->wake_timer = sim_after(net->sim, t, netback_wake_timer, vif, 0);
  }
}

double netback_vif_xmit_cost(const net_t *net, const vif_t *vif) {
  if (!vif->queue_stopped && vif->qdisc.n == 0) return net->cfg->netback.xmit_instr;
  return net->cfg->netback.enqueue_instr; /* onto the stopped device's qdisc */
}

void netback_vif_xmit(net_t *net, vif_t *vif, pkt_t *p) {
  if (vif->queue_stopped || vif->qdisc.n > 0) {
    if (vif->qdisc.n >= (uint32_t)net->cfg->netback.txqueuelen) {
      vif->qdisc_drops++;
      net_pkt_release(net, p, PKT_VIF_QUEUE);
      return;
    }
    pktq_push(&vif->qdisc, p);
    VS_ASSERT(vif->qdisc.n <= (uint32_t)net->cfg->netback.txqueuelen, "vif %d qdisc %u", vif->id, vif->qdisc.n);
    return;
  }
  netback_start_xmit(net, vif, p);
}

/* qdisc_run (NET_TX softirq) for woken vifs: one packet per step. */
static vif_t *netback_qdisc_pick(net_t *net) {
  for (int k = 0; k < net->n_vifs; k++) {
    vif_t *vif = net->vifs[(net->nb_qdisc_next + k) % net->n_vifs];
    if (vif->qdisc.n > 0 && !vif->queue_stopped) return vif;
  }
  return NULL;
}

static vs_time_ps netback_qdisc_start(host_t *h, vcpu_t *v, work_t *w) {
  net_t *net = w->ctx;
  return netback_qdisc_pick(net) ? cpu_time(h, net->cfg->netback.enqueue_instr + net->cfg->netback.xmit_instr, 0) : 0;
}

static bool netback_qdisc_done(host_t *h, vcpu_t *v, work_t *w) {
  net_t *net = w->ctx;
  vif_t *vif = netback_qdisc_pick(net);
  if (!vif) return false;
  net->nb_qdisc_next = (vif->id + 1) % net->n_vifs;
  netback_start_xmit(net, vif, pktq_pop(&vif->qdisc));
  return netback_qdisc_pick(net) != NULL;
}

/* ---- RX tasklet: net_rx_action ---- */

static vs_time_ps netback_rx_start(host_t *h, vcpu_t *v, work_t *w) {
  net_t *net = w->ctx;
  const netback_cfg *c = &net->cfg->netback;
  uint32_t offs[NET_MAX_VIFS] = {0};
  uint32_t slots = 0, n = 0;
  double instr = 0, stall = 0, copy_instr = c->copy_batch_instr, copy_stall = 0;
  for (pkt_t *p = net->nb_rx_queue.head; p; p = p->next) {
    uint32_t s = netback_slots(net, p->len);
    if (n > 0 && slots + s > (uint32_t)c->rx_batch_slots) break;
    slots += s;
    n++;
    vif_t *vif = net->vifs[p->vif];
    cache_buf page = vif->rx_req_page[(vif->rx.req_cons + offs[p->vif]) & vif->rx.mask];
    offs[p->vif] += s;
    instr += c->rx_instr;
    if (c->mode == NETBACK_COPY) {
      copy_instr += c->copy_instr + c->copy_instr_per_kib * p->len / 1024.0;
      copy_stall += cpu_read(h, v, p->buf, p->len) + cpu_write(h, v, page, p->len);
    } else {
      copy_instr += c->flip_instr;
    }
    stall += cpu_write(h, v, vif->rx.page, 16); /* the response */
  }
  net->nb_rx_batch = n;
  if (n == 0) return 0;
  return cpu_piece(h, w, net->stage_grant_copy, copy_instr, copy_stall) +
         cpu_piece(h, w, net->stage_netback, instr, stall);
}

static bool netback_rx_done(host_t *h, vcpu_t *v, work_t *w) {
  net_t *net = w->ctx;
  bool touched[NET_MAX_VIFS] = {false};
  for (uint32_t k = 0; k < net->nb_rx_batch; k++) {
    pkt_t *p = pktq_pop(&net->nb_rx_queue);
    VS_ASSERT(p != NULL, "netback RX batch of %u ran short at %u", net->nb_rx_batch, k);
    vif_t *vif = net->vifs[p->vif];
    uint32_t s = netback_slots(net, p->len);
    uint32_t slot = vif->rx.req_cons & vif->rx.mask;
    cache_buf page = vif->rx_req_page[slot];
    VS_ASSERT(vif->rx.req_cons + s <= vif->rx.req_prod, "vif %d consumes unposted requests", vif->id);
    vif->rx.req_cons += s;
    if (net->cfg->netback.mode == NETBACK_COPY) {
      buf_put(&net->nic.bufs, p->buf); /* the driver's buffer is free once copied */
      p->buf = page;
    } else {
      buf_put(&net->nic.bufs, page); /* flip: the guest's page goes to the driver, ours to it */
    }
    p->buf_owner = PKT_BUF_VIF;
    for (uint32_t i = 1; i < s; i++) buf_put(&vif->pages, vif->rx_req_page[(slot + i) & vif->rx.mask]);
    vif->rx_rsp_pkt[vif->rx.rsp_prod_pvt & vif->rx.mask] = p;
    vif->rx.rsp_prod_pvt += s;
    vif->rx_packets++;
    touched[vif->id] = true;
  }
  for (int i = 0; i < net->n_vifs; i++) {
    if (!touched[i]) continue;
    vif_t *vif = net->vifs[i];
    if (ring_push_responses(&vif->rx)) {
      vif->notify_rx++;
      evtchn_send(h, vif->port_front, v);
    }
    if (vif->queue_stopped && !netback_queue_full(net, vif)) netback_wake_queue(net, vif);
  }
  net->nb_rx_batch = 0;
  return net->nb_rx_queue.n > 0;
}

/* ---- TX tasklet: net_tx_action and its dealloc ---- */

static vs_time_ps netback_tx_start(host_t *h, vcpu_t *v, work_t *w) {
  net_t *net = w->ctx;
  const netback_cfg *c = &net->cfg->netback;
  double instr = 0, stall = 0, br_instr = 0, drv_instr = 0;
  uint32_t n = 0, dealloc = 0;
  for (int i = 0; i < net->n_vifs; i++) {
    vif_t *vif = net->vifs[i];
    dealloc += vif->tx_done_n;
    uint32_t avail = ring_unconsumed_requests(&vif->tx);
    for (uint32_t k = 0; k < avail && n < (uint32_t)c->tx_batch; k++, n++) {
      pkt_t *p = vif->tx_req_pkt[(vif->tx.req_cons + k) & vif->tx.mask];
      instr += c->tx_instr;
      br_instr += net->bridge.ops->cost(&net->bridge, p, 1 + i);
      drv_instr += nic_xmit_cost(net);
      stall += cpu_read(h, v, vif->tx.page, 16);
      if (p->buf != CACHE_NO_BUF) stall += cpu_read(h, v, p->buf, (uint32_t)c->tx_header_bytes);
    }
  }
  net->nb_tx_batch = n;
  if (n == 0 && dealloc == 0) return 0;
  instr += c->tx_batch_instr + c->dealloc_instr * dealloc;
  return cpu_piece(h, w, net->stage_netback, instr, stall) + cpu_piece(h, w, net->stage_bridge, br_instr, 0) +
         cpu_piece(h, w, net->nic.stage_rx, drv_instr, 0);
}

static bool netback_tx_done_step(host_t *h, vcpu_t *v, work_t *w) {
  net_t *net = w->ctx;
  uint32_t n = net->nb_tx_batch;
  net->nb_tx_batch = 0;
  for (int i = 0; i < net->n_vifs && n > 0; i++) {
    vif_t *vif = net->vifs[i];
    while (n > 0 && ring_unconsumed_requests(&vif->tx) > 0) {
      uint32_t slot = vif->tx.req_cons & vif->tx.mask;
      pkt_t *p = vif->tx_req_pkt[slot];
      vif->tx_req_pkt[slot] = NULL;
      vif->tx.req_cons++;
      n--;
      int port = net->bridge.ops->forward(&net->bridge, p, 1 + i);
      if (port == 0) {
        nic_xmit(net, p, i, (uint16_t)slot);
      } else if (port >= 1) {
        netback_tx_done(net, i, (uint16_t)slot);
        netback_vif_xmit(net, net->vifs[port - 1], p);
      } else {
        netback_tx_done(net, i, (uint16_t)slot);
        net_pkt_release(net, p, PKT_BRIDGE_NOPORT);
      }
    }
  }
  bool more = false;
  for (int i = 0; i < net->n_vifs; i++) {
    vif_t *vif = net->vifs[i];
    if (vif->tx_done_n > 0) {
      vif->tx.rsp_prod_pvt += vif->tx_done_n;
      vif->tx_done_n = 0;
      if (ring_push_responses(&vif->tx)) {
        vif->notify_tx++;
        evtchn_send(h, vif->port_front, v);
      }
    }
    if (ring_final_check_requests(&vif->tx)) more = true;
  }
  return more;
}

void netback_tx_done(net_t *net, int vif, uint16_t slot) {
  vif_t *vf = net->vifs[vif];
  VS_ASSERT(vf->tx_done_n < NET_RING_SIZE, "vif %d: %u TX completions", vif, vf->tx_done_n);
  vf->tx_done[vf->tx_done_n++] = slot;
  cpu_enqueue(net->h, netback_vcpu(net), &net->nb_tx_work);
}

/* netif_be_int: the guest posted RX buffers or TX requests. */
static void netback_irq(host_t *h, void *ctx) {
  vif_t *vif = ctx;
  net_t *net = vif->net;
  if (ring_unconsumed_requests(&vif->tx) > 0) cpu_enqueue(h, netback_vcpu(net), &net->nb_tx_work);
  if (vif->queue_stopped && !netback_queue_full(net, vif)) netback_wake_queue(net, vif);
}

void netback_init(net_t *net) {
  int stage = net->stage_netback;
  cpu_work_init(&net->nb_rx_work, netback_rx_start, netback_rx_done, net, net->stage_grant_copy, WORK_KERNEL);
  cpu_work_init(&net->nb_tx_work, netback_tx_start, netback_tx_done_step, net, stage, WORK_KERNEL);
  cpu_work_init(&net->nb_qdisc_work, netback_qdisc_start, netback_qdisc_done, net, stage, WORK_KERNEL);
}

vif_t *netback_vif_new(net_t *net, domain_t *guest, netstack_t *st) {
  VS_ASSERT(net->n_vifs < NET_MAX_VIFS, "more than %d vifs", NET_MAX_VIFS);
  vif_t *vif = vs_xcalloc(1, sizeof *vif);
  vif->net = net;
  vif->id = net->n_vifs;
  vif->guest = guest;
  vif->stack = st;
  vif->mac = (uint16_t)(1 + vif->id);
  ring_init(&vif->rx, NET_RING_SIZE, cache_buf_new(net->h->cache, 4096, CACHE_RING));
  ring_init(&vif->tx, NET_RING_SIZE, cache_buf_new(net->h->cache, 4096, CACHE_RING));
  vif->port_front = evtchn_bind(net->h, guest->vcpus[0], netfront_irq, vif);
  vif->port_back = evtchn_bind(net->h, net->driver->vcpus[0], netback_irq, vif);
  net->vifs[net->n_vifs++] = vif;
  return vif;
}
