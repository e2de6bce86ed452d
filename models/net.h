/* net.h: the network I/O path's shared state: the link, the NIC, the bridge, netback and its
 * vifs, netfront, the TCP stacks and flows. As host.h is for the machine, this header is shared
 * by the modules of the path (link.c, nic.c, bridge.c, netback.c, netfront.c, tcp.c, net.c);
 * each module owns its part and its parameter table.
 *
 * Receive path (remote -> guest), as in the sources named in docs/model.md:
 *   remote TCP -> link -> NIC RX ring (DMA) -> interrupt (throttled) -> driver domain's NAPI
 *   poll: driver, bridge, vif qdisc, netback start_xmit -> netback RX tasklet: grant copy
 *   into the guest's posted buffers, responses, one notification per batch -> netfront NAPI
 *   poll: TCP/IP receive -> socket -> application read.
 * Transmit path (guest -> remote): application write -> TCP -> netfront TX ring -> netback
 *   TX tasklet: grant map, header copy, bridge -> NIC TX ring -> link -> remote TCP.
 * Native mode: the NIC's NAPI poll hands packets straight to the OS's TCP/IP stack.
 */
#ifndef VS_NET_H
#define VS_NET_H

#include "cfg.h"
#include "host.h"
#include "pkt.h"
#include "ring.h"

#define NET_MAX_VIFS 15
#define NET_MAX_FLOWS 64
#define NET_RING_SIZE 256

/* ---- configuration (each table lives in its module) ---- */

typedef struct {
  double gbps;
  int64_t mtu;
  double rtt_us;
  double loss_rate;
  int64_t framing_bytes; /* Ethernet header 14 + FCS 4 + preamble 8 + gap 12 */
} link_cfg;

typedef struct {
  int64_t rx_ring, tx_ring;
  double rx_itr_us, tx_itr_us;
  int64_t napi_weight;
  int64_t txqueuelen;      /* the physical device's qdisc */
  double rx_instr, tx_instr; /* driver instructions per packet */
  double poll_instr;         /* a poll round's entry and exit */
  int64_t header_bytes;      /* bytes of a received frame the driver and stack read */
} nic_cfg;

typedef struct {
  int kind;                /* BRIDGE_LINUX */
  double input_instr;      /* br_handle_frame */
  double netfilter_instr;  /* NF_BR_PRE_ROUTING and friends, no rules */
  double learn_instr;      /* br_fdb_update */
  double lookup_instr;     /* __br_fdb_get */
  double forward_instr;    /* br_forward -> dev_queue_xmit, qdisc lock */
  double clone_instr;      /* skb_clone per extra port when flooding */
} bridge_cfg;

enum { BRIDGE_LINUX = 0 };

typedef struct {
  int64_t txqueuelen;          /* vif device queue (module parameter queue_length) */
  int mode;                    /* NETBACK_COPY or NETBACK_FLIP */
  int64_t rx_batch_slots;      /* net_rx_action batch limit */
  double xmit_instr;           /* netif_be_start_xmit */
  double rx_instr;             /* net_rx_action per packet: meta, response */
  double copy_batch_instr;     /* the multicall of one batch */
  double copy_instr;           /* GNTTABOP_copy per packet, before the bytes */
  double copy_instr_per_kib;   /* memcpy instructions per KiB copied */
  double flip_instr;           /* GNTTABOP_transfer per packet */
  double tx_instr;             /* net_tx_action per packet: map, header copy, skb */
  double tx_batch_instr;       /* map and unmap hypercalls per batch */
  int64_t tx_batch;            /* TX requests taken per batch (MAX_PENDING_REQS) */
  int64_t tx_header_bytes;     /* bytes copied from the guest's page into the skb (PKT_PROT_LEN) */
  double enqueue_instr;        /* dev_queue_xmit onto a stopped vif's qdisc */
  double dealloc_instr;        /* per TX response: unmap bookkeeping, response */
  double wake_timeout_ms;      /* queue restart timer when the guest posts no buffers */
} netback_cfg;

enum { NETBACK_COPY = 0, NETBACK_FLIP = 1 };

typedef struct {
  int64_t rx_target_min, rx_target, rx_target_max;
  int64_t napi_weight;
  double rx_instr, tx_instr, refill_instr;
  double poll_instr;         /* a poll round's closing: final check, interrupt re-enable */
  double tx_gc_instr;        /* per TX response collected */
  int64_t header_copy_bytes; /* RX_COPY_THRESHOLD */
  int64_t txqueuelen;        /* the guest's eth0 queue */
} netfront_cfg;

