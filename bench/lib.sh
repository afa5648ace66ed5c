# Shared by bench/run.sh and bench/profile.sh: building, starting and stopping the targets, and
# running the load generator. Servers run on CPU 0, the load generator on CPU 1; the environment
# can change that and the Payara Micro that runs AgentWire:
#   SERVER_CPUS=0,1 LOADGEN_CPUS=0,1     the server on both cores (bench/cores.sh does this)
#   PAYARA_JAR=/path/payara-micro.jar SERVER_JAVA=/path/bin/java   another Payara Micro for AgentWire
# The target agentwire-payara7 is AgentWire (the mission's run) on Payara Micro 7 (Jakarta EE 11,
# Java 21+), beside agentwire in one run: bench/payara7.sh fetches it and sets PAYARA7_JAR and
# PAYARA7_JAVA.
# The targets agentwire-wildfly and agentwire-liberty are the same WAR and runs on WildFly 37 and
# Open Liberty 25, configured by server-config/ as the README's "Deploy to your server" says
# (prepare_servers fetches and configures them with the -Pwildfly and -Pliberty builds).
SERVER_CPUS=${SERVER_CPUS:-0}
LOADGEN_CPUS=${LOADGEN_CPUS:-1}
PAYARA_JAR=${PAYARA_JAR:-target/payara-micro.jar}
SERVER_JAVA=${SERVER_JAVA:-java}
PORT=18080
OUT=target/bench
SECRET="bench-secret-that-is-long-enough-for-hs256"
SERVER=
trap 'stop_server' EXIT
mkdir -p "$OUT"

# AgentWire's WAR and the bare endpoint's WAR, both for target/payara-micro.jar.
build_payara_targets() {
  echo "building AgentWire and the bare endpoint…" >&2
  mvn -q -B -DskipTests package
  local api_jar
  api_jar=$(find ~/.m2/repository/jakarta/platform/jakarta.jakartaee-web-api/10.0.0 -name '*.jar' | head -1)
  rm -rf "$OUT/bare" && mkdir -p "$OUT/bare/WEB-INF/classes"
  javac -d "$OUT/bare/WEB-INF/classes" -cp "$api_jar" bench/bare/BareEndpoint.java
  (cd "$OUT/bare" && jar cf ../bare.war WEB-INF)
}

# WildFly and Open Liberty as the -Pwildfly and -Pliberty builds leave them in target/servers
# (fetched, server-config/ applied), for the targets of the list given that need them.
prepare_servers() {
  local target
  for target in "$@"; do
    case $target in
      agentwire-wildfly)
        [[ -d target/servers/wildfly-37.0.1.Final ]] ||
          mvn -q -B -Pwildfly -DskipTests pre-integration-test ;;
      agentwire-liberty)
        [[ -d target/servers/wlp/usr/servers/agentwire ]] ||
          mvn -q -B -Pliberty -DskipTests pre-integration-test ;;
    esac
  done
}

# The peers a user might pick instead: Node ws (from the committed lock file) and Spring Boot.
build_peers() {
  echo "building the peers (Node ws, Spring Boot)…" >&2
  (cd bench/node && npm ci --silent --no-audit --no-fund)
  mvn -q -B -f bench/spring/pom.xml package
}

