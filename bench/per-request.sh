#!/usr/bin/env bash
# What one request costs a warm proxy: its CPU-µs and system calls per request, one peer at a time, after a long
# warm-up (the harness's 30 s mostly measure how far a JVM's JIT got on its one core; see docs/performance.md).
# Peers as in the shared harness: nginx64 (its peers/nginx64.conf) and command peers from LB_CMD_<name> (dashes as
# underscores), each pinned to LB_CPU and serving 127.0.0.1:8080 in front of the harness's 3 Go backends. Per peer:
# WARMUP of load, then DURATION measured (CPU from /proc of the peer's process tree), then DURATION + 2 s more of
# which DURATION in the middle are under `perf stat -e syscalls:sys_enter_*` (shown per request of that window).
#
#   mvn -B -q package -DskipTests
#   LB_CMD_jar="java -Xmx256m -jar target/balancer.jar --host=127.0.0.1 --port=8080 --h2c=true \
#     --backends=http://127.0.0.1:9001,http://127.0.0.1:9002,http://127.0.0.1:9003" LOAD=h2c bench/per-request.sh jar
#   RUNNER=bench/per-request.sh PEERS="war-tomcat jbs-tomcat" bench/war-bench.sh    # the WAR beside BalancerServlet
# LOAD: wrk (HTTP/1.1, wrk -t1 -c50; the default) or h2c (h2load -c10 -m10, prior knowledge). Knobs: WARMUP 120s,
# DURATION 10s, LB_CPU 0, LOAD_CPU 1, LB_READY_TIMEOUT 90. Needs perf (Debian: linux-perf), wrk, h2load, go, nginx.
# Loopback only, bounded: peers x (WARMUP + 2 x DURATION), each load under `timeout`. One benchmark at a time.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/bench-lib.sh
shared=${SHARED_BENCH:-$(cd ../shared/bench && pwd)}
WARMUP=$(secs "${WARMUP:-120s}") DURATION=$(secs "${DURATION:-10s}") LOAD=${LOAD:-wrk}
LB_CPU=${LB_CPU:-0} LOAD_CPU=${LOAD_CPU:-1} LB_READY_TIMEOUT=${LB_READY_TIMEOUT:-90}
[ $# -gt 0 ] || { echo "usage: bench/per-request.sh PEER... (nginx64, or NAME with LB_CMD_NAME set)" >&2; exit 1; }
for tool in perf wrk h2load go nginx taskset; do command -v $tool >/dev/null || { echo "missing $tool" >&2; exit 1; }; done
ports_free 8080 9001 9002 9003

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do stop_tree "$p"; done; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
url=http://127.0.0.1:8080/

GO111MODULE=off go build -o "$work/backend" "$shared/backend.go"
for port in 9001 9002 9003; do
  taskset -c "$LOAD_CPU" "$work/backend" "$port" "b$port" > /dev/null 2>&1 &
  pids+=($!)
done

# load SECONDS -> requests completed
load() {
  if [ "$LOAD" = h2c ]; then
    taskset -c "$LOAD_CPU" timeout $(($1 + 30)) h2load -c10 -m10 -D "$1" "$url" | awk '/^requests:/ { print $8 }'
  else
    taskset -c "$LOAD_CPU" timeout $(($1 + 30)) wrk -t1 -c50 -d"${1}s" "$url" | awk '/requests in/ { print $1 }'
  fi
}

syscalls=read,write,writev,readv,sendmsg,recvfrom,epoll_ctl,epoll_wait,futex
events=$(printf 'syscalls:sys_enter_%s,' ${syscalls//,/ }); events=${events%,}
printf '| peer | req/s | CPU-µs per request |%s\n' "$(printf ' %s |' ${syscalls//,/ })"
for peer in "$@"; do
  if [ "$peer" = nginx64 ]; then
    mkdir -p "$work/nginx/tmp"
    taskset -c "$LB_CPU" nginx -e stderr -p "$work/nginx/" -c "$shared/peers/nginx64.conf" -g 'daemon off;' > /dev/null 2>&1 &
  else
    var="LB_CMD_${peer//-/_}"
    [ -n "${!var:-}" ] || { echo "no command for peer $peer: set $var" >&2; exit 1; }
    taskset -c "$LB_CPU" bash -c "exec ${!var}" > "$work/$peer.log" 2>&1 &
  fi
  pid=$!
  pids+=($pid)
  wait_200 "$url" "$LB_READY_TIMEOUT" "$pid" || { echo "$peer did not answer 200; log:" >&2; tail -20 "$work/$peer.log" >&2; exit 1; }
  load "$WARMUP" > /dev/null
  t0=$(ticks "$pid"); n=$(load "$DURATION"); t1=$(ticks "$pid")
  load $((DURATION + 2)) > "$work/counted" &
  counted=$!
  sleep 1
  stats=$(perf stat -x, -e "$events" -p "$(tree "$pid" | paste -sd,)" -- sleep "$DURATION" 2>&1 >/dev/null)
  wait $counted
  m=$(awk -v d="$DURATION" '{ print $1 * d / (d + 2) }' "$work/counted")
  printf '| %s | %s | %s |' "$peer" $((n / DURATION)) "$(awk -v t=$((t1 - t0)) -v n="$n" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.1f", t / hz * 1e6 / n }')"
  for call in ${syscalls//,/ }; do
    printf ' %s |' "$(awk -F, -v e="syscalls:sys_enter_$call" -v m="$m" '$3 == e { printf "%.2f", $1 / m }' <<< "$stats")"
  done
  echo
  stop_tree "$pid"
done
