#!/usr/bin/env bash
# sweep.sh VIOSIM SRC_DIR: scripts/sweep runs each point, gathers means and intervals into
# sweep.csv, plots them, resumes without re-running, and rejects a bad point before running.
. "$(dirname "$0")/lib.sh" "$1" "$2"
cfg="$src/configs/experiments/xen-rx-1guest.yaml"
export VIOSIM="$viosim" SWEEP_OUT="$work/s"
"$src/scripts/sweep" "$cfg" netback.txqueuelen 4 64 -- --set sim.duration_ms=80 --set sim.warmup_ms=20 --replications 2 > /dev/null \
  && ok || bad "sweep failed"
n=$(grep -c ',goodput_gbps,' "$work/s/sweep.csv")
[ "$n" = 2 ] && ok || bad "expected 2 goodput rows, got $n"
grep -q '^key,value,metric,mean,ci_low,ci_high$' "$work/s/sweep.csv" && ok || bad "sweep.csv header"
[ -s "$work/s/sweep.png" ] && ok || bad "no plot"
stamp=$(stat -c %Y "$work/s/netback.txqueuelen=4/manifest.json")
sleep 1
"$src/scripts/sweep" "$cfg" netback.txqueuelen 4 64 -- --set sim.duration_ms=80 --set sim.warmup_ms=20 --replications 2 > /dev/null
[ "$(stat -c %Y "$work/s/netback.txqueuelen=4/manifest.json")" = "$stamp" ] && ok || bad "a finished point ran again"
"$src/scripts/sweep" "$cfg" netback.txqueuelen 16 -1 > /dev/null 2>&1 && bad "a bad value was accepted" || ok
[ -e "$work/s/netback.txqueuelen=16" ] && bad "ran a point of a sweep with a bad value" || ok
finish
