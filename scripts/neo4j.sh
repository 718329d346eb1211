#!/usr/bin/env bash
# Obtain and run a real Neo4j Community 5.26 LTS server on loopback, for tests, CI and local trials.
# Run `bash scripts/neo4j.sh --help` for the commands and settings.
set -euo pipefail

VERSION="${NEO4J_VERSION:-5.26.30}"   # the newest 5.26.x on Maven Central when this was written
CACHE="${SANCTIONS_GRAPH_CACHE:-$HOME/.cache/sanctions-graph}"
DIST="$CACHE/neo4j-$VERSION"
RUN_DIR="${NEO4J_RUN_DIR:-$CACHE/neo4j-run}"
ENV_FILE="${NEO4J_ENV_FILE:-$RUN_DIR/neo4j.env}"
PID_FILE="$RUN_DIR/neo4j.pid"
LOG="$RUN_DIR/neo4j.log"
START_TIMEOUT="${NEO4J_START_TIMEOUT:-120}"
STOP_TIMEOUT="${NEO4J_STOP_TIMEOUT:-60}"
HEAP="${NEO4J_HEAP:-1g}"
PAGECACHE="${NEO4J_PAGECACHE:-256m}"
# C1 only: starts about 40% faster on 2 busy cores and is as quick on test-sized work; set it empty for full JIT.
read -ra JAVA_OPTS <<< "${NEO4J_JAVA_OPTS--XX:TieredStopAtLevel=1}"
LAUNCHER_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/neo4j-launcher/Neo4jLauncher.java"
MVN=(mvn -B -q -Dstyle.color=never)
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

