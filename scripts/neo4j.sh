#!/usr/bin/env bash
# Obtain and run a real Neo4j Community 5.26 LTS server on loopback, for tests, CI and local trials.
#
#   bash scripts/neo4j.sh install   obtain Neo4j from Maven Central into the cache (idempotent)
#   bash scripts/neo4j.sh start     install if needed, start on 127.0.0.1 with a generated password, wait for Bolt,
#                                   write an env file (NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE)
#                                   and print its path on the last line
#   bash scripts/neo4j.sh stop      stop it
#   bash scripts/neo4j.sh status    say whether it runs
#
# Environment: NEO4J_VERSION (default 5.26.30), NEO4J_PORT (default 7687; a free port is chosen if busy),
# SANCTIONS_GRAPH_CACHE (default ~/.cache/sanctions-graph), NEO4J_RUN_DIR (default <cache>/neo4j-run).
# Each start begins with an empty database: this server is for tests, not for keeping data.
#
# How Neo4j is obtained: first the packaged server (org.neo4j.assembly:neo4j-community-standalone, classifier
# unix, tar.gz); Maven Central does not serve that archive for 5.26, so then org.neo4j:neo4j with its runtime
# dependencies, started by the small launcher in scripts/neo4j-launcher/ (Bolt on loopback, HTTP off, auth on).
set -euo pipefail

VERSION="${NEO4J_VERSION:-5.26.30}"
CACHE="${SANCTIONS_GRAPH_CACHE:-$HOME/.cache/sanctions-graph}"
DIST="$CACHE/neo4j-$VERSION"
RUN_DIR="${NEO4J_RUN_DIR:-$CACHE/neo4j-run}"
HERE="$(cd "$(dirname "$0")" && pwd)"
LAUNCHER_SRC="$HERE/neo4j-launcher/Neo4jLauncher.java"
START_TIMEOUT="${NEO4J_START_TIMEOUT:-180}"

say() { echo "neo4j.sh: $*" >&2; }
die() { say "$*"; exit 1; }

usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; }

