// ns3_hold.cc SCHEDULER PENDING EVENTS: the hold model of bench_hold.c on ns-3's simulator
// with the named scheduler (map, heap, list, calendar). Exponential increments, mean 1 us.
#include <cstdio>
#include <cstdlib>
#include <string>

#include <ns3/core-module.h>

#include "bench_util.h"

using namespace ns3;

static unsigned long long g_left;
static unsigned long long g_ran;
static Ptr<ExponentialRandomVariable> g_rv;

static void Fire() {
  g_ran++;
  if (g_left == 0) return;
  g_left--;
  Simulator::Schedule(PicoSeconds((uint64_t)g_rv->GetValue()), &Fire);
}

int main(int argc, char **argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: ns3_hold map|heap|list|calendar PENDING EVENTS\n");
    return 1;
  }
  std::string s = argv[1];
  std::string type = s == "heap" ? "ns3::HeapScheduler" : s == "list" ? "ns3::ListScheduler"
                   : s == "calendar" ? "ns3::CalendarScheduler" : "ns3::MapScheduler";
  Time::SetResolution(Time::PS);
  ObjectFactory f;
  f.SetTypeId(type);
  Simulator::SetScheduler(f);
  long pending = std::atol(argv[2]);
  g_left = std::strtoull(argv[3], nullptr, 10);
  g_rv = CreateObject<ExponentialRandomVariable>();
  g_rv->SetAttribute("Mean", DoubleValue(1e6));
  g_rv->SetAttribute("Bound", DoubleValue(0.0));
  for (long i = 0; i < pending; i++) Simulator::Schedule(PicoSeconds((uint64_t)g_rv->GetValue()), &Fire);
  double t0 = bench_wall();
  Simulator::Run();
  double wall = bench_wall() - t0;
  Simulator::Destroy();
  std::string name = "hold_" + std::to_string(pending);
  std::string impl = "ns3-" + s;
  bench_report(name.c_str(), impl.c_str(), g_ran, wall, "");
  return 0;
}
