/* link.c: a full-duplex Ethernet link between the host's NIC and the remote host. Each
 * direction serialises frames back to back at the line rate: a frame of N payload bytes
 * occupies max(N + 40 + 12, 46) + 38 bytes on the wire (IP and TCP headers, TCP timestamps
 * when on; Ethernet header, FCS, preamble and inter-frame gap), so at MTU 1500 a full frame
 * takes 1538 bytes, 1.2304 us at 10 Gbit/s. Propagation is half the round-trip time. Frames
 * are lost at random with probability loss_rate (the frame still used the wire). One event per
 * frame: its arrival. */
#include <gsl/gsl_rng.h>

#include "net.h"

#define LINK_OFF(f) offsetof(link_cfg, f)
const cfg_param link_params[] = {
    {"gbps", CFG_FLOAT, "gbps", 0.001, 1000, "10", "line rate", LINK_OFF(gbps), NULL},
    {"mtu", CFG_INT, "bytes", 576, 9000, "1500", "IP MTU (1500 standard, 9000 jumbo)", LINK_OFF(mtu), NULL},
    {"rtt_us", CFG_FLOAT, "us", 0, 1e6, "20", "round-trip propagation time, both directions", LINK_OFF(rtt_us), NULL},
    {"loss_rate", CFG_FLOAT, "", 0, 0.5, "0", "probability that a frame is lost on the wire", LINK_OFF(loss_rate), NULL},
    {"framing_bytes", CFG_INT, "bytes", 0, 1000, "38", "per-frame overhead: header 14, FCS 4, preamble 8, gap 12", LINK_OFF(framing_bytes), NULL},
    {NULL, 0, NULL, 0, 0, NULL, NULL, 0, NULL},
};

uint32_t link_wire_bytes(const net_t *net, uint32_t payload) {
  uint32_t ip = payload + 40 + (net->cfg->tcp.timestamps ? 12 : 0);
  if (ip < 46) ip = 46;
  return ip + (uint32_t)net->cfg->link.framing_bytes;
}

void link_init(link_t *l, net_t *net) {
  l->net = net;
  l->prop_ps = (vs_time_ps)(net->cfg->link.rtt_us * (double)VS_PS_PER_US / 2 + 0.5);
  l->ps_per_byte = 8000.0 / net->cfg->link.gbps;
  l->rng = sim_rng(net->sim, "link.loss");
}

static void link_arrive_host(sim_t *sim, void *ctx, uint64_t arg) {
  nic_rx_frame(ctx, (pkt_t *)(uintptr_t)arg);
}

static void link_arrive_remote(sim_t *sim, void *ctx, uint64_t arg) {
  tcp_input(ctx, (pkt_t *)(uintptr_t)arg);
}

vs_time_ps link_send(link_t *l, pkt_t *p, int to_host) {
  net_t *net = l->net;
  link_dir *d = &l->dir[to_host];
  vs_time_ps now = sim_now(net->sim);
  vs_time_ps start = d->busy_until_ps > now ? d->busy_until_ps : now;
  uint32_t bytes = link_wire_bytes(net, p->len);
  vs_time_ps done = start + (vs_time_ps)((double)bytes * l->ps_per_byte + 0.5);
  d->busy_until_ps = done;
  d->frames++;
  d->bytes += bytes;
  p->wire_ps = done;
  if (net->cfg->link.loss_rate > 0 && gsl_rng_uniform(l->rng) < net->cfg->link.loss_rate) {
    net_pkt_release(net, p, PKT_LINK_LOSS);
    return done;
  }
  sim_at(net->sim, done + l->prop_ps, to_host ? link_arrive_host : link_arrive_remote, net, (uint64_t)(uintptr_t)p);
  return done;
}
