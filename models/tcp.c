/* tcp.c: TCP endpoints and the stack they run in.
 *
 * TCP is NewReno (RFC 6582): slow start by one segment per ACK of new data, congestion
 * avoidance by one segment per window, fast retransmit on the third duplicate ACK with window
 * inflation and partial-ACK retransmission, a retransmission timeout from Jacobson/Karels RTT
 * estimation (Karn's rule, Linux's 200 ms minimum, exponential backoff) with go-back-N after
 * it. With tcp.sack on (Linux's default), receivers report up to four SACK blocks and the
 * sender recovers as RFC 6675 does, simplified: on entering recovery cwnd = ssthresh; every
 * hole below the highest SACKed byte counts as lost; while the pipe (outstanding bytes not
 * SACKed and not lost, plus retransmissions) has room, the next unretransmitted hole is sent,
 * then new data. Without SACK, NewReno recovers one hole per round trip. Receivers delay ACKs
 * (one per delack_segments full segments or delack_ms), ACK at once on out-of-order data or
 * when filling a hole, advertise the free socket buffer and send a window update when a read
 * doubles a window that had fallen below half the buffer (tcp_cleanup_rbuf). Connections start
 * established; handshakes and FINs are not modelled.
 *
 * The remote host runs its ends with no CPU limit: it reacts when a frame arrives. The guest's
 * (or native OS's) ends cost CPU: received packets are charged in the step that delivers them
 * (netfront's poll or the native driver's), sent packets in the stack's transmit step, and the
 * application's reads and writes (a netperf-like loop of msg_bytes calls copying to or from its
 * buffer) in user steps on the domain's last VCPU. */
#include <math.h>
#include <string.h>

#include "cpu.h"
#include "net.h"

#define TCP_OFF(f) offsetof(tcp_cfg, f)
const cfg_param tcp_params[] = {
    {"timestamps", CFG_BOOL, "", 0, 0, "true", "TCP timestamps option (12 bytes per segment; Linux default on)", TCP_OFF(timestamps), NULL},
    {"sack", CFG_BOOL, "", 0, 0, "true", "selective acknowledgements and SACK-based loss recovery (Linux default on); false: NewReno only", TCP_OFF(sack), NULL},
    {"rcvbuf_kib", CFG_INT, "kib", 1, 1048576, "1024", "receive socket buffer: the largest window advertised", TCP_OFF(rcvbuf_kib), NULL},
    {"sndbuf_kib", CFG_INT, "kib", 4, 1048576, "1024", "send socket buffer of a guest sender", TCP_OFF(sndbuf_kib), NULL},
    {"init_cwnd", CFG_INT, "", 1, 1000, "3", "initial congestion window, segments (RFC 3390 for 1460-byte segments)", TCP_OFF(init_cwnd), NULL},
    {"min_rto_ms", CFG_FLOAT, "ms", 1, 1e5, "200", "least retransmission timeout (Linux TCP_RTO_MIN)", TCP_OFF(min_rto_ms), NULL},
    {"delack_ms", CFG_FLOAT, "ms", 0.1, 1e4, "40", "delayed ACK timer (Linux TCP_DELACK_MIN)", TCP_OFF(delack_ms), NULL},
    {"delack_segments", CFG_INT, "", 1, 64, "2", "full segments received per ACK", TCP_OFF(delack_segments), NULL},
    {"rx_instr", CFG_FLOAT, "", 0, 1e7, "2600", "IP and TCP receive per data segment, ACK decision included (estimate)", TCP_OFF(rx_instr), NULL},
    {"tx_instr", CFG_FLOAT, "", 0, 1e7, "2200", "TCP output and IP per data segment sent (estimate)", TCP_OFF(tx_instr), NULL},
    {"ack_instr", CFG_FLOAT, "", 0, 1e7, "1300", "building and sending, or receiving and processing, a pure ACK (estimate)", TCP_OFF(ack_instr), NULL},
    {"syscall_instr", CFG_FLOAT, "", 0, 1e7, "1500", "a read or write system call, entry to exit, copy excluded (estimate)", TCP_OFF(syscall_instr), NULL},
    {"copy_instr_per_kib", CFG_FLOAT, "", 0, 1e6, "80", "socket copy instructions per KiB, cache stalls excluded (estimate)", TCP_OFF(copy_instr_per_kib), NULL},
    {"msg_bytes", CFG_INT, "bytes", 1, 16777216, "65536", "application read/write size (netperf -m/-M)", TCP_OFF(msg_bytes), NULL},
    {NULL, 0, NULL, 0, 0, NULL, NULL, 0, NULL},
};

