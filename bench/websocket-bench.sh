#!/usr/bin/env bash
# WebSocket tunnels (issue #16), two parts, each printing a markdown table:
#   (a) memory: balancer.jar with -Xmx64m (MEM_JVM_OPTS), TUNNELS (1000) WebSocket connections opened through it and
#       held idle: the jar's RSS (/proc VmRSS), heap used and heap live after a full GC (jcmd GC.heap_info, GC.run)
#       and its balancer_tunnels_active gauge, before and with them open; at the end every one must still echo.
#   (b) echo through balancer.jar vs nginx vs HAProxy vs direct to the backend: round-trip latency p50/p99 of MSGS
#       (10000) sequential SIZE-byte messages over one connection, and throughput of CONNS (50) connections, each with
#       one message in flight, for DURATION; LB CPU from /proc gives messages per LB CPU-second. nginx passes the
#       upgrade with proxy_http_version 1.1 and Upgrade/Connection "upgrade" headers, HAProxy natively (timeout
#       tunnel 1h). Interleaved rounds (peer order rotated), medians.
# Backend and client: bench/websocket-bench.go (golang.org/x/net/websocket from Debian's golang-golang-x-net-dev,
# built in GOPATH mode in a temp dir): 3 echo backends on BACKEND_PORTS, round robin. LB pinned to LB_CPU (nginx 1
# worker, HAProxy nbthread 1, the JVM sees 1 CPU), backends and clients to LOAD_CPU. Loopback only; bounded: every
# client has a deadline (hold: HOLD_TIMEOUT, latency 120 s, throughput DURATION) and runs under `timeout`.
#
#   mvn -B -q package -DskipTests && bench/websocket-bench.sh
#   PARTS=memory bench/websocket-bench.sh          # (a) only; PARTS=echo for (b) only
#   JDK=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java bench/websocket-bench.sh   # (b) also with the jar on that java
# Knobs: TUNNELS 1000, MEM_JVM_OPTS -Xmx64m, SETTLE 5 (s idle before measuring), HOLD_TIMEOUT 120, ROUNDS 3,
# WARMUP 5s, DURATION 10s, CONNS 50, MSGS 10000, SIZE 32, PEERS "nginx haproxy balancer direct", JVM_OPTS -Xmx256m,
# JAVA java, JDK, LB_PORT 8080, BACKEND_PORTS "9001 9002 9003", LB_CPU 0, LOAD_CPU 1, LB_READY_TIMEOUT 60,
# RESULTS_DIR target/bench-results. Needs nginx, haproxy, go, golang-golang-x-net-dev, curl, jcmd. One benchmark at a time.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
. bench/bench-lib.sh
PARTS=${PARTS:-memory echo} TUNNELS=${TUNNELS:-1000} MEM_JVM_OPTS=${MEM_JVM_OPTS:--Xmx64m} SETTLE=${SETTLE:-5}
HOLD_TIMEOUT=${HOLD_TIMEOUT:-120} ROUNDS=${ROUNDS:-3} WARMUP=$(secs "${WARMUP:-5s}") DURATION=$(secs "${DURATION:-10s}")
CONNS=${CONNS:-50} MSGS=${MSGS:-10000} SIZE=${SIZE:-32} JVM_OPTS=${JVM_OPTS:--Xmx256m} JAVA=${JAVA:-java}
LB_PORT=${LB_PORT:-8080} BACKEND_PORTS=(${BACKEND_PORTS:-9001 9002 9003}) LB_CPU=${LB_CPU:-0} LOAD_CPU=${LOAD_CPU:-1}
LB_READY_TIMEOUT=${LB_READY_TIMEOUT:-60} RESULTS_DIR=${RESULTS_DIR:-$root/target/bench-results}
peers=(${PEERS:-nginx haproxy balancer direct})
[ -n "${JDK:-}" ] && [[ " ${peers[*]} " != *" balancer-jdk25 "* ]] && peers+=(balancer-jdk25)
for tool in nginx haproxy go curl taskset ss; do command -v $tool >/dev/null || { echo "missing $tool" >&2; exit 1; }; done
[ -d /usr/share/gocode/src/golang.org/x/net/websocket ] || { echo "apt-get install -y golang-golang-x-net-dev" >&2; exit 1; }
[ -f target/balancer.jar ] || { echo "build first: mvn -B -q package -DskipTests" >&2; exit 1; }
jcmd=$(dirname "$(readlink -f "$(command -v "$JAVA")")")/jcmd
[ -x "$jcmd" ] || { echo "no jcmd beside $JAVA" >&2; exit 1; }
ports_free "$LB_PORT" "${BACKEND_PORTS[@]}"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -gt $((2 * TUNNELS + 100)) ] || { echo "ulimit -n $(ulimit -n) is too low for $TUNNELS tunnels" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do stop_tree "$p"; done; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

GO111MODULE=off GOPATH=/usr/share/gocode go build -o "$work/wsb" bench/websocket-bench.go
for port in "${BACKEND_PORTS[@]}"; do
  taskset -c "$LOAD_CPU" "$work/wsb" server "$port" > "$work/backend$port.log" 2>&1 &
  pids+=($!)
done
for i in "${!BACKEND_PORTS[@]}"; do
  wait_200 "http://127.0.0.1:${BACKEND_PORTS[$i]}/" 10 "${pids[$i]}" || { echo "backend ${BACKEND_PORTS[$i]} did not start" >&2; exit 1; }
done
client() { taskset -c "$LOAD_CPU" timeout "$1" "$work/wsb" "${@:2}"; }
kv() { sed -n "s/.*\<$1=\([^ ]*\).*/\1/p" | head -1; } # the value of key $1 in "k=v k=v" lines

backends=$(for port in "${BACKEND_PORTS[@]}"; do printf 'http://127.0.0.1:%s,' "$port"; done)
jar_args=(-jar target/balancer.jar --host=127.0.0.1 --port="$LB_PORT" --backends="${backends%,}" --shutdownDelay=0s
  --maxConnectionsPerBackend=$((TUNNELS + 100)))
start_jar() { # java, JVM options -> $pid (log in $work/jar.log)
  (exec taskset -c "$LB_CPU" $1 $2 "${jar_args[@]}") > "$work/jar.log" 2>&1 &
  pid=$!; pids+=($pid)
}

# ---- (a) memory of TUNNELS idle tunnels through the jar -------------------------------------------------------------
if [[ " $PARTS " == *" memory "* ]]; then
  mib() { awk '{ printf "%.1f", $1 / 1024 }'; }
  rss() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status" | mib; }
  heap() { "$jcmd" "$1" GC.heap_info 2>/dev/null | sed -n 's/.*total [0-9]*K, used \([0-9]*\)K.*/\1/p' | awk '{ s += $1 } END { print s }' | mib; }
  tunnels() { curl -s --max-time 5 "http://127.0.0.1:$LB_PORT/_balancer/metrics" | awk '/^balancer_tunnels_active/ { printf "%d\n", $2 }'; }
  snapshot() { # pid label -> a table row: RSS, heap used, then a full GC and the heap live after it
    local r h; r=$(rss "$1"); h=$(heap "$1")
    "$jcmd" "$1" GC.run > /dev/null 2>&1; sleep 1
    echo "| $2 | $(tunnels) | $r | $h | $(heap "$1") |"
  }
  echo "(a) memory: jar with $MEM_JVM_OPTS, $TUNNELS tunnels" >&2
  start_jar "$JAVA" "$MEM_JVM_OPTS"
  wait_200 "http://127.0.0.1:$LB_PORT/" "$LB_READY_TIMEOUT" "$pid" || { tail -20 "$work/jar.log" >&2; exit 1; }
  client 30 throughput "ws://127.0.0.1:$LB_PORT/ws" 10 2 "$SIZE" > /dev/null # touch the tunnel path once
  sleep "$SETTLE"
  before=$(snapshot "$pid" "started, 10 tunnels opened and closed")
  client $((HOLD_TIMEOUT + 30)) hold "ws://127.0.0.1:$LB_PORT/ws" "$TUNNELS" "$work/go" "$HOLD_TIMEOUT" > "$work/hold.out" 2> "$work/hold.err" &
  holder=$!; pids+=($holder)
  for _ in $(seq $((HOLD_TIMEOUT * 10))); do grep -q opened= "$work/hold.out" && break; kill -0 $holder 2>/dev/null || break; sleep 0.1; done
  sleep "$SETTLE"
  with=$(snapshot "$pid" "$(kv opened < "$work/hold.out") tunnels open and idle (${SETTLE}s)")
  touch "$work/go"
  wait $holder || true
  opened=$(kv opened < "$work/hold.out") failed=$(kv failed < "$work/hold.out") echoed=$(kv echoed < "$work/hold.out")
  table_a=$(
    echo "| jar $MEM_JVM_OPTS | tunnels (balancer_tunnels_active) | RSS MiB | heap used MiB | heap live after full GC MiB |"
    echo "|---|---|---|---|---|"
    echo "$before"
    echo "$with"
    awk -F'|' -v n="${opened:-0}" 'NR == 1 { r0 = $4; l0 = $6 } NR == 2 { r1 = $4; l1 = $6 } END { if (n > 0)
      printf "| per tunnel (difference / %d) | | %.1f KiB | | %.1f KiB |\n", n, (r1 - r0) * 1024 / n, (l1 - l0) * 1024 / n }' <<< "$before
$with"
  )
  check_a="$TUNNELS tunnels asked, ${opened:-0} opened (${failed:-?} failed), ${echoed:-0} still echoed at the end"
  [ "${echoed:-0}" = "$TUNNELS" ] && check_a="ok: $check_a" || { check_a="FAIL: $check_a"; head -5 "$work/hold.err" >&2; }
  echo "$table_a"; echo; echo "$check_a"; echo
  grep -E 'OutOfMemory|Exception' "$work/jar.log" | head -5 >&2 || true
  stop_tree "$pid"