usage() {
  cat <<EOF
Usage: bash scripts/neo4j.sh COMMAND

Commands:
  install   obtain Neo4j Community $VERSION from Maven Central into the cache (idempotent; fast once cached)
  start     install if needed, start Neo4j on 127.0.0.1 with a generated password and an empty database,
            wait until Bolt answers, write an env file (NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD,
            NEO4J_DATABASE) and print its path as the last line of stdout
  import DIR  replace the running server's database by neo4j-admin database import full with the arguments in
            DIR/import.args (what \`sanctions-graph load ... --bulk\` writes): stop, import, start again on the
            same port with the same password and memory (heap, page cache) unless NEO4J_HEAP/NEO4J_PAGECACHE are set
  stop      stop it (TERM, then KILL after ${STOP_TIMEOUT}s)
  status    say whether it runs and where (exit 0 if it runs, 3 if not)

Settings (environment):
  NEO4J_VERSION          Neo4j version (default 5.26.30)
  NEO4J_PORT             Bolt port (default 7687; a free port is chosen if it is taken)
  SANCTIONS_GRAPH_CACHE  cache directory (default ~/.cache/sanctions-graph)
  NEO4J_RUN_DIR          database, log, pid and env file (default <cache>/neo4j-run)
  NEO4J_ENV_FILE         env file to write (default <run dir>/neo4j.env)
  NEO4J_HEAP             JVM heap (default 1g)
  NEO4J_PAGECACHE        page cache, e.g. 4g for a 1M-entity benchmark (default 256m); outside the heap
  NEO4J_JAVA_OPTS        extra JVM options (default -XX:TieredStopAtLevel=1 for a quick start; set it to an
                         empty string for full JIT, e.g. in long benchmarks)
  NEO4J_START_TIMEOUT    seconds to wait for Bolt (default 120)

Usage in a test run:  source "\$(bash scripts/neo4j.sh start | tail -n 1)"

Maven Central has no packaged server (neo4j-community-standalone tar.gz) for 5.26, only its pom; install tries
it first and then falls back to org.neo4j:neo4j with its dependencies, run by the small launcher in
scripts/neo4j-launcher/ (Bolt on loopback, HTTP off, authentication on).
EOF
}

say() { echo "neo4j.sh: $*" >&2; }
die() { say "$*"; exit 1; }

ensure_tools() {
  if command -v java >/dev/null && java -version 2>&1 | grep -qE 'version "(1[7-9]|2[0-9])' \
      && command -v javac >/dev/null && command -v mvn >/dev/null; then
    return 0
  fi
  say "installing Java 17 and Maven from Debian"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq openjdk-17-jdk-headless maven >/dev/null
}

# The packaged server, if Maven Central serves it; fails quietly and quickly otherwise.
try_packaged() {
  local tmp; tmp="$(mktemp -d)"
  if (cd "$tmp" && timeout 120 "${MVN[@]}" "$DEPENDENCY_PLUGIN:copy" -DoutputDirectory="$tmp/out" \
        -Dartifact="org.neo4j.assembly:neo4j-community-standalone:$VERSION:tar.gz:unix") >/dev/null 2>&1; then
    rm -rf "$DIST/server" && mkdir -p "$DIST/server"
    tar -xzf "$tmp"/out/*.tar.gz -C "$DIST/server" --strip-components=1
    say "installed the packaged Neo4j server $VERSION in $DIST/server"
  fi
  rm -rf "$tmp"
  [ -x "$DIST/server/bin/neo4j" ]
}

# org.neo4j:neo4j and its runtime dependencies, copied into $DIST/lib.
resolve_jars() {
  say "no packaged server on Maven Central; resolving org.neo4j:neo4j:$VERSION and its dependencies"
  cat > "$DIST/pom.xml" <<EOF
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
EOF
  rm -rf "${DIST:?}/lib" "$DIST/lib.partial"
  if ! (cd "$DIST" && "${MVN[@]}" "$DEPENDENCY_PLUGIN:copy-dependencies" -DincludeScope=runtime \
      -DoutputDirectory="$DIST/lib.partial" > "$DIST/maven.log" 2>&1); then
    tail -n 30 "$DIST/maven.log" >&2
    die "Maven could not resolve org.neo4j:neo4j:$VERSION (log: $DIST/maven.log)"
  fi
  mv "$DIST/lib.partial" "$DIST/lib"
  say "resolved $(find "$DIST/lib" -name '*.jar' | wc -l) jars into $DIST/lib"
}

# Compiled again only when the launcher's source changed.
compile_launcher() {
  local sum; sum="$(sha256sum < "$LAUNCHER_SRC" | cut -d' ' -f1)"
  [ "$(cat "$DIST/launcher/source.sha256" 2>/dev/null)" = "$sum" ] && return 0
  rm -rf "$DIST/launcher" && mkdir -p "$DIST/launcher"
  javac -nowarn -cp "$DIST/lib/*" -d "$DIST/launcher" "$LAUNCHER_SRC" || die "could not compile $LAUNCHER_SRC"
  echo "$sum" > "$DIST/launcher/source.sha256"
}

# A subshell, so that the install lock is released (and not inherited by the server) when it ends.
cmd_install() (
  ensure_tools
  mkdir -p "$DIST"
  exec 9>"$DIST/install.lock"
  flock 9
  [ -x "$DIST/server/bin/neo4j" ] && exit 0
  if [ ! -d "$DIST/lib" ]; then
    try_packaged && exit 0
    resolve_jars
  fi
  compile_launcher
)

# The pid in the pid file, if that process is alive and is a Neo4j server.
running_pid() {
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null)" || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -qa -e Neo4jLauncher -e neo4j "/proc/$pid/cmdline" 2>/dev/null \
    && echo "$pid"
}

# NEO4J_PORT (default 7687) if it can be bound on 127.0.0.1, else a free port.
pick_port() {
  python3 - "${NEO4J_PORT:-7687}" <<'EOF'
import socket, sys
for port in (int(sys.argv[1]), 0):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        print(s.getsockname()[1])
        break
EOF
}

# A real Bolt handshake: proposes Bolt 5.0-5.8 and 4.4; prints the version the server agreed to.
bolt_version() {
  local reply major minor
  # shellcheck disable=SC2016  # $1 is expanded by the inner bash
  reply="$(timeout 5 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"
    printf "\x60\x60\xb0\x17\x00\x08\x08\x05\x00\x00\x04\x04\x00\x00\x00\x00\x00\x00\x00\x00" >&3
    head -c 4 <&3 | od -An -tu1' _ "$1" 2>/dev/null)" || return 1
  read -r _ _ minor major <<< "$reply"
  [ "${major:-0}" -gt 0 ] && echo "$major.$minor"
}

log_tail() {
  say "last lines of $LOG:"
  tail -n 40 "$LOG" >&2 2>/dev/null || true
  [ -f "$RUN_DIR/home/logs/debug.log" ] && { say "last lines of $RUN_DIR/home/logs/debug.log:"; tail -n 20 "$RUN_DIR/home/logs/debug.log" >&2; }
  return 0
}

# Close every descriptor above stderr that this shell inherited: the server runs long after the caller, and would
# otherwise keep them open, e.g. the lock of `flock /tmp/sg-bench.lock bash scripts/neo4j.sh start` held for as long
# as the server runs. Called in the subshell that becomes the server.
# The server itself runs in a session of its own (setsid: the subshell is no process group leader, so setsid execs in
# place and the pid stays the one written): a Ctrl-C or a `timeout` aimed at the command that started it, e.g. a
# `load --bulk` whose import restarted the server, does not stop the server as well.
close_inherited_fds() {
  local fd
  for fd in $(ls "/proc/$BASHPID/fd" 2>/dev/null); do
    [ "$fd" -gt 2 ] && eval "exec $fd>&-"
  done
  return 0
}

start_packaged() {
  local port="$1" password="$2" state="${3:-new}"
  export NEO4J_HOME="$DIST/server" NEO4J_CONF="$RUN_DIR/conf"
  mkdir -p "$NEO4J_CONF"
  {
    cat "$NEO4J_HOME/conf/neo4j.conf"
    echo "server.default_listen_address=127.0.0.1"
    echo "server.bolt.listen_address=127.0.0.1:$port"
    echo "server.bolt.tls_level=DISABLED"
    echo "server.http.enabled=false"
    echo "server.https.enabled=false"
    echo "dbms.usage_report.enabled=false"
    echo "server.directories.data=$RUN_DIR/home/data"
    echo "server.directories.logs=$RUN_DIR/home/logs"
    echo "server.directories.run=$RUN_DIR/home/run"
    echo "server.memory.heap.initial_size=256m"
    echo "server.memory.heap.max_size=$HEAP"
    echo "server.memory.pagecache.size=$PAGECACHE"
    for opt in ${JAVA_OPTS[@]+"${JAVA_OPTS[@]}"}; do echo "server.jvm.additional=$opt"; done
  } > "$NEO4J_CONF/neo4j.conf"
  [ "$state" = kept ] || "$NEO4J_HOME/bin/neo4j-admin" dbms set-initial-password "$password" >> "$LOG" 2>&1
  (close_inherited_fds; exec setsid nohup "$NEO4J_HOME/bin/neo4j" console < /dev/null >> "$LOG" 2>&1) &
  echo $! > "$PID_FILE"
}

start_embedded() {
  local port="$1" password="$2"
  (close_inherited_fds; NEO4J_LAUNCH_PASSWORD="$password" NEO4J_LAUNCH_PAGECACHE="$PAGECACHE" exec setsid nohup java -Xms256m "-Xmx$HEAP" -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError \
    --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED ${JAVA_OPTS[@]+"${JAVA_OPTS[@]}"} \
    -cp "$DIST/launcher:$DIST/lib/*" Neo4jLauncher "$RUN_DIR/home" "$port" < /dev/null >> "$LOG" 2>&1) &
  echo $! > "$PID_FILE"
}

cmd_start() {
  local pid port password
  if pid="$(running_pid)"; then
    [ -f "$ENV_FILE" ] || die "Neo4j (pid $pid) is starting or half-started in $RUN_DIR; stop it first"
    say "already running (pid $pid)"
    echo "$ENV_FILE"
    return 0
  fi
  cmd_install
  port="$(pick_port)"
  [ "$port" = "${NEO4J_PORT:-7687}" ] || say "port ${NEO4J_PORT:-7687} is taken; using $port"
  password="$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
  mkdir -p "$RUN_DIR"
  rm -rf "${RUN_DIR:?}/home" "$RUN_DIR/conf" "$ENV_FILE"   # every start begins with an empty database
  launch "$port" "$password" new
}

# Start the server on PORT with PASSWORD (its data as it is: "new" for an empty one), wait until Bolt answers and
# write the env file.
launch() {
  local port="$1" password="$2" state="$3" pid bolt=""
  : > "$LOG"
  printf 'heap=%s\npagecache=%s\n' "$HEAP" "$PAGECACHE" > "$RUN_DIR/memory"
  if [ -x "$DIST/server/bin/neo4j" ]; then start_packaged "$port" "$password" "$state"; else start_embedded "$port" "$password"; fi
  pid="$(cat "$PID_FILE")"
  SECONDS=0
  until grep -qE '^READY|Started\.' "$LOG" && bolt="$(bolt_version "$port")"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log_tail
      die "Neo4j exited while starting"
    fi
    if [ "$SECONDS" -ge "$START_TIMEOUT" ]; then
      log_tail
      cmd_stop || true
      die "Neo4j did not answer on 127.0.0.1:$port within ${START_TIMEOUT}s"
    fi
    sleep 0.5
  done
  (
    umask 077
    echo "export NEO4J_URI=bolt://127.0.0.1:$port NEO4J_USERNAME=neo4j NEO4J_PASSWORD=$password NEO4J_DATABASE=neo4j" \
      "NEO4J_RUN_DIR=$RUN_DIR" > "$ENV_FILE"
  )
  say "$(grep -m1 '^READY' "$LOG" | cut -d' ' -f3- || echo "Neo4j $VERSION") answers Bolt $bolt on 127.0.0.1:$port" \
    "after ${SECONDS}s (pid $pid, log $LOG)"
  echo "$ENV_FILE"
}

# neo4j-admin database import full with the arguments in DIR/import.args (written by graph/stores/bulk_import.py):
# the running server is stopped, the database replaced by the import and the server started again on the same port
# with the same password (the env file is rewritten alike).
cmd_import() {
  local dir="${1:-}" pid port password args
  [ -n "$dir" ] && [ -f "$dir/import.args" ] || die "usage: neo4j.sh import DIR (DIR/import.args: the import's arguments)"
  args="$(cd "$dir" && pwd)/import.args"
  pid="$(running_pid)" && [ -f "$ENV_FILE" ] || die "Neo4j does not run in $RUN_DIR: start it first (neo4j.sh start)"
  # shellcheck disable=SC1090
  port="$(. "$ENV_FILE"; echo "${NEO4J_URI##*:}")"
  password="$(. "$ENV_FILE"; echo "$NEO4J_PASSWORD")"
  # The server comes back with the memory it was started with (NEO4J_HEAP / NEO4J_PAGECACHE of this call if set):
  # a load run without them must not restart a 4g server with the 256m default.
  if [ -f "$RUN_DIR/memory" ]; then
    [ -n "${NEO4J_HEAP:-}" ] || HEAP="$(sed -n 's/^heap=//p' "$RUN_DIR/memory")"
    [ -n "${NEO4J_PAGECACHE:-}" ] || PAGECACHE="$(sed -n 's/^pagecache=//p' "$RUN_DIR/memory")"
  fi
  cmd_stop
  SECONDS=0
  : > "$RUN_DIR/import.log"
  if [ -x "$DIST/server/bin/neo4j-admin" ]; then
    NEO4J_HOME="$DIST/server" NEO4J_CONF="$RUN_DIR/conf" "$DIST/server/bin/neo4j-admin" database import full "@$args" \
      >> "$RUN_DIR/import.log" 2>&1 || { tail -n 30 "$RUN_DIR/import.log" >&2; die "the import failed (log $RUN_DIR/import.log)"; }
  else
    compile_launcher
    mkdir -p "$RUN_DIR/conf" && touch "$RUN_DIR/conf/neo4j.conf"
    NEO4J_HOME="$RUN_DIR/home" NEO4J_CONF="$RUN_DIR/conf" java "-Xmx$HEAP" -cp "$DIST/lib/*" org.neo4j.cli.AdminTool \
      database import full "@$args" >> "$RUN_DIR/import.log" 2>&1 \
      || { tail -n 30 "$RUN_DIR/import.log" >&2; die "the import failed (log $RUN_DIR/import.log)"; }
  fi
  say "imported in ${SECONDS}s ($(grep -A3 '^Imported:' "$RUN_DIR/import.log" | tail -n 3 | xargs))"
  launch "$port" "$password" kept
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    say "not running"
    rm -f "$PID_FILE" "$ENV_FILE"
    return 0
  fi
  kill -TERM "$pid"
  for _ in $(seq "$STOP_TIMEOUT"); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "still running after ${STOP_TIMEOUT}s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE" "$ENV_FILE"
  say "stopped (pid $pid)"
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    echo "Neo4j runs (pid $pid) at $(grep -o 'bolt://[^ ]*' "$ENV_FILE" 2>/dev/null || echo '?'); env file $ENV_FILE, log $LOG"
  else
    echo "Neo4j does not run (run dir $RUN_DIR)"
    return 3
  fi
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  import) shift; cmd_import "$@" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