static const char *const flow_directions[] = {"receive", "transmit", NULL};

#define FLOW_OFF(f) offsetof(flow_cfg, f)
const cfg_param flow_params[] = {
    {"name", CFG_STR, "", 0, 0, NULL, "the flow's name", FLOW_OFF(name), NULL},
    {"guest", CFG_STR, "", 0, 0, NULL, "the domain running the guest end", FLOW_OFF(guest), NULL},
    {"direction", CFG_ENUM, "", 0, 0, "receive", "receive: remote host -> guest; transmit: guest -> remote host", FLOW_OFF(direction), flow_directions},
    {"start_ms", CFG_FLOAT, "ms", 0, 1e9, "0", "when the transfer starts", FLOW_OFF(start_ms), NULL},
    {NULL, 0, NULL, 0, 0, NULL, NULL, 0, NULL},
};

#define TCP_INFINITE (UINT64_C(1) << 62)

static double tcp_mss(const net_t *net) { return (double)net->mss; }

/* ---- sending packets from either end ---- */

static pkt_t *tcp_pkt(net_t *net, flow_t *f, bool from_remote) {
  pkt_t *p = pkt_alloc(&net->pool);
  p->flow = (uint16_t)f->id;
  p->to_guest = from_remote;
  p->src_mac = from_remote ? f->remote_mac : f->guest_mac;
  p->dst_mac = from_remote ? f->guest_mac : f->remote_mac;
  return p;
}

/* Emit p from its end: the remote host puts it on the wire, the guest's stack queues it for its
 * transmit step. */
static void tcp_emit(net_t *net, flow_t *f, pkt_t *p) {
  if (p->to_guest) {
    link_send(&net->link, p, 1);
  } else {
    netstack_t *st = f->stack;
    pktq_push(&st->tx_queue, p);
    cpu_enqueue(net->h, st->vcpu, &st->tx_work);
  }
}

static void tcp_send_segment(net_t *net, flow_t *f, uint64_t seq, uint32_t len, bool retrans) {
  bool from_remote = f->direction == FLOW_RECEIVE;
  pkt_t *p = tcp_pkt(net, f, from_remote);
  p->seq = seq;
  p->len = len;
  p->retransmit = retrans;
  p->wnd = (uint32_t)(net->cfg->tcp.rcvbuf_kib * 1024);
  if (!from_remote) p->buf = f->snd_pages[(seq / 4096) % f->n_snd_pages];
  if (retrans) f->snd.retransmits++;
  tcp_emit(net, f, p);
}

static uint64_t tcp_window_free(const net_t *net, const tcp_receiver *r) {
  uint64_t buf = (uint64_t)net->cfg->tcp.rcvbuf_kib * 1024;
  return r->queued_bytes >= buf ? 0 : buf - r->queued_bytes;
}

static void tcp_send_ack(net_t *net, flow_t *f) {
  tcp_receiver *r = &f->rcv;
  bool from_remote = f->direction == FLOW_TRANSMIT;
  pkt_t *p = tcp_pkt(net, f, from_remote);
  p->flags = PKT_ACK;
  p->ack = r->rcv_nxt;
  uint64_t w = tcp_window_free(net, r);
  p->wnd = (uint32_t)w;
  r->adv_right_edge = r->rcv_nxt + w;
  r->unacked_segs = 0;
  r->acks_sent++;
  if (net->cfg->tcp.sack && r->ooo) {
    /* Merge the out-of-order queue into ranges; the one holding the latest arrival first,
     * then the others from the highest down (RFC 2018). */
    uint64_t lo[64], hi[64];
    int n = 0;
    for (pkt_t *q = r->ooo; q; q = q->next) {
      if (n > 0 && q->seq <= hi[n - 1]) {
        if (q->seq + q->len > hi[n - 1]) hi[n - 1] = q->seq + q->len;
      } else if (n < 64) {
        lo[n] = q->seq;
        hi[n++] = q->seq + q->len;
      }
    }
    int first = -1;
    for (int i = 0; i < n; i++)
      if (r->last_ooo_seq >= lo[i] && r->last_ooo_seq < hi[i]) first = i;
    if (first >= 0) {
      p->sack_lo[p->n_sack] = lo[first];
      p->sack_hi[p->n_sack++] = hi[first];
    }
    for (int i = n - 1; i >= 0 && p->n_sack < 4; i--) {
      if (i == first) continue;
      p->sack_lo[p->n_sack] = lo[i];
      p->sack_hi[p->n_sack++] = hi[i];
    }
  }
  tcp_emit(net, f, p);
}

