#!/usr/bin/env bash
# The Payara Micro 7 route (docs/performance.md): AgentWire's WAR, unchanged, on Payara Micro 7
# (Jakarta EE 11) beside Payara Micro 6 and Node ws, in one run of bench/run.sh.
#   bench/payara7.sh                 2 rounds (about 25 minutes)
#   BENCH_ROUNDS=1 bench/payara7.sh
# Payara Micro 7 needs Java 21 or newer: PAYARA7_JAVA, or the Temurin 25 this kind of machine has.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=${PAYARA7_VERSION:-7.2026.11}
export PAYARA7_JAVA=${PAYARA7_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
export PAYARA7_JAR=target/payara7/payara-micro-$VERSION.jar
if [[ ! -x $PAYARA7_JAVA ]]; then
  echo "PAYARA7_JAVA=$PAYARA7_JAVA is not a java; Payara Micro 7 needs Java 21 or newer" >&2
  exit 2
fi
if [[ ! -f $PAYARA7_JAR ]]; then
  mvn -q -B dependency:copy -Dartifact=fish.payara.extras:payara-micro:$VERSION \
    -DoutputDirectory=target/payara7 -Dtransitive=false
fi
BENCH_TARGETS="agentwire agentwire-payara7 node-ws" BENCH_ROUNDS=${BENCH_ROUNDS:-2} exec bench/run.sh "$@"
