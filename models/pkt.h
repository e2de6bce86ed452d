/* pkt.h: packets and their pool. A packet is a TCP segment or ACK on its way through the
 * model; it carries what the model needs (connection, sequence numbers, sizes, where its data
 * sits in the cache model) and an intrusive link for queues. Packets come from a pool that
 * grows by doubling to its peak and never shrinks; every packet freed names why, so the
 * conservation invariant (created = freed by reason + alive) can be checked at any time. */
#ifndef VS_PKT_H
#define VS_PKT_H

#include <stdbool.h>
#include <stdint.h>

#include "cache.h"
#include "vs.h"

enum { PKT_SYN = 1, PKT_ACK = 2, PKT_FIN = 4 };
enum { PKT_BUF_NONE = 0, PKT_BUF_NIC = 1, PKT_BUF_VIF = 2 };

/* Why a packet left the model. */
typedef enum {
  PKT_DELIVERED,     /* consumed by the receiving TCP */
  PKT_LINK_LOSS,     /* random loss on the wire */
  PKT_NIC_RX_FULL,   /* NIC RX ring had no free descriptor */
  PKT_NIC_TX_FULL,   /* the physical device's queue was full */
  PKT_VIF_QUEUE,     /* the vif's qdisc held txqueuelen packets */
  PKT_NETBACK_DROP,  /* netback: the guest had too few RX buffers posted */
  PKT_NETFRONT_DROP, /* netfront: no room on the TX ring */
  PKT_BRIDGE_NOPORT, /* the bridge had nowhere to send it */
  PKT_REASONS
} pkt_reason;

extern const char *const pkt_reason_names[PKT_REASONS];

typedef struct pkt pkt_t;
struct pkt {
  pkt_t *next;
  uint32_t id;
  uint16_t flow;    /* flow (connection) index */
  uint8_t to_guest; /* direction: 1 remote -> guest, 0 guest -> remote */
  uint8_t flags;
  uint64_t seq, ack; /* byte sequence numbers (64-bit: no wrap within a run) */
  uint32_t len;      /* payload bytes */
  uint32_t wnd;           /* advertised window, bytes */
  uint16_t src_mac, dst_mac;
  int16_t vif;          /* vif it belongs to on the host side, -1 native */
  vs_time_ps wire_ps;   /* when its last bit left the sender's NIC: latency start */
  cache_buf buf;        /* where its bytes are now */
  int8_t buf_owner;     /* PKT_BUF_*: who gets buf back when the packet is done with it */
  int32_t ring_slot;    /* slot or grant it occupies on a ring, -1 none */
  bool retransmit;
  uint8_t n_sack;          /* SACK blocks carried by an ACK */
  uint64_t sack_lo[4], sack_hi[4];
};

typedef struct {
  pkt_t *head, *tail;
  uint32_t n;
} pkt_queue;

static inline void pktq_push(pkt_queue *q, pkt_t *p) {
  p->next = NULL;
  if (q->tail) q->tail->next = p; else q->head = p;
  q->tail = p;
  q->n++;
}

static inline pkt_t *pktq_pop(pkt_queue *q) {
  pkt_t *p = q->head;
  if (!p) return NULL;
  q->head = p->next;
  if (!q->head) q->tail = NULL;
  q->n--;
  p->next = NULL;
  return p;
}

typedef struct {
  pkt_t **chunks;
  uint32_t n_chunks, cap;
  pkt_t *free;
  uint64_t created, alive;
  uint64_t freed[PKT_REASONS];
} pkt_pool;

void pkt_pool_init(pkt_pool *pool);
void pkt_pool_destroy(pkt_pool *pool);
pkt_t *pkt_alloc(pkt_pool *pool);
void pkt_free(pkt_pool *pool, pkt_t *p, pkt_reason why);
/* created == sum(freed) + alive. */
bool pkt_pool_conserved(const pkt_pool *pool);
void pkt_pool_reset_counts(pkt_pool *pool);

#endif