/* ---- sender ---- */

static void tcp_rto_fire(sim_t *sim, void *ctx, uint64_t arg);

/* The timer is lazy: re-arming moves a deadline, and the pending event, when it fires early,
 * re-schedules itself for the deadline. Only a deadline earlier than the pending event moves
 * the event. */
static void tcp_arm_rto(net_t *net, flow_t *f) {
  tcp_sender *s = &f->snd;
  s->rto_deadline_ps = sim_now(net->sim) + (s->rto_ps << s->backoff);
  if (s->rto_ev && s->rto_ev_at > s->rto_deadline_ps) {
    sim_cancel(net->sim, s->rto_ev);
    s->rto_ev = 0;
  }
  if (!s->rto_ev) {
    s->rto_ev = sim_at(net->sim, s->rto_deadline_ps, tcp_rto_fire, f, 0);
    s->rto_ev_at = s->rto_deadline_ps;
  }
}

/* ---- SACK scoreboard ---- */

static void tcp_sb_add(tcp_sender *s, uint64_t lo, uint64_t hi) {
  if (hi <= s->snd_una) return;
  if (lo < s->snd_una) lo = s->snd_una;
  tcp_range out[64];
  int n = 0;
  bool placed = false;
  for (int i = 0; i < s->n_sb; i++) {
    tcp_range r = s->sb[i];
    if (r.seq + r.len < lo) {
      out[n++] = r;
    } else if (hi < r.seq) {
      if (!placed && n < 64) out[n++] = (tcp_range){lo, hi - lo};
      placed = true;
      if (n < 64) out[n++] = r;
    } else {
      if (r.seq < lo) lo = r.seq;
      if (r.seq + r.len > hi) hi = r.seq + r.len;
    }
  }
  if (!placed && n < 64) out[n++] = (tcp_range){lo, hi - lo};
  memcpy(s->sb, out, (size_t)n * sizeof out[0]);
  s->n_sb = n;
}

static void tcp_sb_prune(tcp_sender *s) {
  int k = 0;
  for (int i = 0; i < s->n_sb; i++) {
    tcp_range r = s->sb[i];
    if (r.seq + r.len <= s->snd_una) continue;
    if (r.seq < s->snd_una) {
      r.len = r.seq + r.len - s->snd_una;
      r.seq = s->snd_una;
    }
    s->sb[k++] = r;
  }
  s->n_sb = k;
}

/* Bytes SACKed, and bytes of holes in [from, highest SACKed byte). */
static void tcp_sb_count(const tcp_sender *s, uint64_t from, uint64_t *sacked, uint64_t *holes) {
  uint64_t sum = 0, h = 0, prev = s->snd_una;
  for (int i = 0; i < s->n_sb; i++) {
    sum += s->sb[i].len;
    uint64_t a = prev > from ? prev : from, b = s->sb[i].seq;
    if (b > a) h += b - a;
    prev = s->sb[i].seq + s->sb[i].len;
  }
  *sacked = sum;
  *holes = h;
}

/* The next hole at or after from, below the highest SACKed byte; false if none. */
static bool tcp_sb_next_hole(const tcp_sender *s, uint64_t from, uint64_t *lo, uint64_t *hi) {
  uint64_t prev = s->snd_una;
  for (int i = 0; i < s->n_sb; i++) {
    uint64_t a = prev > from ? prev : from, b = s->sb[i].seq;
    if (b > a) {
      *lo = a;
      *hi = b;
      return true;
    }
    prev = s->sb[i].seq + s->sb[i].len;
  }
  return false;
}

