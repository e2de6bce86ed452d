/* nic.c: an 82598-class 10GbE NIC and its driver (ixgbe in the 2.6.24 era): RX and TX
 * descriptor rings, DMA into the driver's buffers, interrupt throttling, NAPI polling.
 *
 * RX: a frame that finds no free descriptor is dropped. Otherwise it is DMAed into a buffer
 * (memory only: no cache holds it) and, if interrupts are enabled, an interrupt is raised no
 * sooner than rx_itr_us after the previous one. The interrupt reaches the driver's VCPU as an
 * event channel (pirq); its handler schedules the NAPI poll and leaves interrupts off. The
 * poll handles one packet per step (driver, then the bridge and netback, or the native stack)
 * up to napi_weight per round, re-queues itself behind other softirq work, and re-enables
 * interrupts when the ring is empty. TX: up to tx_ring frames queued to the wire, the rest in
 * the device's qdisc (txqueuelen); completions are cleaned by the poll, which a TX interrupt
 * (tx_itr_us) schedules when the driver is otherwise idle. */
#include "cpu.h"
#include "evtchn.h"
#include "net.h"

#define NIC_OFF(f) offsetof(nic_cfg, f)
const cfg_param nic_params[] = {
    {"rx_ring", CFG_INT, "", 8, 65536, "1024", "RX descriptors", NIC_OFF(rx_ring), NULL},
    {"tx_ring", CFG_INT, "", 8, 65536, "1024", "TX descriptors", NIC_OFF(tx_ring), NULL},
    {"rx_itr_us", CFG_FLOAT, "us", 0, 1e6, "125", "minimum interval between RX interrupts (throttling)", NIC_OFF(rx_itr_us), NULL},
    {"tx_itr_us", CFG_FLOAT, "us", 0, 1e6, "250", "minimum interval between TX interrupts", NIC_OFF(tx_itr_us), NULL},
    {"napi_weight", CFG_INT, "", 1, 4096, "64", "packets per NAPI poll round", NIC_OFF(napi_weight), NULL},
    {"txqueuelen", CFG_INT, "", 0, 1000000, "1000", "the physical device's queue (Ethernet default 1000)", NIC_OFF(txqueuelen), NULL},
    {"rx_instr", CFG_FLOAT, "", 0, 1e7, "1200", "driver instructions per received packet (estimate)", NIC_OFF(rx_instr), NULL},
    {"tx_instr", CFG_FLOAT, "", 0, 1e7, "900", "driver instructions per transmitted packet, cleaning included (estimate)", NIC_OFF(tx_instr), NULL},
    {"poll_instr", CFG_FLOAT, "", 0, 1e7, "300", "a NAPI poll round's entry and exit (estimate)", NIC_OFF(poll_instr), NULL},
    {"header_bytes", CFG_INT, "bytes", 0, 9018, "128", "bytes of each received frame the driver and stack read (Ethernet, IP, TCP headers)", NIC_OFF(header_bytes), NULL},
    {NULL, 0, NULL, 0, 0, NULL, NULL, 0, NULL},
};

static void nic_irq_fire(sim_t *sim, void *ctx, uint64_t arg);

static void nic_arm_irq(net_t *net, vs_time_ps at) {
  nic_t *n = &net->nic;
  if (!n->irq_enabled || n->irq_ev) return;
  vs_time_ps itr = (vs_time_ps)(net->cfg->nic.rx_itr_us * (double)VS_PS_PER_US + 0.5);
  vs_time_ps earliest = n->last_irq_ps + itr;
  n->irq_ev = sim_at(net->sim, at > earliest ? at : earliest, nic_irq_fire, net, 0);
}

static void nic_irq_fire(sim_t *sim, void *ctx, uint64_t arg) {
  net_t *net = ctx;
  nic_t *n = &net->nic;
  n->irq_ev = 0;
  if (!n->irq_enabled) return;
  n->irq_enabled = false;
  n->last_irq_ps = sim_now(sim);
  n->interrupts++;
  evtchn_send(net->h, n->port, NULL);
}

static void nic_irq_handler(host_t *h, void *ctx) {
  net_t *net = ctx;
  cpu_enqueue(h, net->nic.vcpu, &net->nic.napi);
}

void nic_rx_frame(net_t *net, pkt_t *p) {
  nic_t *n = &net->nic;
  if (n->rx_n == n->rx_size) {
    net_pkt_release(net, p, PKT_NIC_RX_FULL);
    return;
  }
  p->buf = buf_get(&n->bufs);
  p->buf_owner = PKT_BUF_NIC;
  cache_dma_write(net->h->cache, p->buf);
  n->rx_ring[(n->rx_head + n->rx_n) % n->rx_size] = p;
  n->rx_n++;
  stats_tw_set(&n->rx_ring_used, sim_now(net->sim), (double)n->rx_n);
  nic_arm_irq(net, sim_now(net->sim));
}

