#!/usr/bin/env bash
# More than one core (docs/performance.md): AgentWire and Node ws at saturation, the server on one
# core (CPU 0, the load generator on CPU 1, as in bench/run.sh) and then on both (the load
# generator shares them), with the CPU each group of the server's threads used over the measured
# load (bench/threads.py): does the second core help, and does one thread (the flusher) cap it?
#   bench/cores.sh                    both targets, both placements (about 8 minutes)
#   BENCH_TARGETS=agentwire bench/cores.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

SECS=20 CONNS=1000
TARGETS=(${BENCH_TARGETS:-agentwire node-ws})
build_payara_targets
(cd bench/node && npm ci --silent --no-audit --no-fund)

RESULTS=$OUT/cores.jsonl
: > "$RESULTS"
for target in "${TARGETS[@]}"; do
  for placement in one both; do
    if [[ $placement == one ]]; then SERVER_CPUS=0 LOADGEN_CPUS=1; else SERVER_CPUS=0,1 LOADGEN_CPUS=0,1; fi
    echo "$target, server on $placement core(s)" >&2
    start_server "$target"
    load saturate "$target" --connections "$CONNS" --seconds 10 > /dev/null
    load rate "$target" --connections "$CONNS" --rate 1 --seconds 20 > /dev/null
    # The thread sampler covers the load's connecting too (a few seconds, little CPU).
    python3 bench/threads.py "$SERVER" $((SECS + 5)) > "$OUT/threads.json" &
    sampler=$!
    result=$(load saturate "$target" --connections "$CONNS" --seconds "$SECS" --server-pid "$SERVER")
    wait $sampler
    python3 -c 'import json, sys; r = json.loads(sys.argv[1]); r.update(target=sys.argv[2], placement=sys.argv[3], threads=json.load(open(sys.argv[4])), window_s=float(sys.argv[5])); print(json.dumps(r))' \
      "$result" "$target" "$placement" "$OUT/threads.json" $((SECS + 5)) >> "$RESULTS"
    stop_server
  done
done
python3 - "$RESULTS" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
print("| target | server on | events/s | server CPU s | CPU µs/event | load generator CPU s | busiest threads (CPU s over %s s) |" % rows[0]["window_s"])
print("| --- | --- | --- | --- | --- | --- | --- |")
for r in rows:
    top = ", ".join(f"{k} {v}" for k, v in list(r["threads"].items())[:5])
    print(f"| {r['target']} | {r['placement']} | {r['events_per_s']:,.0f} | {r['server_cpu_s']:.1f} | {r['cpu_us_per_event']:.1f} | {r['loadgen_cpu_s']:.1f} | {top} |")
PY