/* SACK recovery: fill the pipe with retransmissions of holes, then new data. */
static void tcp_sack_output(net_t *net, flow_t *f) {
  tcp_sender *s = &f->snd;
  uint64_t mss = net->mss;
  for (int guard = 0; guard < 1024; guard++) {
    uint64_t sacked, lost;
    tcp_sb_count(s, s->rexmit_high, &sacked, &lost);
    uint64_t out = s->snd_max - s->snd_una;
    uint64_t pipe = out > sacked + lost ? out - sacked - lost : 0;
    if ((double)(pipe + mss) > s->cwnd) return;
    uint64_t lo, hi;
    if (tcp_sb_next_hole(s, s->rexmit_high, &lo, &hi)) {
      uint64_t len = hi - lo < mss ? hi - lo : mss;
      s->rtt_timing = false;
      tcp_send_segment(net, f, lo, (uint32_t)len, true);
      s->rexmit_high = lo + len;
      continue;
    }
    uint64_t limit = s->snd_una + s->rwnd;
    if (s->snd_max >= s->app_end || s->snd_max + mss > limit) return;
    uint64_t len = s->app_end - s->snd_max < mss ? s->app_end - s->snd_max : mss;
    tcp_send_segment(net, f, s->snd_max, (uint32_t)len, false);
    s->snd_max += len;
    s->snd_nxt = s->snd_max;
    s->rexmit_high = s->rexmit_high > s->snd_una ? s->rexmit_high : s->snd_una;
  }
}

static void tcp_output(net_t *net, flow_t *f) {
  tcp_sender *s = &f->snd;
  uint64_t mss = net->mss;
  if (s->in_recovery && net->cfg->tcp.sack) {
    tcp_sack_output(net, f);
    if (!s->rto_deadline_ps && s->snd_max > s->snd_una) tcp_arm_rto(net, f);
    return;
  }
  for (;;) {
    uint64_t wnd = (uint64_t)s->cwnd < s->rwnd ? (uint64_t)s->cwnd : s->rwnd;
    uint64_t limit = s->snd_una + wnd;
    if (s->snd_nxt >= s->app_end || s->snd_nxt >= limit) break;
    uint64_t len = s->app_end - s->snd_nxt < mss ? s->app_end - s->snd_nxt : mss;
    if (s->snd_nxt + len > limit) break;
    if (len < mss && s->snd_nxt > s->snd_una) break; /* Nagle */
    bool retrans = s->snd_nxt < s->snd_max;
    tcp_send_segment(net, f, s->snd_nxt, (uint32_t)len, retrans);
    if (!s->rtt_timing && !retrans) {
      s->rtt_timing = true;
      s->rtt_seq = s->snd_nxt + len;
      s->rtt_start_ps = sim_now(net->sim);
    }
    s->snd_nxt += len;
    if (s->snd_nxt > s->snd_max) s->snd_max = s->snd_nxt;
    if (!s->rto_deadline_ps) tcp_arm_rto(net, f);
  }
  /* A closed window with nothing in flight: the timer probes it. */
  if (s->snd_una == s->snd_max && s->snd_nxt < s->app_end && !s->rto_deadline_ps) tcp_arm_rto(net, f);
}

static void tcp_retransmit_head(net_t *net, flow_t *f) {
  tcp_sender *s = &f->snd;
  uint64_t len = s->snd_max - s->snd_una < net->mss ? s->snd_max - s->snd_una : net->mss;
  if (len == 0) return;
  s->rtt_timing = false; /* Karn */
  tcp_send_segment(net, f, s->snd_una, (uint32_t)len, true);
}