/* The poll's step: one received packet through the driver and whatever it is handed to. */
static vs_time_ps nic_napi_start(host_t *h, vcpu_t *v, work_t *w) {
  net_t *net = w->ctx;
  nic_t *n = &net->nic;
  nic_tx_clean(net);
  if (n->rx_n == 0 || n->napi_done >= (uint32_t)net->cfg->nic.napi_weight) return cpu_time(h, net->cfg->nic.poll_instr, 0);
  pkt_t *p = n->rx_ring[n->rx_head];
  /* Headers: the driver and the stack read them from the freshly DMAed buffer. */
  vs_time_ps t = cpu_piece(h, w, n->stage_rx, net->cfg->nic.rx_instr, cpu_read(h, v, p->buf, (uint32_t)net->cfg->nic.header_bytes));
  if (net->native) {
    t += cpu_piece(h, w, net->stacks[0]->stage_tcp_rx, stack_rx_cost(net, p), 0);
  } else {
    t += cpu_piece(h, w, net->stage_bridge, net->bridge.ops->cost(&net->bridge, p, 0), 0);
    int port = net->bridge.ops->route(&net->bridge, p);
    if (port >= 1)
      t += cpu_piece(h, w, net->stage_netback, netback_vif_xmit_cost(net, net->vifs[port - 1]), 0);
  }
  return t;
}

static bool nic_napi_done(host_t *h, vcpu_t *v, work_t *w) {
  net_t *net = w->ctx;
  nic_t *n = &net->nic;
  if (n->rx_n > 0 && n->napi_done < (uint32_t)net->cfg->nic.napi_weight) {
    pkt_t *p = n->rx_ring[n->rx_head];
    n->rx_head = (n->rx_head + 1) % n->rx_size;
    n->rx_n--;
    n->napi_done++;
    stats_tw_set(&n->rx_ring_used, sim_now(net->sim), (double)n->rx_n);
    if (net->native) {
      tcp_input(net, p);
    } else {
      int port = net->bridge.ops->forward(&net->bridge, p, 0);
      if (port >= 1)
        netback_vif_xmit(net, net->vifs[port - 1], p);
      else
        net_pkt_release(net, p, PKT_BRIDGE_NOPORT);
    }
    return true;
  }
  if (n->rx_n > 0) {
    /* Budget used: yield to other softirq work, then poll again. */
    n->napi_done = 0;
    cpu_enqueue(h, v, w);
    return false;
  }
  n->napi_done = 0;
  n->irq_enabled = true; /* napi_complete */
  if (n->tx_n > 0) nic_arm_irq(net, n->tx_ring[n->tx_head].done_ps);
  return false;
}

double nic_xmit_cost(const net_t *net) { return net->cfg->nic.tx_instr; }

static void nic_tx_place(net_t *net, pkt_t *p, int vif, uint16_t slot) {
  nic_t *n = &net->nic;
  vs_time_ps done = link_send(&net->link, p, 0);
  n->tx_ring[(n->tx_head + n->tx_n) % n->tx_size] = (nic_txd){done, (int16_t)vif, slot};
  n->tx_n++;
  /* A TX interrupt, tx_itr_us after completion, lets the driver clean when nothing else
   * wakes it (the RX throttle still applies: one interrupt line). */
  nic_arm_irq(net, done + (vs_time_ps)(net->cfg->nic.tx_itr_us * (double)VS_PS_PER_US + 0.5));
}

void nic_xmit(net_t *net, pkt_t *p, int vif, uint16_t slot) {
  nic_t *n = &net->nic;
  if (n->tx_n < n->tx_size && n->qdisc.n == 0) {
    nic_tx_place(net, p, vif, slot);
    return;
  }
  if (n->qdisc.n >= (uint32_t)net->cfg->nic.txqueuelen) {
    if (vif >= 0) netback_tx_done(net, vif, slot);
    net_pkt_release(net, p, PKT_NIC_TX_FULL);
    return;
  }
  p->vif = (int16_t)vif;
  p->ring_slot = slot;
  pktq_push(&n->qdisc, p);
}

void nic_tx_clean(net_t *net) {
  nic_t *n = &net->nic;
  vs_time_ps now = sim_now(net->sim);
  while (n->tx_n > 0 && n->tx_ring[n->tx_head].done_ps <= now) {
    nic_txd d = n->tx_ring[n->tx_head];
    n->tx_head = (n->tx_head + 1) % n->tx_size;
    n->tx_n--;
    if (d.vif >= 0) netback_tx_done(net, d.vif, d.slot);
  }
  while (n->qdisc.n > 0 && n->tx_n < n->tx_size) {
    pkt_t *p = pktq_pop(&n->qdisc);
    nic_tx_place(net, p, p->vif, (uint16_t)p->ring_slot);
  }
}

void nic_init(nic_t *n, net_t *net) {
  const nic_cfg *c = &net->cfg->nic;
  n->net = net;
  n->rx_size = (uint32_t)c->rx_ring;
  n->tx_size = (uint32_t)c->tx_ring;
  n->rx_ring = vs_xcalloc(n->rx_size, sizeof *n->rx_ring);
  n->tx_ring = vs_xcalloc(n->tx_size, sizeof *n->tx_ring);
  n->irq_enabled = true;
  n->last_irq_ps = -VS_PS_PER_S;
  stats_tw_init(&n->rx_ring_used, sim_now(net->sim), 0);
  domain_t *drv = net->driver;
  n->vcpu = drv->vcpus[0];
  n->port = evtchn_bind(net->h, n->vcpu, nic_irq_handler, net);
  n->stage_rx = host_stage(net->h, "driver");
  cpu_work_init(&n->napi, nic_napi_start, nic_napi_done, net, n->stage_rx, WORK_KERNEL);
  n->bufs = (buf_pool){NULL, 0, 0, 0, net->buf_bytes, CACHE_PKT, net->h->cache};
}
