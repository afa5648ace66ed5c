#!/usr/bin/env bash
# AgentWire's benchmark (docs/performance.md). One target at a time on 127.0.0.1, the server
# pinned to CPU 0 and the load generator to CPU 1; targets rotate from round to round; medians.
#   bench/run.sh            full run: 3 rounds × 5 targets × 3 scenarios (about 50 minutes)
#   bench/run.sh --quick    smoke run: 1 round, small and short; checks that the benchmark works
#   BENCH_TARGETS="agentwire node-ws" BENCH_ROUNDS=2 bench/run.sh   a subset, fewer rounds
#
# Targets: agentwire (real runs through the whole path: a thought and one tool call, the run the
# product exists for), agentwire-think3 (the same server, runs of three thoughts: no tool), bare (a bare @ServerEndpoint on the same
# Payara Micro: the container's ceiling), node-ws (Node.js ws 8), spring (Spring Boot / Tomcat).
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
TARGETS=(${BENCH_TARGETS:-agentwire agentwire-think3 bare node-ws spring})

build_payara_targets
build_peers

# Discarded load before measuring: both kinds of load, since the JVM targets keep compiling for
# minutes (after 30 s of saturation, C2 still took over a third of AgentWire's core during the
# first 20 s at a fixed rate; docs/performance.md).
warm_up() {
  load saturate "$1" --connections "$SAT_CONNS" --seconds "$WARMUP" > /dev/null
  load rate "$1" --connections "$RATE_CONNS" --rate 1 --seconds "$RATE_WARMUP" > /dev/null
}

RESULTS=$OUT/results.jsonl
: > "$RESULTS"
record() { # record TARGET ROUND SCENARIO JSON
  python3 -c 'import json, sys; r = json.loads(sys.argv[4]); r.update(target=sys.argv[1], round=int(sys.argv[2]), scenario=sys.argv[3]); print(json.dumps(r))' \
    "$1" "$2" "$3" "$4" >> "$RESULTS"
}

for round in $(seq 1 "$ROUNDS"); do
  for i in "${!TARGETS[@]}"; do
    target=${TARGETS[$(( (i + round - 1) % ${#TARGETS[@]} ))]}
    echo "round $round: $target" >&2
    start_server "$target"
    warm_up "$target"
    record "$target" "$round" saturate \
      "$(load saturate "$target" --connections "$SAT_CONNS" --seconds "$SECS" --server-pid $SERVER)"
    record "$target" "$round" rate \
      "$(load rate "$target" --connections "$RATE_CONNS" --rate 1 --seconds "$SECS" --server-pid $SERVER)"
    stop_server
    start_server "$target"
    warm_up "$target"
    record "$target" "$round" hold \
      "$(load rate "$target" --connections "$HOLD_CONNS" --rate 0.1 --seconds "$SECS" --server-pid $SERVER)"
    stop_server
  done
done

STRICT=; [[ "${1:-}" == "--quick" ]] && STRICT=--strict
python3 bench/report.py "$RESULTS" $STRICT