static void tcp_rto_fire(sim_t *sim, void *ctx, uint64_t arg) {
  flow_t *f = ctx;
  net_t *net = f->net;
  tcp_sender *s = &f->snd;
  s->rto_ev = 0;
  if (!s->rto_deadline_ps) return;
  if (sim_now(sim) < s->rto_deadline_ps) {
    s->rto_ev = sim_at(sim, s->rto_deadline_ps, tcp_rto_fire, f, 0);
    s->rto_ev_at = s->rto_deadline_ps;
    return;
  }
  s->rto_deadline_ps = 0;
  double mss = tcp_mss(net);
  if (s->snd_una == s->snd_max) {
    /* Window probe: one segment regardless of the window. */
    if (s->snd_nxt < s->app_end) {
      uint64_t len = s->app_end - s->snd_nxt < net->mss ? s->app_end - s->snd_nxt : net->mss;
      tcp_send_segment(net, f, s->snd_nxt, (uint32_t)len, false);
      s->snd_nxt += len;
      s->snd_max = s->snd_nxt;
      tcp_arm_rto(net, f);
    }
    return;
  }
  s->timeouts++;
  double flight = (double)(s->snd_max - s->snd_una);
  s->ssthresh = fmax(flight / 2, 2 * mss);
  s->cwnd = mss;
  s->in_recovery = false;
  s->recover = s->snd_max;
  s->dupacks = 0;
  s->snd_nxt = s->snd_una;
  s->n_sb = 0;
  s->rtt_timing = false;
  if (s->backoff < 10) s->backoff++;
  tcp_output(net, f);
  if (!s->rto_deadline_ps) tcp_arm_rto(net, f);
}

static void tcp_wake_writer(net_t *net, flow_t *f);

static void tcp_rcv_ack(net_t *net, flow_t *f, const pkt_t *p) {
  tcp_sender *s = &f->snd;
  double mss = tcp_mss(net);
  uint64_t ack = p->ack;
  bool wnd_changed = p->wnd != s->rwnd;
  bool sack = net->cfg->tcp.sack;
  s->rwnd = p->wnd;
  if (ack > s->snd_max) ack = s->snd_max;
  /* The window grows only while it limits sending (Linux's tcp_is_cwnd_limited): a flow held
   * back by the receiver's window or by its application must not inflate cwnd. */
  bool cwnd_limited = (double)(s->snd_max - s->snd_una) + mss >= s->cwnd;
  if (sack)
    for (int i = 0; i < p->n_sack; i++) tcp_sb_add(s, p->sack_lo[i], p->sack_hi[i]);
  if (ack > s->snd_una) {
    double acked = (double)(ack - s->snd_una);
    vs_time_ps now = sim_now(net->sim);
    if (s->rtt_timing && ack >= s->rtt_seq) {
      double m = (double)(now - s->rtt_start_ps);
      if (s->srtt_ps == 0) {
        s->srtt_ps = m;
        s->rttvar_ps = m / 2;
      } else {
        s->rttvar_ps = 0.75 * s->rttvar_ps + 0.25 * fabs(s->srtt_ps - m);
        s->srtt_ps = 0.875 * s->srtt_ps + 0.125 * m;
      }
      vs_time_ps min_rto = (vs_time_ps)(net->cfg->tcp.min_rto_ms * (double)VS_PS_PER_MS);
      s->rto_ps = (vs_time_ps)(s->srtt_ps + 4 * s->rttvar_ps);
      if (s->rto_ps < min_rto) s->rto_ps = min_rto;
      s->rtt_timing = false;
    }
    s->backoff = 0;
    if (s->in_recovery) {
      if (ack >= s->recover) {
        s->in_recovery = false;
        s->cwnd = s->ssthresh;
        s->dupacks = 0;
      } else if (!sack) {
        s->snd_una = ack;
        tcp_retransmit_head(net, f); /* partial ACK: the next hole */
        s->cwnd = fmax(s->cwnd - acked + mss, mss);
      }
    } else if (cwnd_limited) {
      s->dupacks = 0;
      if (s->cwnd < s->ssthresh)
        s->cwnd += mss;
      else
        s->cwnd += mss * mss / s->cwnd;
    } else {
      s->dupacks = 0;
    }
    s->snd_una = ack;
    if (s->snd_nxt < s->snd_una) s->snd_nxt = s->snd_una;
    if (s->rexmit_high < s->snd_una) s->rexmit_high = s->snd_una;
    tcp_sb_prune(s);
    if (s->snd_una == s->snd_max)
      s->rto_deadline_ps = 0;
    else
      tcp_arm_rto(net, f);
    if (f->direction == FLOW_TRANSMIT) tcp_wake_writer(net, f);
  } else if (ack == s->snd_una && s->snd_max > s->snd_una && !wnd_changed) {
    s->dupacks++;
    if (!s->in_recovery && s->dupacks == 3 && s->snd_una >= s->recover) {
      double flight = (double)(s->snd_max - s->snd_una);
      s->ssthresh = fmax(flight / 2, 2 * mss);
      s->recover = s->snd_max;
      s->in_recovery = true;
      s->fast_retransmits++;
      if (sack) {
        s->cwnd = s->ssthresh;
        s->rexmit_high = s->snd_una;
      } else {
        s->cwnd = s->ssthresh + 3 * mss;
        tcp_retransmit_head(net, f);
      }
    } else if (s->in_recovery && !sack) {
      s->cwnd += mss;
    }
  }
  tcp_output(net, f);
}