ensure_java() {
  local need=()
  command -v java >/dev/null 2>&1 && java -version 2>&1 | grep -qE 'version "(17|1[89]|2[0-9])' || need+=(openjdk-17-jdk-headless)
  command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null 2>&1 || need+=(maven)
  if [ ${#need[@]} -gt 0 ]; then
    say "installing ${need[*]} from Debian"
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
  fi
}

try_packaged() {
  # The packaged server, if Maven Central serves it. Quietly gives up otherwise.
  [ -x "$DIST/server/bin/neo4j" ] && return 0
  local tmp; tmp="$(mktemp -d)"
  if mvn -q -B dependency:copy \
      -Dartifact="org.neo4j.assembly:neo4j-community-standalone:$VERSION:tar.gz:unix" \
      -DoutputDirectory="$tmp" >/dev/null 2>&1; then
    mkdir -p "$DIST/server"
    tar -xzf "$tmp"/*.tar.gz -C "$DIST/server" --strip-components=1
    rm -rf "$tmp"
    say "using the packaged Neo4j server $VERSION"
    return 0
  fi
  rm -rf "$tmp"
  return 1
}

install_from_artifacts() {
  [ -f "$DIST/launcher/Neo4jLauncher.class" ] && [ -f "$DIST/ok" ] && return 0
  say "the packaged server is not served; resolving org.neo4j:neo4j:$VERSION and its dependencies"
  mkdir -p "$DIST/launcher"
  cat > "$DIST/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.sanctions-graph</groupId>
  <artifactId>neo4j-test-server</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.neo4j</groupId><artifactId>neo4j</artifactId><version>$VERSION</version></dependency>
  </dependencies>
</project>
POM
  rm -rf "$DIST/lib"
  (cd "$DIST" && mvn -q -B -Dstyle.color=never dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$DIST/lib" >&2) \
    || die "Maven could not resolve org.neo4j:neo4j:$VERSION (is Maven Central reachable?)"
  javac -cp "$DIST/lib/*" -d "$DIST/launcher" "$LAUNCHER_SRC" || die "could not compile $LAUNCHER_SRC"
  touch "$DIST/ok"
  say "installed Neo4j $VERSION ($(ls "$DIST/lib" | wc -l) jars) in $DIST"
}

cmd_install() {
  ensure_java
  mkdir -p "$DIST"
  try_packaged || install_from_artifacts
}

pid_alive() { [ -f "$RUN_DIR/neo4j.pid" ] && kill -0 "$(cat "$RUN_DIR/neo4j.pid")" 2>/dev/null; }

free_port() {
  local port="$1"
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
  else
    echo "$port"
  fi
}

cmd_start() {
  if pid_alive && [ -f "$RUN_DIR/neo4j.env" ]; then
    say "already running (pid $(cat "$RUN_DIR/neo4j.pid"))"
    echo "$RUN_DIR/neo4j.env"
    return 0
  fi
  cmd_install
  local port password
  port="$(free_port "${NEO4J_PORT:-7687}")"
  password="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
  rm -rf "$RUN_DIR"
  mkdir -p "$RUN_DIR"
  if [ -x "$DIST/server/bin/neo4j" ]; then
    local conf="$DIST/server/conf/neo4j.conf"
    export NEO4J_HOME="$DIST/server" NEO4J_CONF="$RUN_DIR/conf"
    mkdir -p "$NEO4J_CONF"
    {
      cat "$conf"
      echo "server.default_listen_address=127.0.0.1"
      echo "server.bolt.listen_address=127.0.0.1:$port"
      echo "server.http.enabled=false"
      echo "server.https.enabled=false"
      echo "server.directories.data=$RUN_DIR/data"
      echo "server.directories.logs=$RUN_DIR/logs"
      echo "server.directories.run=$RUN_DIR"
      echo "server.memory.heap.max_size=1g"
      echo "server.memory.pagecache.size=256m"
    } > "$NEO4J_CONF/neo4j.conf"
    "$NEO4J_HOME/bin/neo4j-admin" dbms set-initial-password "$password" >/dev/null
    nohup "$NEO4J_HOME/bin/neo4j" console > "$RUN_DIR/neo4j.log" 2>&1 &
  else
    NEO4J_LAUNCH_PASSWORD="$password" nohup java -Xms256m -Xmx1g -XX:+UseG1GC \
      -cp "$DIST/launcher:$DIST/lib/*" Neo4jLauncher "$RUN_DIR/home" "$port" > "$RUN_DIR/neo4j.log" 2>&1 &
  fi
  echo $! > "$RUN_DIR/neo4j.pid"
  local waited=0
  until grep -qE 'READY|Started\.' "$RUN_DIR/neo4j.log" 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    if ! pid_alive; then
      tail -n 30 "$RUN_DIR/neo4j.log" >&2 || true
      die "Neo4j stopped while starting (log: $RUN_DIR/neo4j.log)"
    fi
    if [ "$waited" -ge "$START_TIMEOUT" ]; then
      tail -n 30 "$RUN_DIR/neo4j.log" >&2 || true
      cmd_stop >/dev/null 2>&1 || true
      die "Neo4j did not answer on 127.0.0.1:$port within ${START_TIMEOUT}s (log: $RUN_DIR/neo4j.log)"
    fi
    sleep 1
    waited=$((waited + 1))
  done
  cat > "$RUN_DIR/neo4j.env" <<ENV
export NEO4J_URI=bolt://127.0.0.1:$port
export NEO4J_USERNAME=neo4j
export NEO4J_PASSWORD=$password
export NEO4J_DATABASE=neo4j
ENV
  chmod 600 "$RUN_DIR/neo4j.env"
  say "Neo4j $VERSION answers on bolt://127.0.0.1:$port after ${waited}s (pid $(cat "$RUN_DIR/neo4j.pid"))"
  echo "$RUN_DIR/neo4j.env"
}

cmd_stop() {
  if ! pid_alive; then
    say "not running"
    rm -f "$RUN_DIR/neo4j.pid"
    return 0
  fi
  local pid; pid="$(cat "$RUN_DIR/neo4j.pid")"
  kill -TERM "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "still running after 60s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$RUN_DIR/neo4j.pid" "$RUN_DIR/neo4j.env"
  say "stopped"
}

cmd_status() {
  if pid_alive; then
    echo "Neo4j is running (pid $(cat "$RUN_DIR/neo4j.pid")); env file: $RUN_DIR/neo4j.env"
  else
    echo "Neo4j is not running."
    return 3
  fi
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
