// ns3_mm1.cc CUSTOMERS: M/M/1 at rho 0.9 until CUSTOMERS departures on ns-3 (default map
// scheduler unless NS3_SCHEDULER is heap or calendar): the workload of bench_mm1.c.
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>

#include <ns3/core-module.h>

#include "bench_util.h"

using namespace ns3;

static Ptr<ExponentialRandomVariable> g_arrive, g_serve;
static std::deque<Time> g_queue;
static bool g_busy;
static unsigned long long g_served, g_stop, g_events;
static double g_wait_sum;

static void Depart();

static void StartService(Time arrived) {
  g_wait_sum += (Simulator::Now() - arrived).GetSeconds();
  g_busy = true;
  Simulator::Schedule(PicoSeconds((uint64_t)(g_serve->GetValue() + 0.5)), &Depart);
}

static void Arrive() {
  g_events++;
  if (!g_busy)
    StartService(Simulator::Now());
  else
    g_queue.push_back(Simulator::Now());
  Simulator::Schedule(PicoSeconds((uint64_t)(g_arrive->GetValue() + 0.5)), &Arrive);
}

static void Depart() {
  g_events++;
  g_served++;
  g_busy = false;
  if (!g_queue.empty()) {
    Time t = g_queue.front();
    g_queue.pop_front();
    StartService(t);
  }
  if (g_served >= g_stop) Simulator::Stop();
}

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: ns3_mm1 CUSTOMERS\n");
    return 1;
  }
  g_stop = std::strtoull(argv[1], nullptr, 10);
  const char *sched = std::getenv("NS3_SCHEDULER");
  std::string s = sched ? sched : "map";
  double t0 = bench_wall();
  Time::SetResolution(Time::PS);
  ObjectFactory f;
  f.SetTypeId(s == "heap" ? "ns3::HeapScheduler" : s == "calendar" ? "ns3::CalendarScheduler" : "ns3::MapScheduler");
  Simulator::SetScheduler(f);
  g_arrive = CreateObject<ExponentialRandomVariable>();
  g_arrive->SetAttribute("Mean", DoubleValue(1e12 / 900000));
  g_arrive->SetAttribute("Bound", DoubleValue(0.0));
  g_serve = CreateObject<ExponentialRandomVariable>();
  g_serve->SetAttribute("Mean", DoubleValue(1e12 / 1000000));
  g_serve->SetAttribute("Bound", DoubleValue(0.0));
  Simulator::Schedule(PicoSeconds((uint64_t)g_arrive->GetValue()), &Arrive);
  Simulator::Run();
  double wall = bench_wall() - t0;
  Simulator::Destroy();
  char extra[96];
  std::snprintf(extra, sizeof extra, "mean_wait_us=%.3f", g_wait_sum / (double)g_served * 1e6);
  std::string impl = "ns3-" + s;
  bench_report("mm1_1M", impl.c_str(), g_events, wall, extra);
  return 0;
}