/* ---- receiver ---- */

static void tcp_delack_fire(sim_t *sim, void *ctx, uint64_t arg) {
  flow_t *f = ctx;
  f->rcv.delack_ev = 0;
  if (f->rcv.unacked_segs > 0) tcp_send_ack(f->net, f);
}

/* Consume an in-order packet: the guest's socket keeps it for the application; the remote
 * host's application takes it at once. */
static void tcp_deliver(net_t *net, flow_t *f, pkt_t *p) {
  tcp_receiver *r = &f->rcv;
  r->rcv_nxt = p->seq + p->len;
  if (r->on_guest) {
    r->queued_bytes += p->len;
    pktq_push(&r->sockq, p);
  } else {
    f->app_bytes += p->len;
    f->app_bytes_all += p->len;
    net_pkt_release(net, p, PKT_DELIVERED);
  }
}

static void tcp_rcv_data(net_t *net, flow_t *f, pkt_t *p) {
  tcp_receiver *r = &f->rcv;
  if (p->seq == r->rcv_nxt) {
    bool filled_hole = r->ooo != NULL;
    tcp_deliver(net, f, p);
    while (r->ooo && r->ooo->seq <= r->rcv_nxt) {
      pkt_t *q = r->ooo;
      r->ooo = q->next;
      r->ooo_n--;
      if (q->seq == r->rcv_nxt)
        tcp_deliver(net, f, q);
      else
        net_pkt_release(net, q, PKT_DELIVERED); /* duplicate */
    }
    if (r->on_guest) cpu_enqueue(net->h, f->stack->app_vcpu, &f->app);
    r->unacked_segs++;
    if (filled_hole || r->unacked_segs >= (uint32_t)net->cfg->tcp.delack_segments) {
      tcp_send_ack(net, f);
    } else if (!r->delack_ev) {
      vs_time_ps t = (vs_time_ps)(net->cfg->tcp.delack_ms * (double)VS_PS_PER_MS);
      r->delack_ev = sim_after(net->sim, t, tcp_delack_fire, f, 0);
    }
    return;
  }
  if (p->seq > r->rcv_nxt) {
    /* Out of order: keep it sorted, ACK at once (a duplicate ACK). */
    pkt_t **pp = &r->ooo;
    while (*pp && (*pp)->seq < p->seq) pp = &(*pp)->next;
    r->last_ooo_seq = p->seq;
    if (*pp && (*pp)->seq == p->seq) {
      net_pkt_release(net, p, PKT_DELIVERED);
    } else {
      p->next = *pp;
      *pp = p;
      r->ooo_n++;
    }
  } else {
    net_pkt_release(net, p, PKT_DELIVERED); /* old data */
  }
  r->dup_acks_sent++;
  tcp_send_ack(net, f);
}

/* ---- arrivals ---- */

double stack_rx_cost(const net_t *net, const pkt_t *p) {
  return p->len > 0 ? net->cfg->tcp.rx_instr : net->cfg->tcp.ack_instr;
}

void tcp_input(net_t *net, pkt_t *p) {
  flow_t *f = net->flows[p->flow];
  if (p->len > 0) {
    tcp_rcv_data(net, f, p);
  } else {
    tcp_rcv_ack(net, f, p);
    net_pkt_release(net, p, PKT_DELIVERED);
  }
}

/* ---- the stack's transmit step ---- */

