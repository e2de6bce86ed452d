#!/usr/bin/env bash
# cli.sh VIOSIM SRC_DIR: the command line as a user meets it: reproducible results, every
# kind of bad input rejected with exit 1 and nothing written, help and version.
. "$(dirname "$0")/lib.sh" "$1" "$2"

cfg="$work/small.yaml"
cat > "$cfg" <<'YAML'
sim:
  model: mm1
  duration_ms: 50
  warmup_ms: 5
  sample_ms: 1
  seed: 5
  replications: 3
YAML

# Same config and seed: byte-identical results (manifest: all but the wall-clock lines).
"$viosim" run "$cfg" --out "$work/a" --quiet && "$viosim" run "$cfg" --out "$work/b" --quiet || bad "run failed"
for f in summary.csv timeseries.csv; do
  if cmp -s "$work/a/$f" "$work/b/$f"; then ok; else bad "$f differs between identical runs"; fi
done
if diff <(grep -v -e wall_s -e events_per_wall -e peak_rss "$work/a/manifest.json") \
        <(grep -v -e wall_s -e events_per_wall -e peak_rss "$work/b/manifest.json") > /dev/null; then ok; else bad "manifest differs"; fi
grep -q '"seed": 5' "$work/a/manifest.json" && grep -q '"config_hash"' "$work/a/manifest.json" \
  && grep -q '"version"' "$work/a/manifest.json" && grep -q '"duration_ms": 50' "$work/a/manifest.json" && ok \
  || bad "manifest lacks seed, hash, version or resolved config"
ls -A "$work/a" | grep -q tmp && bad "temporary files left" || ok

# The virtualized machine too: same seed, same bytes (random loss exercises the streams).
vio="$work/vio.yaml"
printf 'base: %s/configs/experiments/xen-rx-1guest.yaml\nsim: {duration_ms: 60, warmup_ms: 10, replications: 2}\nlink: {loss_rate: 0.0005}\n' "$src" > "$vio"
"$viosim" run "$vio" --out "$work/v1" --quiet && "$viosim" run "$vio" --out "$work/v2" --quiet || bad "vio run failed"
for f in summary.csv timeseries.csv; do
  if cmp -s "$work/v1/$f" "$work/v2/$f"; then ok; else bad "vio $f differs between identical runs"; fi
done
"$viosim" run "$vio" --seed 9 --out "$work/v3" --quiet || bad "vio run failed"
"$viosim" config "$vio" > "$work/vio-resolved.yaml" && "$viosim" run "$work/vio-resolved.yaml" --out "$work/v4" --quiet \
  && cmp -s "$work/v1/summary.csv" "$work/v4/summary.csv" && ok || bad "the resolved vio config does not reproduce the run"
cmp -s "$work/v1/summary.csv" "$work/v3/summary.csv" && bad "vio: seed ignored" || ok

# Another seed: other results.
"$viosim" run "$cfg" --seed 6 --out "$work/c" --quiet || bad "run --seed failed"
cmp -s "$work/a/summary.csv" "$work/c/summary.csv" && bad "seed ignored" || ok
grep -q '"seed": 6' "$work/c/manifest.json" && ok || bad "--seed not recorded"

# summary.csv: one row per replication and metric, then mean, sd, ci_low, ci_high.
n=$(grep -c '^mm1_utilization,replication,' "$work/a/summary.csv")
[ "$n" = 3 ] && ok || bad "expected 3 replication rows, got $n"
for k in mean sd ci_low ci_high; do grep -q "^mm1_utilization,$k,," "$work/a/summary.csv" && ok || bad "no $k row"; done

# The resolved config is itself a valid config giving the same results.
"$viosim" config "$cfg" > "$work/resolved.yaml" || bad "config failed"
"$viosim" run "$work/resolved.yaml" --out "$work/d" --quiet || bad "resolved config does not run"
cmp -s "$work/a/summary.csv" "$work/d/summary.csv" && ok || bad "resolved config gives other results"

# Bad input: exit 1, one message naming file and key, no results folder.
expect_bad() { # name expected-fragment args...
  local name=$1 frag=$2
  shift 2
  local out="$work/bad-$name"
  "$viosim" "$@" --out "$out" > "$work/stdout" 2> "$work/stderr"
  local rc=$?
  [ $rc = 1 ] && ok || bad "$name: exit $rc, expected 1"
  grep -q -- "$frag" "$work/stderr" && ok || bad "$name: stderr lacks '$frag': $(cat "$work/stderr")"
  [ "$(wc -l < "$work/stderr")" -le 1 ] && ok || bad "$name: more than one line of error"
  [ -e "$out" ] && bad "$name: wrote $out" || ok
}
printf 'sim:\n  seed: [1\n' > "$work/syntax.yaml"
printf 'sim:\n  sed: 1\n' > "$work/unknown.yaml"
printf 'sim:\n  duration_ms: 5 apples\n' > "$work/unit.yaml"
printf 'sim:\n  replications: 0\n' > "$work/range.yaml"
printf 'sim:\n  seed: many\n' > "$work/type.yaml"
expect_bad missing "nothere.yaml" run "$work/nothere.yaml"
expect_bad syntax "syntax.yaml:" run "$work/syntax.yaml"
expect_bad unknown "unknown.yaml:2:3: key 'sim.sed'" run "$work/unknown.yaml"
expect_bad unit "unit.yaml:2:16: key 'sim.duration_ms': bad unit" run "$work/unit.yaml"
expect_bad range "range.yaml:2:17: key 'sim.replications'" run "$work/range.yaml"
expect_bad type "type.yaml:2:9: key 'sim.seed'" run "$work/type.yaml"
expect_bad set "--set sim.nope=1" run "$cfg" --set sim.nope=1
expect_bad option "unknown option" run "$cfg" --frobnicate
"$viosim" check "$work/unknown.yaml" > /dev/null 2>&1; [ $? = 1 ] && ok || bad "check accepted a bad config"
"$viosim" check "$cfg" > /dev/null && ok || bad "check rejected a good config"

# Help and version.
"$viosim" --help | grep -q "usage: viosim" && ok || bad "--help"
"$viosim" run --help | grep -q -- "--replications" && ok || bad "run --help"
"$viosim" config --help | grep -q "duration_ms" && ok || bad "config --help lacks parameters"
"$viosim" --version | grep -q "^viosim [0-9]" && ok || bad "--version"
"$viosim" bogus > /dev/null 2>&1; [ $? = 1 ] && ok || bad "unknown command exit status"

# Every shipped config validates.
for f in "$src"/configs/experiments/*.yaml; do
  "$viosim" check "$f" > /dev/null || bad "shipped config $f does not validate"
done

finish
