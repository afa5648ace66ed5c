#!/usr/bin/env bash
# Profiles a target under the benchmark's saturation load with Java Flight Recorder and prints
# where the server's CPU goes (bench/profile/Hotspots.java). See docs/performance.md.
#   bench/profile.sh [agentwire|bare|spring] [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
TARGET=${1:-agentwire} SECS=${2:-20} CONNS=${3:-1000}
build_payara_targets
JFR=$OUT/$TARGET.jfr
rm -f "$JFR"
start_server "$TARGET"
load saturate "$TARGET" --connections "$CONNS" --seconds 10 > /dev/null # warm-up
jcmd $SERVER JFR.start name=bench settings=profile > /dev/null
load saturate "$TARGET" --connections "$CONNS" --seconds "$SECS" --server-pid $SERVER | tee "$OUT/$TARGET-profile-load.json"
jcmd $SERVER JFR.stop name=bench filename="$(pwd)/$JFR" > /dev/null
stop_server
java bench/profile/Hotspots.java "$JFR" 40