static vs_time_ps stack_tx_start(host_t *h, vcpu_t *v, work_t *w) {
  netstack_t *st = w->ctx;
  net_t *net = st->net;
  pkt_t *p = st->tx_queue.head;
  if (!p) return 0;
  double instr = p->len > 0 ? net->cfg->tcp.tx_instr : net->cfg->tcp.ack_instr;
  /* Headers are built in the skb head; with checksum offload the data is not touched here. */
  vs_time_ps t = cpu_piece(h, w, st->stage_tcp_tx, instr, 0);
  if (net->native) return t + cpu_piece(h, w, net->nic.stage_rx, nic_xmit_cost(net), 0);
  return t + cpu_piece(h, w, net->stage_netfront, net->cfg->netfront.tx_instr, cpu_write(h, v, st->vif->tx.page, 16));
}

static bool stack_tx_done(host_t *h, vcpu_t *v, work_t *w) {
  netstack_t *st = w->ctx;
  net_t *net = st->net;
  pkt_t *p = pktq_pop(&st->tx_queue);
  if (!p) return false;
  if (net->native)
    nic_xmit(net, p, -1, 0);
  else
    netfront_xmit(net, st->vif, p, v);
  return st->tx_queue.n > 0;
}

/* ---- applications ---- */

static vs_time_ps app_start(host_t *h, vcpu_t *v, work_t *w) {
  flow_t *f = w->ctx;
  net_t *net = f->net;
  const tcp_cfg *c = &net->cfg->tcp;
  double stall = 0;
  uint64_t bytes = 0;
  if (f->direction == FLOW_RECEIVE) {
    uint32_t n = 0;
    for (pkt_t *p = f->rcv.sockq.head; p && bytes < (uint64_t)c->msg_bytes; p = p->next, n++) {
      bytes += p->len;
      stall += cpu_read(h, v, p->buf, p->len);
    }
    f->app_batch = n;
    if (n == 0) return 0;
  } else {
    tcp_sender *s = &f->snd;
    uint64_t sndbuf = (uint64_t)c->sndbuf_kib * 1024, used = s->app_end - s->snd_una;
    bytes = used >= sndbuf ? 0 : sndbuf - used;
    if (bytes > (uint64_t)c->msg_bytes) bytes = (uint64_t)c->msg_bytes;
    f->app_write = bytes;
    if (bytes == 0) return 0;
    for (uint64_t off = 0; off < bytes; off += 4096) {
      uint64_t seq = s->app_end + off;
      uint32_t chunk = bytes - off < 4096 ? (uint32_t)(bytes - off) : 4096;
      stall += cpu_write(h, v, f->snd_pages[(seq / 4096) % f->n_snd_pages], chunk);
    }
  }
  stall += cpu_read(h, v, f->app_buf, (uint32_t)bytes); /* the user buffer */
  return cpu_time(h, c->syscall_instr + c->copy_instr_per_kib * (double)bytes / 1024.0, stall);
}

static bool app_done(host_t *h, vcpu_t *v, work_t *w) {
  flow_t *f = w->ctx;
  net_t *net = f->net;
  vs_time_ps now = sim_now(net->sim);
  if (f->direction == FLOW_RECEIVE) {
    tcp_receiver *r = &f->rcv;
    uint64_t before = r->adv_right_edge > r->rcv_nxt ? r->adv_right_edge - r->rcv_nxt : 0;
    for (uint32_t i = 0; i < f->app_batch; i++) {
      pkt_t *p = pktq_pop(&r->sockq);
      VS_ASSERT(p != NULL, "flow %d read past its socket queue", f->id);
      r->queued_bytes -= p->len;
      f->app_bytes += p->len;
      f->app_bytes_all += p->len;
      stats_hist_add(&f->latency_us, (double)(now - p->wire_ps) / (double)VS_PS_PER_US);
      net_pkt_release(net, p, PKT_DELIVERED);
    }
    f->app_batch = 0;
    /* tcp_cleanup_rbuf: a read that doubles a window fallen below half the buffer ACKs. */
    uint64_t clamp = (uint64_t)net->cfg->tcp.rcvbuf_kib * 1024;
    if (2 * before <= clamp) {
      uint64_t now_wnd = tcp_window_free(net, r);
      if (now_wnd >= net->mss && now_wnd >= 2 * before) tcp_send_ack(net, f);
    }
    return r->sockq.n > 0;
  }
  if (f->app_write == 0) return false;
  f->snd.app_end += f->app_write;
  f->app_write = 0;
  tcp_output(net, f);
  uint64_t sndbuf = (uint64_t)net->cfg->tcp.sndbuf_kib * 1024;
  return f->snd.app_end - f->snd.snd_una < sndbuf;
}

