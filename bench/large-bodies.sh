#!/usr/bin/env bash
# A 1 GB download and a 1 GB upload, straight to a backend and through balancer.jar with -Xmx64m, side by side.
# The backend is nginx on loopback (a sparse 1 GB file to serve; uploads read and discarded). Bounded: each transfer
# is cut after 120 s. Usage: bench/large-bodies.sh   (from the project root, after mvn package)
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill $(cat "$work"/*.pid 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT
backend_port=${BACKEND_PORT:-9101}
lb_port=${LB_PORT:-9100}
truncate -s 1G "$work/big"
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $work;
  server {
    listen 127.0.0.1:$backend_port;
    client_max_body_size 0;
    location = /big { root $work; }
    location = /upload { client_body_buffer_size 1m; proxy_pass http://127.0.0.1:$backend_port/sink; }
    location = /sink { return 204; }
  }
}
CONF
nginx -c "$work/nginx.conf" -p "$work"
java -Xmx64m -jar target/balancer.jar --host=127.0.0.1 --port="$lb_port" --backends="http://127.0.0.1:$backend_port" \
  --timeout=120s --shutdownDelay=0s > "$work/lb.log" 2>&1 &
echo $! > "$work/lb.pid"
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$lb_port/big" -r 0-0 && break; sleep 0.2; done

rate() { # url method -> MB/s
  if [ "$2" = GET ]; then
    curl -s -o /dev/null --max-time 120 -w '%{speed_download}' "$1"
  else
    head -c 1G /dev/zero | curl -s -o /dev/null --max-time 120 -H 'Content-Type: application/octet-stream' \
      -T - -X POST -w '%{speed_upload}' "$1"
  fi | awk '{printf "%.0f", $1 / 1048576}'
}
printf '| transfer | direct MB/s | through balancer (-Xmx64m) MB/s | ratio |\n|---|---|---|---|\n'
for kind in GET POST; do
  path=/big; [ $kind = POST ] && path=/upload
  direct=$(rate "http://127.0.0.1:$backend_port$path" $kind)
  through=$(rate "http://127.0.0.1:$lb_port$path" $kind)
  printf '| 1 GB %s | %s | %s | %s |\n' "$([ $kind = GET ] && echo download || echo upload)" "$direct" "$through" \
    "$(awk -v a="$through" -v b="$direct" 'BEGIN { printf "%.2f", a / b }')"
done
grep -i -E 'OutOfMemory|Exception' "$work/lb.log" || true
