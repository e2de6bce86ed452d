/* evtchn.h: event channels (xen/common/event_channel.c, XenLinux evtchn.c). A port is bound
 * to one VCPU; sending sets its pending bit, and a send that finds the bit already set
 * coalesces into the pending notification. A newly pending port queues the VCPU's upcall,
 * which wakes it if blocked (boosting it) or, if it is running, interrupts it when the IPI
 * arrives (sched.ipi_us later). When the upcall runs it
 * clears each pending bit and calls the port's handler, which queues the real work. Physical
 * interrupts reach a domain the same way (pirq -> port). */
#ifndef VS_EVTCHN_H
#define VS_EVTCHN_H

#include "host.h"

/* Set-up: the VCPU's upcall work item. */
void evtchn_vcpu_init(host_t *h, vcpu_t *v);
/* Bind a new port to v (XenLinux binds every port to VCPU0 by default). */
int evtchn_bind(host_t *h, vcpu_t *v, evtchn_handler_fn handler, void *ctx);
/* Notify the port. from: the VCPU making the notify hypercall, which pays
 * sched.evtchn_send_cycles for it; NULL for a device interrupt. Returns true if this send made
 * the port pending, false if it coalesced. */
bool evtchn_send(host_t *h, int port, vcpu_t *from);
const evtchn_port *evtchn_get(const host_t *h, int port);
void evtchn_reset_counts(host_t *h);

#endif