static void tcp_wake_writer(net_t *net, flow_t *f) {
  uint64_t sndbuf = (uint64_t)net->cfg->tcp.sndbuf_kib * 1024;
  /* sk_stream_write_space: wake the writer once a third of the buffer is free. */
  if (f->snd.app_end - f->snd.snd_una <= sndbuf * 2 / 3) cpu_enqueue(net->h, f->stack->app_vcpu, &f->app);
}

/* ---- set-up ---- */

netstack_t *stack_new(net_t *net, domain_t *dom) {
  netstack_t *st = vs_xcalloc(1, sizeof *st);
  st->net = net;
  st->dom = dom;
  st->vcpu = dom->vcpus[0];
  st->app_vcpu = dom->vcpus[dom->n_vcpus - 1];
  st->stage_tcp_rx = host_stage(net->h, "tcp_rx");
  st->stage_tcp_tx = host_stage(net->h, "tcp_tx");
  st->stage_app = host_stage(net->h, "app");
  cpu_work_init(&st->tx_work, stack_tx_start, stack_tx_done, st, st->stage_tcp_tx, WORK_KERNEL);
  return st;
}

flow_t *flow_new(net_t *net, const flow_cfg *fc, netstack_t *st, int id) {
  const tcp_cfg *c = &net->cfg->tcp;
  flow_t *f = vs_xcalloc(1, sizeof *f);
  f->net = net;
  f->id = id;
  f->direction = fc->direction;
  f->stack = st;
  f->remote_mac = 0;
  f->guest_mac = st->mac;
  tcp_sender *s = &f->snd;
  s->on_guest = fc->direction == FLOW_TRANSMIT;
  s->cwnd = (double)(c->init_cwnd * net->mss);
  s->ssthresh = 1e18;
  s->rwnd = (uint64_t)c->rcvbuf_kib * 1024;
  s->rto_ps = VS_PS_PER_S; /* RFC 2988's initial RTO before any sample... */
  vs_time_ps min_rto = (vs_time_ps)(c->min_rto_ms * (double)VS_PS_PER_MS);
  if (s->rto_ps < min_rto) s->rto_ps = min_rto;
  s->app_end = s->on_guest ? 0 : TCP_INFINITE;
  f->rcv.on_guest = fc->direction == FLOW_RECEIVE;
  f->rcv.adv_right_edge = (uint64_t)c->rcvbuf_kib * 1024;
  cpu_work_init(&f->app, app_start, app_done, f, st->stage_app, WORK_USER);
  f->app_buf = cache_buf_new(net->h->cache, (uint32_t)c->msg_bytes, CACHE_APP);
  if (s->on_guest) {
    f->n_snd_pages = (uint32_t)((c->sndbuf_kib * 1024 + 4095) / 4096) + 1;
    f->snd_pages = vs_xcalloc(f->n_snd_pages, sizeof *f->snd_pages);
    for (uint32_t i = 0; i < f->n_snd_pages; i++) f->snd_pages[i] = cache_buf_new(net->h->cache, 4096, CACHE_PKT);
  }
  stats_hist_init(&f->latency_us, 200, 0.1, 1e7);
  return f;
}

static void flow_begin(sim_t *sim, void *ctx, uint64_t arg) {
  flow_t *f = ctx;
  if (f->direction == FLOW_RECEIVE)
    tcp_output(f->net, f);
  else
    cpu_enqueue(f->net->h, f->stack->app_vcpu, &f->app);
}

void flow_start(net_t *net, flow_t *f) {
  sim_at(net->sim, (vs_time_ps)(net->cfg->flows[f->id].start_ms * (double)VS_PS_PER_MS), flow_begin, f, 0);
}
