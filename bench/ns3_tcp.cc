// ns3_tcp.cc SECONDS RTT_US BUF_KIB: one bulk TCP flow over a 10 Gbit/s point-to-point link
// on ns-3 (BulkSend -> PacketSink, NewReno, 1448-byte segments, BUF_KIB socket buffers), the
// peer of viosim's native zero-cost flow (bench/run). Prints simulated goodput and wall time.
#include <cstdio>
#include <cstdlib>

#include <ns3/applications-module.h>
#include <ns3/core-module.h>
#include <ns3/internet-module.h>
#include <ns3/network-module.h>
#include <ns3/point-to-point-module.h>

#include "bench_util.h"

using namespace ns3;

int main(int argc, char **argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: ns3_tcp SECONDS RTT_US BUF_KIB\n");
    return 1;
  }
  double secs = std::atof(argv[1]);
  double rtt_us = std::atof(argv[2]);
  uint32_t buf = (uint32_t)std::atoi(argv[3]) * 1024;
  double t0 = bench_wall();
  Config::SetDefault("ns3::TcpL4Protocol::SocketType", StringValue("ns3::TcpNewReno"));
  Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
  Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(buf));
  Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(buf));
  Config::SetDefault("ns3::TcpSocketBase::Sack", BooleanValue(true));
  NodeContainer nodes;
  nodes.Create(2);
  PointToPointHelper p2p;
  p2p.SetDeviceAttribute("DataRate", StringValue("10Gbps"));
  p2p.SetChannelAttribute("Delay", TimeValue(MicroSeconds(rtt_us / 2)));
  NetDeviceContainer devs = p2p.Install(nodes);
  InternetStackHelper stack;
  stack.Install(nodes);
  Ipv4AddressHelper addr;
  addr.SetBase("10.1.1.0", "255.255.255.0");
  Ipv4InterfaceContainer ifs = addr.Assign(devs);
  BulkSendHelper src("ns3::TcpSocketFactory", InetSocketAddress(ifs.GetAddress(1), 9));
  src.SetAttribute("MaxBytes", UintegerValue(0));
  src.SetAttribute("SendSize", UintegerValue(65536));
  ApplicationContainer sapp = src.Install(nodes.Get(0));
  sapp.Start(Seconds(0));
  PacketSinkHelper sinkh("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), 9));
  ApplicationContainer kapp = sinkh.Install(nodes.Get(1));
  kapp.Start(Seconds(0));
  Simulator::Stop(Seconds(secs));
  Simulator::Run();
  double wall = bench_wall() - t0;
  Ptr<PacketSink> sink = DynamicCast<PacketSink>(kapp.Get(0));
  double gbps = (double)sink->GetTotalRx() * 8 / secs / 1e9;
  Simulator::Destroy();
  char extra[96];
  std::snprintf(extra, sizeof extra, "goodput_gbps=%.3f sim_s=%.3f", gbps, secs);
  bench_report("tcp_10g_flow", "ns3", 0, wall, extra);
  return 0;
}
