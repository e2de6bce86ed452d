/* config.c: the top-level schema and the checks that involve more than one key. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

static const char *const sim_models[] = {"mm1", "vio", NULL};

#define SIM_OFF(f) offsetof(sim_cfg, f)
static const cfg_param sim_params[] = {
    {"model", CFG_ENUM, "", 0, 0, "mm1", "mm1: the M/M/1 demonstration; vio: the virtualized machine (platform, sched, domains, ...)", SIM_OFF(model), sim_models},
    {"duration_ms", CFG_FLOAT, "ms", 1e-6, 1e9, "1000", "simulated time per replication, warm-up included", SIM_OFF(duration_ms), NULL},
    {"warmup_ms", CFG_FLOAT, "ms", 0, 1e9, "0", "initial period whose samples are discarded", SIM_OFF(warmup_ms), NULL},
    {"sample_ms", CFG_FLOAT, "ms", 1e-6, 1e9, "10", "interval of the time series", SIM_OFF(sample_ms), NULL},
    {"seed", CFG_INT, "", 0, 4294967295.0, "1", "base seed: streams derive from (seed, replication, component)", SIM_OFF(seed), NULL},
    {"replications", CFG_INT, "", 1, 10000, "1", "independent replications, for confidence intervals", SIM_OFF(replications), NULL},
    {"confidence", CFG_FLOAT, "", 0.5, 0.999, "0.95", "level of the confidence intervals in summary.csv", SIM_OFF(confidence), NULL},
    {NULL, 0, NULL, 0, 0, NULL, NULL, 0, NULL},
};

const cfg_section vs_schema[] = {
    {"sim", "run length, warm-up, seeds and replications", sim_params, false, offsetof(vs_config, sim), 0, 0, 0},
    {"mm1", "the M/M/1 demonstration model (sim.model: mm1)", mm1_params, false, offsetof(vs_config, mm1), 0, 0, 0},
    {"platform", "the physical machine: cores, shared L2 caches, clock, cache latencies", platform_params, false, offsetof(vs_config, platform), 0, 0, 0},
    {"sched", "the VMM's credit scheduler (or native mode), its constants and the costs of its paths", sched_params, false, offsetof(vs_config, sched), 0, 0, 0},
    {"domains", "the domains: driver domain, guests (or the OS in native mode)", domain_params, true, offsetof(vs_config, domains), sizeof(domain_cfg), HOST_MAX_DOMAINS, offsetof(vs_config, n_domains)},
    {"link", "the Ethernet link to the remote host", link_params, false, offsetof(vs_config, net.link), 0, 0, 0},
    {"nic", "the 10GbE NIC and its driver", nic_params, false, offsetof(vs_config, net.nic), 0, 0, 0},
    {"bridge", "the software bridge in the driver domain", bridge_params, false, offsetof(vs_config, net.bridge), 0, 0, 0},
    {"netback", "the driver domain's back end of each vif", netback_params, false, offsetof(vs_config, net.netback), 0, 0, 0},
    {"netfront", "the guest's front end", netfront_params, false, offsetof(vs_config, net.netfront), 0, 0, 0},
    {"tcp", "TCP and the socket layer", tcp_params, false, offsetof(vs_config, net.tcp), 0, 0, 0},
    {"flows", "bulk TCP transfers between the remote host and guests", flow_params, true, offsetof(vs_config, net.flows), sizeof(flow_cfg), NET_MAX_FLOWS, offsetof(vs_config, net.n_flows)},
    {NULL, NULL, NULL, false, 0, 0, 0, 0},
};

/* A setting the run would not read is an error, not a silent no-op: a section the model does
 * not use must keep its defaults (so a resolved config, which lists every section, loads). */
static bool vs_config_unused(const cfg_doc *doc, const vs_config *cfg, const char *const *sections, const char *why,
                             cfg_err *err) {
  for (int i = 0; sections[i]; i++)
    if (!cfg_section_is_default(vs_schema, sections[i], cfg)) return cfg_doc_error(doc, sections[i], err, "%s", why);
  return true;
}

static bool vs_config_check_used(const cfg_doc *doc, const vs_config *cfg, cfg_err *err) {
  static const char *const machine[] = {"platform", "sched", "domains", NULL};
  static const char *const network[] = {"link", "nic", "bridge", "netback", "netfront", "tcp", "flows", NULL};
  static const char *const xen_only[] = {"bridge", "netback", "netfront", NULL};
  static const char *const mm1[] = {"mm1", NULL};
  if (cfg->sim.model == VS_MODEL_MM1)
    return vs_config_unused(doc, cfg, machine, "not used by sim.model mm1", err) &&
           vs_config_unused(doc, cfg, network, "not used by sim.model mm1", err);
  if (!vs_config_unused(doc, cfg, mm1, "only used by sim.model mm1", err)) return false;
  if (cfg->net.n_flows == 0 && !vs_config_unused(doc, cfg, network, "has no effect without flows", err)) return false;
  if (cfg->sched.mode == SCHED_NATIVE &&
      !vs_config_unused(doc, cfg, xen_only, "not used in native mode (sched.mode native)", err))
    return false;
  static const char *const periodic[] = {"period_us", "burst_us", "phase_us", NULL};
  char path[160];
  for (size_t d = 0; d < cfg->n_domains; d++) {
    if (cfg->domains[d].workload == WL_PERIODIC) continue;
    for (int i = 0; periodic[i]; i++) {
      if (cfg_is_default(domain_params, &cfg->domains[d], periodic[i])) continue;
      snprintf(path, sizeof path, "domains.%s.%s", cfg->domains[d].name, periodic[i]);
      return cfg_doc_error(doc, path, err, "only used by workload: periodic");
    }
  }
  return true;
}

