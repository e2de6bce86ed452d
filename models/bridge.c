/* bridge.c: the software bridge in the driver domain, behind struct bridge_ops so another
 * bridge replaces one table. Port 0 is the physical NIC, port 1 + i is vif i.
 *
 * bridge_linux_ops follows Linux 2.6.24's net/bridge per packet: br_handle_frame, the bridge
 * netfilter hooks (traversed even with no rules), learning the source MAC (br_fdb_update),
 * looking up the destination (__br_fdb_get), br_forward into dev_queue_xmit with the qdisc
 * lock; an unknown destination is flooded with one skb_clone per other port. Costs are
 * instruction counts (estimates, docs/calibration.md). */
#include "net.h"

static const char *const bridge_kinds[] = {"linux", NULL};

#define BR_OFF(f) offsetof(bridge_cfg, f)
const cfg_param bridge_params[] = {
    {"kind", CFG_ENUM, "", 0, 0, "linux", "linux: the Linux bridge's full per-packet path", BR_OFF(kind), bridge_kinds},
    {"input_instr", CFG_FLOAT, "", 0, 1e7, "350", "br_handle_frame and the receive hook (estimate)", BR_OFF(input_instr), NULL},
    {"netfilter_instr", CFG_FLOAT, "", 0, 1e7, "500", "bridge netfilter hooks with no rules (estimate)", BR_OFF(netfilter_instr), NULL},
    {"learn_instr", CFG_FLOAT, "", 0, 1e7, "200", "br_fdb_update: source MAC learning (estimate)", BR_OFF(learn_instr), NULL},
    {"lookup_instr", CFG_FLOAT, "", 0, 1e7, "150", "__br_fdb_get: destination lookup (estimate)", BR_OFF(lookup_instr), NULL},
    {"forward_instr", CFG_FLOAT, "", 0, 1e7, "650", "br_forward, dev_queue_xmit, qdisc enqueue and lock (estimate)", BR_OFF(forward_instr), NULL},
    {"clone_instr", CFG_FLOAT, "", 0, 1e7, "400", "skb_clone per extra port when flooding (estimate)", BR_OFF(clone_instr), NULL},
    {NULL, 0, NULL, 0, 0, NULL, NULL, 0, NULL},
};

/* The port a MAC is really behind (remote: the NIC; vif i's guest: 1 + i). */
static int bridge_owner_port(uint16_t mac) { return mac; }

static double bridge_linux_cost(bridge_t *br, const pkt_t *p, int in_port) {
  const bridge_cfg *c = br->cfg;
  double instr = c->input_instr + c->netfilter_instr + c->learn_instr + c->lookup_instr + c->forward_instr;
  if (br->fdb[p->dst_mac] < 0) instr += c->clone_instr * (br->n_ports - 2 > 0 ? br->n_ports - 2 : 0);
  return instr;
}

/* A known destination's port; an unknown one is flooded, and only its owner's clone is kept. */
static int bridge_linux_route(const bridge_t *br, const pkt_t *p) {
  int out = br->fdb[p->dst_mac];
  if (out < 0) out = bridge_owner_port(p->dst_mac);
  return out < br->n_ports ? out : -1;
}

static int bridge_linux_forward(bridge_t *br, pkt_t *p, int in_port) {
  br->fdb[p->src_mac] = (int16_t)in_port;
  if (br->fdb[p->dst_mac] < 0) br->flooded++;
  int out = bridge_linux_route(br, p);
  if (out < 0 || out == in_port) return -1;
  br->forwarded++;
  return out;
}

const struct bridge_ops bridge_linux_ops = {"linux", bridge_linux_cost, bridge_linux_route, bridge_linux_forward};

void bridge_init(bridge_t *br, net_t *net) {
  br->net = net;
  br->cfg = &net->cfg->bridge;
  br->ops = &bridge_linux_ops;
  br->n_ports = 1 + net->n_vifs;
  for (int i = 0; i < 64; i++) br->fdb[i] = -1;
}
