/* ring.h: a Xen shared I/O ring (xen/include/public/io/ring.h): one 4 KiB page holding the
 * shared indices req_prod, req_event, rsp_prod, rsp_event and a power-of-two number of slots;
 * the front end keeps req_prod_pvt and rsp_cons private, the back end rsp_prod_pvt and
 * req_cons. Publishing notifies the peer only if the peer's event index was crossed, and a
 * consumer that runs dry sets its event index to one past what it consumed and checks again:
 * this is what batches notifications. Slot contents live in the users' own arrays indexed by
 * (index & mask). Indices are free-running unsigned integers, as in Xen. */
#ifndef VS_RING_H
#define VS_RING_H

#include <stdbool.h>
#include <stdint.h>

#include "cache.h"

typedef struct {
  uint32_t size, mask;
  uint32_t req_prod, req_event, rsp_prod, rsp_event; /* shared */
  uint32_t req_prod_pvt, rsp_cons;                   /* front private */
  uint32_t rsp_prod_pvt, req_cons;                   /* back private */
  cache_buf page;                                    /* the shared page, for cache costs */
} ring_t;

static inline void ring_init(ring_t *r, uint32_t size, cache_buf page) {
  *r = (ring_t){size, size - 1, 0, 1, 0, 1, 0, 0, 0, 0, page};
}
/* Front: slots it may still fill with requests. */
static inline uint32_t ring_free_requests(const ring_t *r) { return r->size - (r->req_prod_pvt - r->rsp_cons); }
/* Back: published requests not yet consumed. */
static inline uint32_t ring_unconsumed_requests(const ring_t *r) { return r->req_prod - r->req_cons; }
/* Front: published responses not yet consumed. */
static inline uint32_t ring_unconsumed_responses(const ring_t *r) { return r->rsp_prod - r->rsp_cons; }

/* RING_PUSH_REQUESTS_AND_CHECK_NOTIFY */
static inline bool ring_push_requests(ring_t *r) {
  uint32_t old = r->req_prod, new_ = r->req_prod_pvt;
  r->req_prod = new_;
  return (uint32_t)(new_ - r->req_event) < (uint32_t)(new_ - old);
}
/* RING_PUSH_RESPONSES_AND_CHECK_NOTIFY */
static inline bool ring_push_responses(ring_t *r) {
  uint32_t old = r->rsp_prod, new_ = r->rsp_prod_pvt;
  r->rsp_prod = new_;
  return (uint32_t)(new_ - r->rsp_event) < (uint32_t)(new_ - old);
}
/* RING_FINAL_CHECK_FOR_REQUESTS: true if requests remain; else arms req_event. */
static inline bool ring_final_check_requests(ring_t *r) {
  if (ring_unconsumed_requests(r)) return true;
  r->req_event = r->req_cons + 1;
  return ring_unconsumed_requests(r) != 0;
}
/* RING_FINAL_CHECK_FOR_RESPONSES */
static inline bool ring_final_check_responses(ring_t *r) {
  if (ring_unconsumed_responses(r)) return true;
  r->rsp_event = r->rsp_cons + 1;
  return ring_unconsumed_responses(r) != 0;
}

#endif
