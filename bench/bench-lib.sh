# Helpers shared by bench/tls-bench.sh and bench/websocket-bench.sh (sourced, not run). They expect $work (a temp
# dir the caller removes) and set nothing global but what they document.

# "10s", "10" -> 10
secs() { local s=${1%s}; [[ $s =~ ^[0-9]+$ ]] || { echo "not a duration in seconds: $1" >&2; exit 1; }; echo "$s"; }

# Fails when something already listens on one of the given ports (another bench, a left-over peer).
ports_free() {
  local p
  for p in "$@"; do
    if ss -Hltn "sport = :$p" | grep -q .; then
      echo "port $p is in use (another benchmark running? stop it, or pick other ports with the knobs)" >&2
      exit 1
    fi
  done
}

# A process and its descendants.
tree() {
  local pid=$1 child
  echo "$pid"
  for child in $(pgrep -P "$pid" 2>/dev/null); do tree "$child"; done
}

# utime + stime of a process tree, in clock ticks (children that exited are not counted: peers keep theirs).
ticks() {
  local total=0 pid t
  for pid in $(tree "$1"); do
    t=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null) || continue
    total=$((total + ${t:-0}))
  done
  echo "$total"
}

# Stops a process tree by PID: TERM, up to 10 s, then KILL.
stop_tree() {
  local pid=$1 pids i
  kill -0 "$pid" 2>/dev/null || return 0
  pids=$(tree "$pid")
  kill -TERM $pids 2>/dev/null || true
  for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  for i in $pids; do kill -0 "$i" 2>/dev/null && kill -KILL "$i" 2>/dev/null; done
  wait "$pid" 2>/dev/null || true
}

# Waits until URL answers 200 (curl -k), at most $2 s; fails early if process $3 died.
wait_200() {
  local url=$1 timeout=$2 pid=$3 end=$((SECONDS + $2))
  while [ $SECONDS -lt $end ]; do
    kill -0 "$pid" 2>/dev/null || return 1
    [ "$(curl -sk -o /dev/null --max-time 2 -w '%{http_code}' "$url" 2>/dev/null)" = 200 ] && return 0
    sleep 0.2
  done
  return 1
}

# Median of the numbers on stdin ("-" lines ignored; "-" if none).
median() {
  grep -E '^[0-9.]+$' | sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "-"; exit }
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf (m >= 100 ? "%.0f" : m >= 1 ? "%.2f" : "%.3f") "\n", m }'
}

# a / b with 2 decimals, "-" when either is missing or b is 0.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.2f\n", a / b }'; }

# n / (ticks / CLK_TCK): e.g. requests per CPU-second of the peer.
per_cpu_s() {
  awk -v n="$1" -v t="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN { if (t + 0 == 0) print "-"; else printf "%.0f\n", n / (t / hz) }'
}

# The order of the peers in round $1 (rotated each round, so drifts of the machine hit every peer alike).
rotate() {
  local r=$1; shift
  local peers=("$@") n=$# i
  for ((i = 0; i < n; i++)); do echo "${peers[$(((i + r) % n))]}"; done
}

# An nginx "listen ... ssl" plus h2 for this nginx: "listen A ssl http2;" before 1.25.1, "listen A ssl; http2 on;" after.
nginx_tls_listen() {
  local v; v=$(nginx -v 2>&1 | sed -n 's:.*nginx/\([0-9.]*\).*:\1:p')
  if printf '%s\n1.25.1\n' "$v" | sort -V -C; then echo "listen $1 ssl http2;"; else echo "listen $1 ssl; http2 on;"; fi
}

# The nginx.conf both benchmarks start from, up to the open http block: one worker, no access log, temp paths in the
# prefix, and the upstream "backends" (the given ports, keepalive 64). Each script adds its server block and "}".
nginx_http_upstream() {
  cat <<CONF
worker_processes 1;
pid nginx.pid;
error_log error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path tmp; proxy_temp_path tmp; fastcgi_temp_path tmp; uwsgi_temp_path tmp; scgi_temp_path tmp;
  upstream backends {
$(for port in "$@"; do echo "    server 127.0.0.1:$port;"; done)
    keepalive 64;
  }
CONF
}
