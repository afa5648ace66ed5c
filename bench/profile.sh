#!/usr/bin/env bash
# Profiles a target under the benchmark's saturation load with Java Flight Recorder and prints
# where the server's CPU goes (bench/profile/Hotspots.java). See docs/performance.md.
#   bench/profile.sh [agentwire|bare|spring] [seconds] [connections] [requests/s per connection]
# Without a rate, each connection sends its next request as soon as the last one is answered.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
TARGET=${1:-agentwire} SECS=${2:-20} CONNS=${3:-200} RATE=${4:-}
prepare_servers "$TARGET"
SCENARIO=(saturate); [[ -n $RATE ]] && SCENARIO=(rate --rate "$RATE")
build_payara_targets
JFR=$OUT/$TARGET.jfr
rm -f "$JFR"
# The JDK's "profile" settings with Java method sampling every 5 ms instead of every 10 ms.
JFC=$OUT/profile-5ms.jfc
JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
sed 's|\(control="method-sampling-java-interval">\)10 ms|\15 ms|' "$JAVA_HOME/lib/jfr/profile.jfc" > "$JFC"
start_server "$TARGET"
load "${SCENARIO[@]:0:1}" "$TARGET" "${SCENARIO[@]:1}" --connections "$CONNS" --seconds 10 > /dev/null # warm-up
jcmd $SERVER JFR.start name=bench settings="$(pwd)/$JFC" > /dev/null
load "${SCENARIO[@]:0:1}" "$TARGET" "${SCENARIO[@]:1}" --connections "$CONNS" --seconds "$SECS" --server-pid $SERVER | tee "$OUT/$TARGET-profile-load.json"
jcmd $SERVER JFR.stop name=bench filename="$(pwd)/$JFR" > /dev/null
stop_server
java bench/profile/Hotspots.java "$JFR" 40