static bool vs_config_check_vio(const cfg_doc *doc, const vs_config *cfg, cfg_err *err) {
  char msg[256], path[160];
  const char *key = NULL;
  if (!platform_check(&cfg->platform, msg, sizeof msg, &key)) return cfg_doc_error(doc, key, err, "%s", msg);
  if (cfg->n_domains == 0) return cfg_doc_error(doc, "domains", err, "the vio model needs at least one domain");
  int n_cores = platform_cores(&cfg->platform);
  int64_t vcpus = 0;
  for (size_t i = 0; i < cfg->n_domains; i++) {
    const domain_cfg *d = &cfg->domains[i];
    vcpus += d->vcpus;
    if (!domain_check(d, n_cores, msg, sizeof msg, &key)) {
      snprintf(path, sizeof path, "domains.%s.%s", d->name, key);
      return cfg_doc_error(doc, path, err, "%s", msg);
    }
  }
  if (vcpus > HOST_MAX_VCPUS) return cfg_doc_error(doc, "domains", err, "%lld VCPUs in all; at most %d", (long long)vcpus, HOST_MAX_VCPUS);
  if (cfg->sched.mode == SCHED_NATIVE && cfg->n_domains != 1)
    return cfg_doc_error(doc, "sched.mode", err, "native mode runs one OS: give exactly one domain (there are %zu)", cfg->n_domains);
  if (cfg->net.n_flows == 0) return true;
  int drivers = 0;
  const domain_cfg *driver = NULL;
  for (size_t i = 0; i < cfg->n_domains; i++)
    if (cfg->domains[i].role == DOM_DRIVER) {
      drivers++;
      driver = &cfg->domains[i];
    }
  if (cfg->sched.mode == SCHED_CREDIT && drivers != 1)
    return cfg_doc_error(doc, "domains", err, "flows need exactly one domain with role: driver (there are %d)", drivers);
  int guests = 0;
  for (size_t i = 0; i < cfg->net.n_flows; i++) {
    const flow_cfg *f = &cfg->net.flows[i];
    snprintf(path, sizeof path, "flows.%s.guest", f->name);
    const domain_cfg *d = NULL;
    for (size_t k = 0; k < cfg->n_domains; k++)
      if (strcmp(cfg->domains[k].name, f->guest) == 0) d = &cfg->domains[k];
    if (!d) return cfg_doc_error(doc, path, err, "no domain named '%s'", f->guest);
    if (cfg->sched.mode == SCHED_CREDIT && d == driver)
      return cfg_doc_error(doc, path, err, "'%s' is the driver domain; flows end in guests", f->guest);
    bool seen = false;
    for (size_t k = 0; k < i; k++) seen |= strcmp(cfg->net.flows[k].guest, f->guest) == 0;
    if (!seen && ++guests > NET_MAX_VIFS) return cfg_doc_error(doc, path, err, "more than %d guests with flows", NET_MAX_VIFS);
  }
  if (cfg->net.netback.mode == NETBACK_FLIP && cfg->net.link.mtu + 18 > 4096)
    return cfg_doc_error(doc, "netback.mode", err, "page flipping moves one 4 KiB page per packet: MTU %lld does not fit",
                         (long long)cfg->net.link.mtu);
  if (cfg->net.netfront.rx_target_min > cfg->net.netfront.rx_target || cfg->net.netfront.rx_target > cfg->net.netfront.rx_target_max)
    return cfg_doc_error(doc, "netfront.rx_target", err, "needs rx_target_min <= rx_target <= rx_target_max");
  return true;
}

bool vs_config_load(const char *path, const char *const *sets, size_t n_sets, vs_config *cfg, cfg_err *err) {
  cfg_doc *doc = cfg_doc_load(path, err);
  if (!doc) return false;
  bool ok = true;
  for (size_t i = 0; ok && i < n_sets; i++) ok = cfg_doc_set(doc, vs_schema, sets[i], err);
  if (ok) ok = cfg_doc_bind(doc, vs_schema, cfg, err);
  if (ok && cfg->sim.warmup_ms >= cfg->sim.duration_ms)
    ok = cfg_doc_error(doc, "sim.warmup_ms", err, "warm-up (%g ms) must be shorter than sim.duration_ms (%g ms)",
                       cfg->sim.warmup_ms, cfg->sim.duration_ms);
  if (ok && cfg->sim.model == VS_MODEL_MM1 && cfg->mm1.arrival_per_s >= cfg->mm1.service_per_s &&
      cfg->mm1.customers == 0)
    ok = cfg_doc_error(doc, "mm1.arrival_per_s", err,
                       "arrival rate %g/s is not below the service rate %g/s: the queue grows without bound",
                       cfg->mm1.arrival_per_s, cfg->mm1.service_per_s);
  if (ok) ok = vs_config_check_used(doc, cfg, err);
  if (ok && cfg->sim.model == VS_MODEL_VIO) ok = vs_config_check_vio(doc, cfg, err);
  cfg_doc_free(doc);
  return ok;
}
