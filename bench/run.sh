#!/usr/bin/env bash
# AgentWire's benchmark (docs/performance.md). One target at a time on 127.0.0.1, the server
# pinned to CPU 0 and the load generator to CPU 1; targets rotate from round to round; medians.
#   bench/run.sh            full run: 3 rounds × 7 targets × 3 scenarios (about 85 minutes)
#   bench/run.sh --quick    smoke run: 1 round, small and short; checks that the benchmark works
#   BENCH_TARGETS="agentwire node-ws" BENCH_ROUNDS=2 bench/run.sh   a subset, fewer rounds
#
# Targets: agentwire (real runs through the whole path: a thought and one tool call, the run the
# product exists for), agentwire-think3 (the same server, runs of three thoughts: no tool),
# agentwire-wildfly and agentwire-liberty (the same WAR and runs on WildFly 37 and Open Liberty 25,
# configured by server-config/), bare (a bare @ServerEndpoint on the same Payara Micro: the
# container's ceiling), node-ws (Node.js ws 8), spring (Spring Boot / Tomcat).
# Scenarios:
#   saturate  C connections, each sends its next request as soon as the last one is answered
#   rate      1,000 connections × 1 request/s (5,000 events/s): latency at a fixed load
#   hold      10,000 connections × 1 request per 10 s, on a freshly started (and warmed up) server:
#             connect time, connections held, latency, memory per connection
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

ROUNDS=${BENCH_ROUNDS:-3} WARMUP=10 RATE_WARMUP=20 SECS=20 SAT_CONNS=1000 RATE_CONNS=1000 HOLD_CONNS=10000
if [[ "${1:-}" == "--quick" ]]; then
  ROUNDS=1 WARMUP=2 RATE_WARMUP=2 SECS=3 SAT_CONNS=50 RATE_CONNS=50 HOLD_CONNS=200
fi
TARGETS=(${BENCH_TARGETS:-agentwire agentwire-think3 agentwire-wildfly agentwire-liberty bare node-ws spring})

prepare_servers "${TARGETS[@]}"
build_payara_targets
build_peers

# Discarded load before measuring: both kinds of load, since the JVM targets keep compiling for
# minutes (after 30 s of saturation, C2 still took over a third of AgentWire's core during the
# first 20 s at a fixed rate; docs/performance.md).
warm_up() {
  load saturate "$1" --connections "$SAT_CONNS" --seconds "$WARMUP" > /dev/null ||
    echo "$1: the saturating warm-up failed" >&2
  load rate "$1" --connections "$RATE_CONNS" --rate 1 --seconds "$RATE_WARMUP" > /dev/null ||
    echo "$1: the fixed-rate warm-up failed" >&2
}

RESULTS=$OUT/results.jsonl
: > "$RESULTS"
record() { # record TARGET ROUND SCENARIO JSON
  python3 -c 'import json, sys; r = json.loads(sys.argv[4]); r.update(target=sys.argv[1], round=int(sys.argv[2]), scenario=sys.argv[3]); print(json.dumps(r))' \
    "$1" "$2" "$3" "$4" >> "$RESULTS"
}
# measure TARGET ROUND SCENARIO LOAD-ARGS…: records the scenario, or says that it failed and goes
# on with the others (the report then finds it missing and fails).
measure() {
  local target=$1 round=$2 scenario=$3 out
  shift 3
  if out=$(load "$@" --server-pid "$SERVER") && [[ -n $out ]]; then
    record "$target" "$round" "$scenario" "$out"
  else
    echo "round $round: $target $scenario failed; not recorded" >&2
  fi
}

for round in $(seq 1 "$ROUNDS"); do
  for i in "${!TARGETS[@]}"; do
    target=${TARGETS[$(( (i + round - 1) % ${#TARGETS[@]} ))]}
    echo "round $round: $target" >&2
    start_server "$target"
    warm_up "$target"
    measure "$target" "$round" saturate saturate "$target" --connections "$SAT_CONNS" --seconds "$SECS"
    measure "$target" "$round" rate rate "$target" --connections "$RATE_CONNS" --rate 1 --seconds "$SECS"
    stop_server
    start_server "$target"
    warm_up "$target"
    measure "$target" "$round" hold rate "$target" --connections "$HOLD_CONNS" --rate 0.1 --seconds "$SECS"
    stop_server
  done
done

STRICT=; [[ "${1:-}" == "--quick" ]] && STRICT=--strict
python3 bench/report.py "$RESULTS" $STRICT