# Starts a target on 127.0.0.1:$PORT pinned to $SERVER_CPUS and waits until it accepts connections.
#   start_server TARGET [extra JVM option]
start_server() {
  local target=$1 jvm_extra=${2:-} ready log=$OUT/$1-server.log
  case $target in
    agentwire | agentwire-think3 | agentwire-payara7 | bare)
      local war=target/agentwire.war context=agentwire jar=$PAYARA_JAR java=$SERVER_JAVA
      [[ $target == bare ]] && war=$OUT/bare.war context=bare
      if [[ $target == agentwire-payara7 ]]; then
        jar=${PAYARA7_JAR:?agentwire-payara7 needs PAYARA7_JAR (bench/payara7.sh sets it)}
        java=${PAYARA7_JAVA:?agentwire-payara7 needs PAYARA7_JAVA, a Java 21 or newer}
      fi
      AGENTWIRE_AUTH_JWT_SECRET=$SECRET AGENTWIRE_AGENTS_SCRIPTED_ENABLED=true \
      AGENTWIRE_WS_RATE_MESSAGES_PER_SECOND=1000000 AGENTWIRE_WS_RATE_BURST=1000000 \
        taskset -c "$SERVER_CPUS" "$java" -Xmx1g $jvm_extra -Dfile.encoding=UTF-8 -jar "$jar" \
          --deploy "$war" --contextroot "$context" --port $PORT --nohazelcast \
          --prebootcommandfile server-config/pre-boot-commands.asadmin \
          --postbootcommandfile server-config/post-boot-commands.asadmin > "$log" 2>&1 &
      ready="Payara Micro URLs" ;;
    agentwire-wildfly)
      local home=$OUT/wildfly
      [[ -d target/servers/wildfly-37.0.1.Final ]] || { echo "no WildFly: see prepare_servers" >&2; exit 2; }
      rm -rf "$home" && cp -r target/servers/wildfly-37.0.1.Final "$home"
      cp target/agentwire.war "$home/standalone/deployments/"
      AGENTWIRE_AUTH_JWT_SECRET=$SECRET AGENTWIRE_AGENTS_SCRIPTED_ENABLED=true \
      AGENTWIRE_WS_RATE_MESSAGES_PER_SECOND=1000000 AGENTWIRE_WS_RATE_BURST=1000000 \
      JAVA_OPTS="-Xms1g -Xmx1g $jvm_extra -Dfile.encoding=UTF-8 -Djava.net.preferIPv4Stack=true" \
        taskset -c "$SERVER_CPUS" "$home/bin/standalone.sh" -b 127.0.0.1 -Djboss.http.port=$PORT \
          > "$log" 2>&1 &
      ready='WFLYSRV0025' ;;
    agentwire-liberty)
      local wlp=$OUT/wlp
      [[ -d target/servers/wlp/usr/servers/agentwire ]] || { echo "no Open Liberty: see prepare_servers" >&2; exit 2; }
      rm -rf "$wlp" && cp -r target/servers/wlp "$wlp"
      rm -rf "$wlp/usr/servers/agentwire/configDropins" "$wlp/usr/servers/agentwire/dropins"
      mkdir -p "$wlp/usr/servers/agentwire/dropins" "$wlp/usr/servers/agentwire/configDropins/overrides"
      cp target/agentwire.war "$wlp/usr/servers/agentwire/dropins/"
      # Only the port differs from server-config/liberty/server.xml.
      printf '<server><httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="%s" httpsPort="-1"/>%s</server>\n' \
        $PORT "${LIBERTY_EXTRA_CONFIG:-}" > "$wlp/usr/servers/agentwire/configDropins/overrides/bench.xml"
      printf -- '-Xms1g\n-Xmx1g\n-Dfile.encoding=UTF-8\n%s\n' "$jvm_extra" > "$wlp/usr/servers/agentwire/jvm.options"
      AGENTWIRE_AUTH_JWT_SECRET=$SECRET AGENTWIRE_AGENTS_SCRIPTED_ENABLED=true \
      AGENTWIRE_WS_RATE_MESSAGES_PER_SECOND=1000000 AGENTWIRE_WS_RATE_BURST=1000000 \
        taskset -c "$SERVER_CPUS" "$wlp/bin/server" run agentwire > "$log" 2>&1 &
      ready='CWWKF0011I' ;;
    node-ws)
      taskset -c "$SERVER_CPUS" node bench/node/server.js $PORT > "$log" 2>&1 &
      ready="listening on $PORT" ;;
    spring)
      taskset -c "$SERVER_CPUS" java -Xmx1g $jvm_extra -jar bench/spring/target/bench-spring.jar $PORT > "$log" 2>&1 &
      ready="listening on $PORT" ;;
    *) echo "unknown target $target" >&2; exit 2 ;;
  esac
  SERVER=$!
  for _ in $(seq 1 180); do
    if grep -q "$ready" "$log"; then
      [[ $target == agentwire-wildfly || $target == agentwire-liberty ]] && server_java_pid
      return 0
    fi
    if ! kill -0 $SERVER 2>/dev/null; then break; fi
    sleep 1
  done
  echo "the $target server did not start; see $log" >&2
  exit 1
}

# WildFly's and Liberty's scripts start the JVM as their child: $SERVER becomes that JVM, whose
# CPU the load generator measures and which stop_server stops (the script then exits).
server_java_pid() {
  [[ $(cat "/proc/$SERVER/comm" 2>/dev/null) == java ]] && return 0 # the script exec'd it
  local child
  child=$(pgrep -P "$SERVER" -x java | head -1 || true)
  if [[ -z $child ]]; then
    echo "no JVM under the $SERVER process" >&2
    exit 1
  fi
  SERVER_SCRIPT=$SERVER SERVER=$child
}

stop_server() {
  if [[ -n $SERVER ]]; then
    kill $SERVER 2>/dev/null || true
    wait $SERVER 2>/dev/null || true
    # Not our child when a script started it: wait for it here, at most a minute, then kill it.
    local waited=0
    while kill -0 $SERVER 2>/dev/null && ((waited++ < 300)); do sleep 0.2; done
    kill -9 $SERVER 2>/dev/null || true
    if [[ -n ${SERVER_SCRIPT:-} ]]; then
      wait "$SERVER_SCRIPT" 2>/dev/null || true
      SERVER_SCRIPT=
    fi
    SERVER=
  fi
}

target_url() {
  case $1 in
    agentwire*) echo "ws://127.0.0.1:$PORT/agentwire/ws" ;;
    bare) echo "ws://127.0.0.1:$PORT/bare/ws" ;;
    *) echo "ws://127.0.0.1:$PORT/ws" ;;
  esac
}

# The load generator on $LOADGEN_CPUS: load SCENARIO TARGET [options…]; prints one line of JSON.
load() {
  local scenario=$1 target=$2
  shift 2
  local mode=echo5
  [[ $target == agentwire* ]] && mode=$target
  taskset -c "$LOADGEN_CPUS" java -Xmx2g -Xss512k bench/load/LoadGenerator.java "$scenario" "$(target_url "$target")" "$mode" "$SECRET" "$@"
}
load_saturate() { load saturate "$1" --connections "$2" --seconds "$3"; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat; }
rss_kb() { awk '/VmRSS/{print $2}' "/proc/$1/status"; }