fi

# ---- (b) echo latency and throughput: jar vs nginx vs HAProxy vs direct ---------------------------------------------
if [[ " $PARTS " == *" echo "* ]]; then
  mkdir -p "$work/nginx/tmp"
  { nginx_http_upstream "${BACKEND_PORTS[@]}"; cat <<CONF
  server {
    listen 127.0.0.1:$LB_PORT;
    location / {
      proxy_pass http://backends;
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection "upgrade";
      proxy_read_timeout 1h;
      proxy_send_timeout 1h;
    }
  }
}
CONF
  } > "$work/nginx/nginx.conf"
  cat > "$work/haproxy.cfg" <<CONF
global
    nbthread 1
    maxconn 4096
defaults
    mode http
    timeout connect 5s
    timeout client  30s
    timeout server  30s
    timeout tunnel  1h
frontend fe
    bind 127.0.0.1:$LB_PORT
    default_backend be
backend be
    balance roundrobin
$(for port in "${BACKEND_PORTS[@]}"; do echo "    server b$port 127.0.0.1:$port"; done)
CONF
  peer_cmd() {
    case $1 in
      nginx) echo "nginx -e stderr -p $work/nginx/ -c $work/nginx/nginx.conf -g 'daemon off;'" ;;
      haproxy) echo "haproxy -db -f $work/haproxy.cfg" ;;
      balancer) echo "$JAVA $JVM_OPTS ${jar_args[*]}" ;;
      balancer-jdk25) echo "$JDK $JVM_OPTS ${jar_args[*]}" ;;
      direct) echo "sleep 100000" ;; # nothing in between: the clients go to the first backend
      *) echo "unknown peer $1 (nginx haproxy balancer balancer-jdk25 direct)" >&2; exit 1 ;;
    esac
  }
  for peer in "${peers[@]}"; do peer_cmd "$peer" > /dev/null; done
  runs="$work/runs.csv"
  echo "round,peer,p50_ms,p99_ms,lat_done,lat_err,msgs_per_s,msgs,tp_err,lb_ticks" > "$runs"
  for round in $(seq 0 $((ROUNDS - 1))); do
    for peer in $(rotate "$round" "${peers[@]}"); do
      echo "(b) round $((round + 1))/$ROUNDS: $peer" >&2
      (exec taskset -c "$LB_CPU" bash -c "exec $(peer_cmd "$peer")") > "$work/$peer.log" 2>&1 &
      pid=$!; pids+=($pid)
      port=$LB_PORT; [ "$peer" = direct ] && port=${BACKEND_PORTS[0]}
      ws=ws://127.0.0.1:$port/ws
      if ! wait_200 "http://127.0.0.1:$port/" "$LB_READY_TIMEOUT" "$pid"; then
        echo "$peer did not answer 200; its log:" >&2; tail -20 "$work/$peer.log" >&2
        echo "$round,$peer,-,-,0,1,-,0,1,0" >> "$runs"; stop_tree "$pid"; continue
      fi
      client $((WARMUP + 30)) throughput "$ws" "$CONNS" "$WARMUP" "$SIZE" > /dev/null || true
      lat=$(client 150 latency "$ws" "$MSGS" "$SIZE") || true
      c0=$(ticks "$pid")
      tp=$(client $((DURATION + 30)) throughput "$ws" "$CONNS" "$DURATION" "$SIZE") || true
      c1=$(ticks "$pid")
      [ "$peer" = direct ] && c0=0 c1=0
      p50=$(kv p50_ms <<< "$lat") p99=$(kv p99_ms <<< "$lat") done_=$(kv done <<< "$lat") lerr=$(kv errors <<< "$lat")
      mps=$(kv msgs_per_s <<< "$tp") total=$(kv total <<< "$tp") terr=$(kv errors <<< "$tp")
      [ "${done_:-0}" = "$MSGS" ] || lerr=$((${lerr:-0} + 1))
      echo "$round,$peer,${p50:--},${p99:--},${done_:-0},${lerr:-1},${mps:--},${total:-0},${terr:-1},$((c1 - c0))" >> "$runs"
      echo "  latency p50 ${p50:--} ms p99 ${p99:--} ms (${done_:-0}/$MSGS), throughput ${mps:--} msgs/s (${terr:-?} errors)" >&2
      stop_tree "$pid"
    done
  done
  col() { awk -F, -v p="$1" -v c="$2" 'NR > 1 && $2 == p { print $c }' "$runs"; }
  base=nginx; [[ " ${peers[*]} " == *" nginx "* ]] || base=${peers[0]}
  base_mps=$(col $base 7 | median)
  table_b=$(
    echo "| peer | p50 ms | p99 ms | msgs/s ($CONNS conns) | msgs per LB CPU-s | ratio to $base (msgs/s) | checks |"
    echo "|---|---|---|---|---|---|---|"
    for peer in "${peers[@]}"; do
      mps=$(col "$peer" 7 | median)
      eff=$(awk -F, -v p="$peer" -v hz="$(getconf CLK_TCK)" 'NR > 1 && $2 == p && $10 > 0 { print $8 / ($10 / hz) }' "$runs" | median)
      checks=$(awk -F, -v p="$peer" 'NR > 1 && $2 == p { l += $6; t += $9 } END {
        s = ""; if (l) s = s "latency " l " failed runs/errors; "; if (t) s = s "throughput " t " errors; "; print s == "" ? "ok" : "FAIL: " s }' "$runs")
      printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$peer" "$(col "$peer" 3 | median)" "$(col "$peer" 4 | median)" \
        "$mps" "$([ "$peer" = direct ] && echo "- (no LB)" || echo "$eff")" "$(ratio "$mps" "$base_mps")" "$checks"
    done
  )
  echo "$table_b"
  echo
  echo "$ROUNDS rounds, medians; latency: $MSGS sequential $SIZE-byte messages on one connection; throughput: $CONNS connections, one message in flight each, ${DURATION}s after ${WARMUP}s warm-up; LB on CPU $LB_CPU, clients and backends on CPU $LOAD_CPU; jar: $JVM_OPTS."
fi

mkdir -p "$RESULTS_DIR"
stamp=websocket-$(date +%Y%m%d-%H%M%S)
{ [ -n "${table_a:-}" ] && printf '%s\n\n%s\n\n' "$table_a" "$check_a"; [ -n "${table_b:-}" ] && echo "$table_b"; } > "$RESULTS_DIR/$stamp.md" || true
if [ -n "${runs:-}" ]; then cp "$runs" "$RESULTS_DIR/$stamp-runs.csv"; fi
echo "results: $RESULTS_DIR/$stamp.md" >&2