typedef struct {
  bool timestamps;
  bool sack;
  int64_t rcvbuf_kib, sndbuf_kib;
  int64_t init_cwnd;
  double min_rto_ms, delack_ms;
  int64_t delack_segments;
  double rx_instr, tx_instr, ack_instr; /* TCP/IP per data segment in, out; per pure ACK in or out */
  double syscall_instr, copy_instr_per_kib;
  int64_t msg_bytes; /* application read/write size */
} tcp_cfg;

typedef struct {
  char name[CFG_STR_MAX];
  char guest[CFG_STR_MAX]; /* the domain that runs the guest end */
  int direction;           /* FLOW_RECEIVE: remote -> guest; FLOW_TRANSMIT: guest -> remote */
  double start_ms;
} flow_cfg;

enum { FLOW_RECEIVE = 0, FLOW_TRANSMIT = 1 };

typedef struct {
  link_cfg link;
  nic_cfg nic;
  bridge_cfg bridge;
  netback_cfg netback;
  netfront_cfg netfront;
  tcp_cfg tcp;
  flow_cfg flows[NET_MAX_FLOWS];
  size_t n_flows;
} net_cfg;

extern const cfg_param link_params[], nic_params[], bridge_params[], netback_params[], netfront_params[],
    tcp_params[], flow_params[];

/* ---- state ---- */

typedef struct net net_t;
typedef struct stack netstack_t;
typedef struct vif vif_t;
typedef struct flow flow_t;

/* A pool of data buffers (pages) in the cache model, reused last-freed-first like a slab. */
typedef struct {
  cache_buf *free;
  uint32_t n_free, n_total, cap;
  uint32_t bytes;
  cache_kind kind;
  cache_t *cache;
} buf_pool;

cache_buf buf_get(buf_pool *bp);
void buf_put(buf_pool *bp, cache_buf b);

/* One direction of the link. */
typedef struct {
  vs_time_ps busy_until_ps;
  uint64_t frames, bytes;
} link_dir;

typedef struct {
  net_t *net;
  link_dir dir[2]; /* [1]: remote -> host, [0]: host -> remote */
  vs_time_ps prop_ps;
  double ps_per_byte;
  gsl_rng *rng;
} link_t;

/* A packet in the NIC TX ring until its last bit leaves. */
typedef struct {
  vs_time_ps done_ps;
  int16_t vif;     /* netback vif whose TX request it answers, -1 none */
  uint16_t slot;
} nic_txd;

typedef struct {
  net_t *net;
  vcpu_t *vcpu;   /* the VCPU the NIC's interrupt is bound to */
  int port;       /* its event channel (pirq) */
  /* RX */
  pkt_t **rx_ring;
  uint32_t rx_head, rx_n, rx_size;
  bool irq_enabled; /* false while NAPI polls */
  sim_event_id irq_ev;
  vs_time_ps last_irq_ps;
  work_t napi;
  uint32_t napi_done; /* packets this poll round */
  /* TX */
  pkt_queue qdisc;
  nic_txd *tx_ring;
  uint32_t tx_head, tx_n, tx_size;
  buf_pool bufs;  /* the driver domain's RX buffers */
  uint64_t interrupts;
  stats_tw rx_ring_used; /* filled RX descriptors, time-weighted */
  int stage_rx;
} nic_t;

typedef struct bridge bridge_t;
struct bridge_ops {
  const char *name;
  /* CPU cost of switching p arriving on in_port (instructions), without side effects. */
  double (*cost)(bridge_t *br, const pkt_t *p, int in_port);
  /* The port p would leave by (0: the NIC, 1 + i: vif i), -1 for none, without side effects. */
  int (*route)(const bridge_t *br, const pkt_t *p);
  /* Switch p: returns the output port (0: the NIC, 1 + i: vif i), or -1 to drop. */
  int (*forward)(bridge_t *br, pkt_t *p, int in_port);
};

struct bridge {
  net_t *net;
  const struct bridge_ops *ops;
  const bridge_cfg *cfg;
  int n_ports;
  int16_t fdb[64]; /* MAC id -> port, -1 unknown: the forwarding database */
  cache_buf fdb_buf;
  uint64_t flooded, forwarded;
};

