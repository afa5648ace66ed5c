#!/usr/bin/env bash
# AgentWire's benchmark: saturation throughput of AgentWire and of a bare @ServerEndpoint on the
# same Payara Micro, one at a time on 127.0.0.1, server pinned to CPU 0 and load generator to
# CPU 1, rounds rotating the targets, medians printed. See docs/performance.md.
#   bench/run.sh            full run (3 rounds, 200 connections, 20 s measured after a 10 s warm-up)
#   bench/run.sh --quick    smoke run (1 round, 50 connections, 3 s): checks that the benchmark works
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=3 CONNECTIONS=200 WARMUP=10 SECONDS_MEASURED=20
if [[ "${1:-}" == "--quick" ]]; then ROUNDS=1 CONNECTIONS=50 WARMUP=2 SECONDS_MEASURED=3; fi
PORT=18080
OUT=target/bench
SECRET="bench-secret-that-is-long-enough-for-hs256"
mkdir -p "$OUT/bare/WEB-INF/classes"

echo "building AgentWire and the bare endpoint…" >&2
mvn -q -B -DskipTests package
API_JAR=$(find ~/.m2/repository/jakarta/platform/jakarta.jakartaee-web-api/10.0.0 -name '*.jar' | head -1)
javac -q -d "$OUT/bare/WEB-INF/classes" -cp "$API_JAR" bench/bare/BareEndpoint.java 2>/dev/null ||
  javac -d "$OUT/bare/WEB-INF/classes" -cp "$API_JAR" bench/bare/BareEndpoint.java
(cd "$OUT/bare" && jar cf ../bare.war WEB-INF)

SERVER=
trap '[[ -n $SERVER ]] && kill $SERVER 2>/dev/null || true' EXIT

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat; }
rss_kb() { awk '/VmRSS/{print $2}' "/proc/$1/status"; }

start_server() { # $1 = target
  local war path
  if [[ $1 == agentwire ]]; then war=target/agentwire.war; path=agentwire; else war=$OUT/bare.war; path=bare; fi
  AGENTWIRE_AUTH_JWT_SECRET=$SECRET AGENTWIRE_AGENTS_SCRIPTED_ENABLED=true \
  AGENTWIRE_WS_RATE_MESSAGES_PER_SECOND=1000000 AGENTWIRE_WS_RATE_BURST=1000000 \
    taskset -c 0 java -Xmx1g -Dfile.encoding=UTF-8 -jar target/payara-micro.jar \
      --deploy "$war" --contextroot "$path" --port $PORT --nohazelcast \
      --prebootcommandfile server-config/pre-boot-commands.asadmin \
      --postbootcommandfile server-config/post-boot-commands.asadmin > "$OUT/$1-server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 120); do
    if grep -q "Payara Micro URLs" "$OUT/$1-server.log"; then return 0; fi # printed once deployed
    sleep 1
  done
  echo "the $1 server did not start; see $OUT/$1-server.log" >&2
  exit 1
}

load() { # $1 = target, $2 = seconds
  local path; if [[ $1 == agentwire ]]; then path=agentwire; else path=bare; fi
  taskset -c 1 java -Xmx1g bench/load/LoadGenerator.java "ws://127.0.0.1:$PORT/$path/ws" "$1" "$CONNECTIONS" "$2" "$SECRET"
}

RESULTS=$OUT/results.jsonl
: > "$RESULTS"
TARGETS=(agentwire bare)
for round in $(seq 1 "$ROUNDS"); do
  for i in "${!TARGETS[@]}"; do
    target=${TARGETS[$(( (i + round - 1) % ${#TARGETS[@]} ))]}
    echo "round $round: $target" >&2
    start_server "$target"
    load "$target" "$WARMUP" > /dev/null
    cpu0=$(cpu_ticks $SERVER); busy0=$(busy_ticks)
    line=$(load "$target" "$SECONDS_MEASURED")
    cpu1=$(cpu_ticks $SERVER); busy1=$(busy_ticks)
    rss=$(rss_kb $SERVER)
    kill $SERVER; wait $SERVER 2>/dev/null || true
    # Busy ticks beyond the server's and one core of load generator: someone else used the CPU.
    hz=$(getconf CLK_TCK)
    echo "$line" | python3 -c "
import json, sys
r = json.loads(sys.stdin.read())
r.update(target='$target', round=$round, server_cpu_s=($cpu1 - $cpu0) / $hz, busy_s=($busy1 - $busy0) / $hz, rss_mb=$rss / 1024)
r['cpu_us_per_event'] = r['server_cpu_s'] * 1e6 / max(r['events'], 1)
r['noisy'] = r['busy_s'] > r['seconds'] * 2 * 0.98 and r['server_cpu_s'] < r['seconds'] * 0.9
print(json.dumps(r))" >> "$RESULTS"
  done
done

python3 - "$RESULTS" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
by = {}
for r in rows: by.setdefault(r["target"], []).append(r)
med = lambda t, k: statistics.median(r[k] for r in by[t])
base = med("agentwire", "events_per_s")
print(f"{'target':<10} {'events/s':>10} {'ratio':>6} {'CPU µs/event':>13} {'p50 ms':>7} {'p99 ms':>7} {'RSS MB':>7} {'noisy rounds':>12}")
for t in by:
    print(f"{t:<10} {med(t,'events_per_s'):>10.0f} {med(t,'events_per_s')/base:>6.2f} {med(t,'cpu_us_per_event'):>13.1f} "
          f"{med(t,'p50_ms'):>7.2f} {med(t,'p99_ms'):>7.2f} {med(t,'rss_mb'):>7.0f} {sum(r['noisy'] for r in by[t]):>12}")
if any(r["events"] == 0 for r in rows): sys.exit("a target delivered no events: the benchmark is broken")
PY
