#!/usr/bin/env bash
# CPU the balancer spends on active health checks: 200 backends probed every second (one nginx on loopback answers
# all 200 base paths), measured from /proc over 30 s after a 90 s warm-up (JIT: 10 s gave 17%, 30 s 8%), against the same jar with checks off.
# Usage: bench/probe-cost.sh   (from the project root, after mvn package)
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill $(cat "$work"/*.pid 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT
port=${BACKEND_PORT:-9111}
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 1024; }
http { access_log off; server { listen 127.0.0.1:$port; location / { return 200 "ok"; } } }
CONF
nginx -c "$work/nginx.conf" -p "$work"
backends=$(for i in $(seq 0 199); do printf 'http://127.0.0.1:%s/b%s,' "$port" "$i"; done)
backends=${backends%,}
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
measure() { # extra flags -> % of one core over 30 s
  java -Xmx128m -jar target/balancer.jar --host=127.0.0.1 --port=0 --backends="$backends" "$@" > "$work/lb.log" 2>&1 &
  local pid=$!
  echo $pid > "$work/lb.pid"
  sleep ${WARMUP:-90}
  local t0; t0=$(ticks $pid)
  sleep 30
  local t1; t1=$(ticks $pid)
  kill $pid; wait $pid 2>/dev/null || true
  awk -v d=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", 100 * d / hz / 30 }'
}
off=$(measure)
on=$(measure --healthCheckPath=/health --healthCheckInterval=1s --healthCheckTimeout=1s)
echo "200 backends, no checks: ${off}% of one core; probed every 1 s: ${on}% of one core"