struct vif {
  net_t *net;
  int id;
  domain_t *guest;
  netstack_t *stack;
  uint16_t mac;
  /* RX: driver domain -> guest */
  pkt_queue qdisc;
  bool queue_stopped;
  sim_event_id wake_timer;
  ring_t rx;
  uint32_t rx_req_cons_peek;      /* netback's reservation index */
  cache_buf rx_req_page[NET_RING_SIZE]; /* buffer posted with each request */
  pkt_t *rx_rsp_pkt[NET_RING_SIZE];     /* packet answering each request */
  int port_front;  /* notifications to netfront (bound to the guest's VCPU0) */
  int port_back;   /* notifications to netback (bound to the driver's VCPU0) */
  /* TX: guest -> driver domain */
  ring_t tx;
  pkt_t *tx_req_pkt[NET_RING_SIZE];
  uint16_t tx_done[NET_RING_SIZE]; /* slots transmitted, awaiting their response */
  uint32_t tx_done_n;
  /* netfront state */
  uint32_t rx_target;
  buf_pool pages;      /* the guest's pages for RX buffers */
  pkt_queue guest_qdisc; /* guest eth0 queue while the TX ring is full */
  bool front_tx_stopped;
  work_t front_poll;
  uint32_t front_polled;
  /* counters */
  uint64_t qdisc_drops, netback_drops, notify_rx, notify_tx, notify_back, rx_packets;
  stats_tw rx_ring_posted; /* buffers posted and not yet used, time-weighted */
};

/* A TCP endpoint's stack: the guest's (or native OS's) kernel networking. */
struct stack {
  net_t *net;
  domain_t *dom;
  vcpu_t *vcpu;      /* where softirq work runs (VCPU0: events are bound there) */
  vcpu_t *app_vcpu;  /* where applications run */
  vif_t *vif;        /* NULL in native mode */
  uint16_t mac;
  work_t tx_work;    /* TCP output and the driver/netfront transmit, per packet */
  pkt_queue tx_queue;
  buf_pool pages;    /* pages for socket send data */
  int stage_tcp_rx, stage_tcp_tx, stage_app;
};

typedef struct {
  uint64_t seq, len;
} tcp_range;

typedef struct {
  bool on_guest;
  uint64_t snd_una, snd_nxt, snd_max;
  uint64_t app_end;       /* bytes the application has written */
  double cwnd, ssthresh;  /* bytes */
  uint64_t rwnd;
  int dupacks;
  bool in_recovery;
  uint64_t recover;
  double srtt_ps, rttvar_ps;
  vs_time_ps rto_ps;
  uint64_t rtt_seq;
  vs_time_ps rtt_start_ps;
  bool rtt_timing;
  vs_time_ps rto_deadline_ps;
  sim_event_id rto_ev;
  vs_time_ps rto_ev_at; /* when the pending timer event fires (it may precede the deadline) */
  int backoff;
  uint64_t retransmits, timeouts, fast_retransmits;
  /* SACK scoreboard: sorted, disjoint ranges above snd_una the receiver holds */
  tcp_range sb[64];
  int n_sb;
  uint64_t rexmit_high; /* holes below this were retransmitted in this recovery */
} tcp_sender;

typedef struct {
  bool on_guest;
  uint64_t rcv_nxt;
  uint64_t queued_bytes;   /* in the socket, unread */
  pkt_queue sockq;         /* in-order packets awaiting the application (guest) */
  pkt_t *ooo;              /* out-of-order packets, sorted by seq */
  uint32_t ooo_n;
  uint32_t unacked_segs;
  uint64_t adv_right_edge; /* rcv_nxt + window last advertised */
  uint64_t last_ooo_seq;   /* latest out-of-order arrival, reported first in SACK */
  vs_time_ps delack_deadline_ps;
  sim_event_id delack_ev;
  uint64_t acks_sent, dup_acks_sent;
} tcp_receiver;

struct flow {
  net_t *net;
  int id;
  int direction;
  netstack_t *stack;
  uint16_t guest_mac, remote_mac;
  tcp_sender snd;
  tcp_receiver rcv;
  work_t app;            /* the guest application's read or write loop */
  cache_buf app_buf;     /* the application's buffer */
  cache_buf *snd_pages;  /* guest sender: pages holding the send buffer, by 4 KiB of sequence */
  uint32_t n_snd_pages;
  uint64_t app_bytes;    /* bytes the receiving application got since warm-up */
  uint64_t app_bytes_all; /* the same, never reset (for the time series) */
  uint32_t app_batch;    /* packets the application's read in progress will take */
  uint64_t app_write;    /* bytes the application's write in progress will add */
  stats_hist latency_us; /* wire to application */
};

struct net {
  sim_t *sim;
  host_t *h;
  const net_cfg *cfg;
  bool native;
  pkt_pool pool;
  link_t link;
  nic_t nic;
  bridge_t bridge;
  domain_t *driver;
  vif_t *vifs[NET_MAX_VIFS];
  int n_vifs;
  netstack_t *stacks[HOST_MAX_DOMAINS];
  int n_stacks;
  flow_t *flows[NET_MAX_FLOWS];
  int n_flows;
  uint32_t mss, buf_bytes;
  /* netback's global RX queue and tasklets (in the driver domain) */
  pkt_queue nb_rx_queue;
  uint32_t nb_rx_batch; /* packets in the batch whose copy is in progress */
  uint32_t nb_tx_batch;
  int nb_qdisc_next;
  work_t nb_rx_work, nb_tx_work, nb_qdisc_work;
  int stage_bridge, stage_netback, stage_grant_copy, stage_netfront;
  vs_time_ps stats_from_ps;
};

/* ---- functions across modules ---- */

/* link.c */
void link_init(link_t *l, net_t *net);
/* Put p on the wire in direction to_host (1: remote -> host). Returns when its last bit
 * leaves; p arrives (or is lost) a propagation delay later. */
vs_time_ps link_send(link_t *l, pkt_t *p, int to_host);
/* Bytes p occupies on the wire. */
uint32_t link_wire_bytes(const net_t *net, uint32_t payload);

/* nic.c */
void nic_init(nic_t *n, net_t *net);
void nic_rx_frame(net_t *net, pkt_t *p);          /* a frame arrives from the wire */
double nic_xmit_cost(const net_t *net);            /* driver instructions per transmitted packet */
void nic_xmit(net_t *net, pkt_t *p, int vif, uint16_t slot); /* hand to the driver for transmission */
void nic_tx_clean(net_t *net);

/* bridge.c */
void bridge_init(bridge_t *br, net_t *net);
extern const struct bridge_ops bridge_linux_ops;

/* netback.c: the driver domain's side of each vif */
void netback_init(net_t *net);
vif_t *netback_vif_new(net_t *net, domain_t *guest, netstack_t *st);
/* Deliver p to the vif's device queue (dev_queue_xmit after the bridge); if the queue is
 * running, netif_be_start_xmit runs inline. The cost of that inline work, in instructions. */
void netback_vif_xmit(net_t *net, vif_t *vif, pkt_t *p);
double netback_vif_xmit_cost(const net_t *net, const vif_t *vif);
/* Data slots a packet of len bytes takes on the RX ring (one per page). */
uint32_t netback_slots(const net_t *net, uint32_t len);
void netback_tx_done(net_t *net, int vif, uint16_t slot); /* NIC finished a guest's frame */

/* netfront.c: the guest's side */
void netfront_init(net_t *net, vif_t *vif);
/* The stack hands a packet to netfront for transmission. */
void netfront_xmit(net_t *net, vif_t *vif, pkt_t *p, vcpu_t *from);
void netfront_refill(net_t *net, vif_t *vif, vcpu_t *from);
/* Handler of the vif's event channel in the guest (netif_int). */
void netfront_irq(host_t *h, void *ctx);

/* tcp.c */
netstack_t *stack_new(net_t *net, domain_t *dom);
flow_t *flow_new(net_t *net, const flow_cfg *fc, netstack_t *st, int id);
void flow_start(net_t *net, flow_t *f);
/* A packet reaches its flow's TCP end: the remote host's (from the link) or the guest's (after
 * netfront or the native driver, whose step pays stack_rx_cost instructions for it). */
void tcp_input(net_t *net, pkt_t *p);
double stack_rx_cost(const net_t *net, const pkt_t *p);
/* Give back a packet's data buffer to whoever owns it, then free it. */
void net_pkt_release(net_t *net, pkt_t *p, pkt_reason why);

/* net.c */
/* sample_ps: the time-series interval (the goodput probe reports per interval). */
net_t *net_new(sim_t *sim, host_t *h, const net_cfg *cfg, vs_time_ps sample_ps);
void net_free(net_t *net);
void net_check_invariants(const net_t *net);

#endif
