#!/usr/bin/env bash
# TLS termination (issue #18): balancer.jar vs nginx vs HAProxy, each terminating TLS on 127.0.0.1 with the same
# self-signed certificate (EC P-256 by default, KEY=rsa for RSA-2048, made with openssl in a temp dir) and proxying
# to the shared harness's 3 Go backends (../shared/bench/backend.go, built in a temp dir, on 9001-9003). Per peer:
#   (a) new full TLS handshakes per second and per CPU-second of the LB: h2load batches of HS_BATCH connections with
#       one request each (-n = -c: every connection is new), looped for DURATION. h2load never resumes a session,
#       and nginx and HAProxy have session tickets and cache off besides, so every handshake is full. ALPN offers
#       h2,http/1.1 (what browsers offer: h2 is chosen, 1 stream per connection); HS_ALPN=http/1.1 offers only
#       http/1.1 (h2load --h1; the jar refused such clients until its ALPN fix, found by this script);
#   (b) keep-alive HTTPS: wrk -t1 -c$CONNS --latency, req/s and p99;
#   (c) HTTP/2 over TLS (ALPN h2): h2load -c $H2_CONNS -m $H2_STREAMS (10 streams per connection) for DURATION.
# LB CPU is utime+stime of its process tree from /proc, before/after each measurement. The LB is pinned to LB_CPU
# (taskset; nginx 1 worker, HAProxy nbthread 1, java -Xmx256m sees 1 CPU), load tools and backends to LOAD_CPU.
# Rounds are interleaved (peer order rotated each round); the table shows medians. Every measurement is checked
# (h2load succeeded/failed/errored, the ALPN it got, wrk socket errors and non-2xx) and failures show in "checks".
# Loopback only; bounded: ROUNDS x peers x (3 x WARMUP + 3 x DURATION), each tool under `timeout`.
#
#   mvn -B -q package -DskipTests && bench/tls-bench.sh            # nginx haproxy balancer, 3 rounds
#   JDK=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java bench/tls-bench.sh   # adds balancer-jdk25 (the jar on that java)
#   PEERS="nginx haproxy balancer balancer-conscrypt" bench/tls-bench.sh   # the jar with tlsProvider=conscrypt too
#     (and balancer-conscrypt-jdk25 with JDK set)
#   PEERS="nginx balancer" ROUNDS=1 DURATION=3s WARMUP=1s bench/tls-bench.sh    # a quick look
# Knobs: ROUNDS 3, WARMUP 5s (per test, before measuring), DURATION 10s, CONNS 50, H2_CONNS 10, H2_STREAMS 10,
# HS_BATCH 50, HS_ALPN h2|http/1.1, KEY ec|rsa, TLS_PORT 8443, BACKEND_PORTS "9001 9002 9003", LB_CPU 0, LOAD_CPU 1, JAVA java, JDK,
# JVM_OPTS -Xmx256m, LB_READY_TIMEOUT 60, RESULTS_DIR target/bench-results. Needs nginx, haproxy, wrk, h2load
# (apt-get install -y nghttp2-client), go, openssl, curl. Run it on a quiet machine, one benchmark at a time.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
. bench/bench-lib.sh
shared=${SHARED_BENCH:-$(cd ../shared/bench && pwd)}
ROUNDS=${ROUNDS:-3} WARMUP=$(secs "${WARMUP:-5s}") DURATION=$(secs "${DURATION:-10s}")
HS_ALPN=${HS_ALPN:-h2} CONNS=${CONNS:-50} H2_CONNS=${H2_CONNS:-10} H2_STREAMS=${H2_STREAMS:-10} HS_BATCH=${HS_BATCH:-50} KEY=${KEY:-ec}
TLS_PORT=${TLS_PORT:-8443} BACKEND_PORTS=(${BACKEND_PORTS:-9001 9002 9003}) LB_CPU=${LB_CPU:-0} LOAD_CPU=${LOAD_CPU:-1}
JAVA=${JAVA:-java} JVM_OPTS=${JVM_OPTS:--Xmx256m} LB_READY_TIMEOUT=${LB_READY_TIMEOUT:-60}
RESULTS_DIR=${RESULTS_DIR:-$root/target/bench-results}
peers=(${PEERS:-nginx haproxy balancer})
[ -n "${JDK:-}" ] && [[ " ${peers[*]} " != *" balancer-jdk25 "* ]] && peers+=(balancer-jdk25)
for tool in nginx haproxy wrk h2load go openssl curl taskset ss; do
  command -v $tool >/dev/null || { echo "missing $tool (h2load: apt-get install -y nghttp2-client)" >&2; exit 1; }
done
[ -f target/balancer.jar ] || { echo "build first: mvn -B -q package -DskipTests" >&2; exit 1; }
ports_free "$TLS_PORT" "${BACKEND_PORTS[@]}"

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do stop_tree "$p"; done; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
url=https://127.0.0.1:$TLS_PORT/
hs_flag=; [ "$HS_ALPN" = h2 ] || hs_flag=--h1
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

# The certificate: one key and self-signed certificate for every peer (HAProxy wants both in one file).
if [ "$KEY" = rsa ]; then keyopts=(-newkey rsa:2048); else keyopts=(-newkey ec -pkeyopt ec_paramgen_curve:P-256); fi
openssl req -x509 "${keyopts[@]}" -nodes -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$work/tls.key" -out "$work/tls.crt" 2>/dev/null
cat "$work/tls.crt" "$work/tls.key" > "$work/haproxy.pem"

# The backends: the shared harness's backend.go, pinned with the load.
GO111MODULE=off go build -o "$work/backend" "$shared/backend.go"
for port in "${BACKEND_PORTS[@]}"; do
  taskset -c "$LOAD_CPU" "$work/backend" "$port" "b$port" > "$work/backend$port.log" 2>&1 &
  pids+=($!)
done

mkdir -p "$work/nginx/tmp"
{ nginx_http_upstream "${BACKEND_PORTS[@]}"; cat <<CONF
  server {
    $(nginx_tls_listen "127.0.0.1:$TLS_PORT")
    ssl_certificate $work/tls.crt;
    ssl_certificate_key $work/tls.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_tickets off;
    ssl_session_cache off;
    keepalive_requests 1000000;   # the default 1000 would reconnect (and handshake) during the keep-alive tests
    location / {
      proxy_pass http://backends;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
CONF
} > "$work/nginx/nginx.conf"
cat > "$work/haproxy.cfg" <<CONF
global
    nbthread 1
    maxconn 4096
    tune.ssl.cachesize 0
    ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets
defaults
    mode http
    timeout connect 5s
    timeout client  30s
    timeout server  30s
    option http-keep-alive
frontend fe
    bind 127.0.0.1:$TLS_PORT ssl crt $work/haproxy.pem alpn h2,http/1.1
    default_backend be
backend be
    balance roundrobin
    http-reuse always
$(for port in "${BACKEND_PORTS[@]}"; do echo "    server b$port 127.0.0.1:$port"; done)
CONF
backends=$(for port in "${BACKEND_PORTS[@]}"; do printf 'http://127.0.0.1:%s,' "$port"; done)
jar_args=(-jar target/balancer.jar --host=127.0.0.1 --port=0 --httpsPort="$TLS_PORT" --tlsCert="$work/tls.crt"
  --tlsKey="$work/tls.key" --backends="${backends%,}" --shutdownDelay=0s)

peer_cmd() {
  case $1 in
    nginx) echo "nginx -e stderr -p $work/nginx/ -c $work/nginx/nginx.conf -g 'daemon off;'" ;;
    haproxy) echo "haproxy -db -f $work/haproxy.cfg" ;;
    balancer) echo "$JAVA $JVM_OPTS ${jar_args[*]}" ;;
    balancer-jdk25) echo "$JDK $JVM_OPTS ${jar_args[*]}" ;;
    balancer-conscrypt) echo "$JAVA $JVM_OPTS ${jar_args[*]} --tlsProvider=conscrypt" ;;
    balancer-conscrypt-jdk25) echo "$JDK $JVM_OPTS ${jar_args[*]} --tlsProvider=conscrypt" ;;
    *) echo "unknown peer $1 (nginx haproxy balancer balancer-jdk25 balancer-conscrypt balancer-conscrypt-jdk25)" >&2; exit 1 ;;
  esac
}
for peer in "${peers[@]}"; do peer_cmd "$peer" > /dev/null; done

# (a) handshakes: batches of HS_BATCH new connections, one request each, for $1 s -> "conn/s ticks ok bad tls"
handshakes() {
  local pid=$1 seconds=$2 ok=0 bad=0 tls=- out t0 c0 end
  t0=$(date +%s%N); c0=$(ticks "$pid"); end=$((SECONDS + seconds))
  while [ $SECONDS -lt $end ]; do
    out=$(taskset -c "$LOAD_CPU" timeout 30 h2load $hs_flag -t1 -c "$HS_BATCH" -n "$HS_BATCH" "$url" 2>&1) || true
    read -r s f <<< "$(awk '/^requests:/ { print $8, $10 + $12 + $14 }' <<< "$out")"
    ok=$((ok + ${s:-0})); bad=$((bad + ${f:-$HS_BATCH}))
    [ "$tls" = - ] && tls=$(awk -F': ' '/^TLS Protocol/ { p = $2 } /^Server Temp Key/ { k = $2 } END {
      split(k, a, " "); if (p != "") print p "/" a[1] }' <<< "$out")
  done
  local c1 t1; c1=$(ticks "$pid"); t1=$(date +%s%N)
  echo "$(awk -v n=$ok -v ns=$((t1 - t0)) 'BEGIN { printf "%.0f", n / (ns / 1e9) }') $((c1 - c0)) $ok $bad ${tls:--}"
}
# (b) keep-alive: wrk -> "req/s p99_ms ticks errors requests"
keepalive() {
  local pid=$1 seconds=$2 out c0 c1
  c0=$(ticks "$pid")
  out=$(taskset -c "$LOAD_CPU" timeout $((seconds + 30)) wrk -t1 -c"$CONNS" -d"${seconds}s" --timeout 5s --latency "$url" 2>&1) || true
  c1=$(ticks "$pid")
  awk -v t=$((c1 - c0)) '
    /Requests\/sec/ { rps = $2 }
    /^ +99%/ { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+/, "", v)
               p99 = (u == "us") ? v / 1000 : (u == "s") ? v * 1000 : (u == "m") ? v * 60000 : v }
    /requests in/ { n = $1 }
    /Socket errors/ { gsub(/,/, ""); err += $4 + $6 + $8 + $10 }
    /Non-2xx/ { err += $NF }
    END { printf "%s %s %d %d %d\n", rps == "" ? "-" : rps, p99 == "" ? "-" : sprintf("%.2f", p99), t, err + (rps == "" ? 1 : 0), n }' <<< "$out"
}
# (c) h2: h2load over TLS with ALPN h2 -> "req/s ticks ok bad alpn"
h2() {
  local pid=$1 seconds=$2 out c0 c1
  c0=$(ticks "$pid")
  out=$(taskset -c "$LOAD_CPU" timeout $((seconds + 30)) h2load -t1 -c "$H2_CONNS" -m "$H2_STREAMS" -D "$seconds" "$url" 2>&1) || true
  c1=$(ticks "$pid")
  awk -v t=$((c1 - c0)) '
    /^finished in/ { rps = $4 }
    /^requests:/ { ok = $8; bad = $10 + $12 + $14 }
    /^Application protocol/ { alpn = $3 }
    END { if (rps == "" || ok == "") { rps = "-"; bad += 1 }
          printf "%s %d %d %d %s\n", rps, t, ok, bad, alpn == "" ? "-" : alpn }' <<< "$out"
}

runs="$work/runs.csv"
echo "round,peer,hs_per_s,hs_ticks,hs_ok,hs_bad,tls,ka_rps,ka_p99_ms,ka_ticks,ka_err,ka_requests,h2_rps,h2_ticks,h2_ok,h2_bad,alpn" > "$runs"
for round in $(seq 0 $((ROUNDS - 1))); do
  for peer in $(rotate "$round" "${peers[@]}"); do
    echo "round $((round + 1))/$ROUNDS: $peer" >&2
    (exec taskset -c "$LB_CPU" bash -c "exec $(peer_cmd "$peer")") > "$work/$peer.log" 2>&1 &
    pid=$!; pids+=($pid)
    if ! wait_200 "$url" "$LB_READY_TIMEOUT" "$pid"; then
      echo "$peer did not answer 200 on $url; its log:" >&2; tail -20 "$work/$peer.log" >&2
      echo "$round,$peer,-,0,0,1,-,-,-,0,1,0,-,0,0,1,-" >> "$runs"; stop_tree "$pid"; continue
    fi
    handshakes "$pid" "$WARMUP" > /dev/null
    taskset -c "$LOAD_CPU" timeout $((WARMUP + 30)) wrk -t1 -c"$CONNS" -d"${WARMUP}s" "$url" > /dev/null 2>&1 || true
    taskset -c "$LOAD_CPU" timeout $((WARMUP + 30)) h2load -t1 -c "$H2_CONNS" -m "$H2_STREAMS" -D "$WARMUP" "$url" > /dev/null 2>&1 || true
    read -r hs hs_t hs_ok hs_bad tls <<< "$(handshakes "$pid" "$DURATION")"
    read -r ka ka_p99 ka_t ka_err ka_n <<< "$(keepalive "$pid" "$DURATION")"
    read -r h2r h2_t h2_ok h2_bad alpn <<< "$(h2 "$pid" "$DURATION")"
    echo "$round,$peer,$hs,$hs_t,$hs_ok,$hs_bad,$tls,$ka,$ka_p99,$ka_t,$ka_err,$ka_n,$h2r,$h2_t,$h2_ok,$h2_bad,$alpn" >> "$runs"
    echo "  handshakes/s $hs ($hs_ok ok, $hs_bad failed, $tls), keep-alive $ka req/s p99 $ka_p99 ms ($ka_err errors), h2 $h2r req/s ($h2_bad failed, $alpn)" >&2
    stop_tree "$pid"
  done
done

col() { awk -F, -v p="$1" -v c="$2" 'NR > 1 && $2 == p { print $c }' "$runs"; }
# per run: the count in column $2 / the LB CPU-s from the ticks in column $3; then the median over the runs
eff() { awk -F, -v p="$1" -v n="$2" -v t="$3" -v hz="$(getconf CLK_TCK)" 'NR > 1 && $2 == p && $t > 0 { print $n / ($t / hz) }' "$runs" | median; }
base=nginx; [[ " ${peers[*]} " == *" nginx "* ]] || base=${peers[0]}
base_hs=$(col $base 3 | median) base_ka=$(col $base 8 | median) base_h2=$(col $base 13 | median)
table=$(
  echo "| peer | handshakes/s | handshakes per LB CPU-s | keep-alive req/s | keep-alive p99 ms | keep-alive req per LB CPU-s | h2 req/s | h2 req per LB CPU-s | ratio to $base (hs / keep-alive / h2) | TLS / ALPN | checks |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  for peer in "${peers[@]}"; do
    hs=$(col "$peer" 3 | median) ka=$(col "$peer" 8 | median) h2r=$(col "$peer" 13 | median)
    fails=$(awk -F, -v p="$peer" 'NR > 1 && $2 == p { hs += $6; ka += $11; h2 += $16; if ($17 != "h2") alpn++ }
      END { s = ""; if (hs) s = s "hs " hs " failed; "; if (ka) s = s "keep-alive " ka " errors; "; if (h2) s = s "h2 " h2 " failed; ";
            if (alpn) s = s "ALPN not h2 in " alpn " runs; "; print s == "" ? "ok" : "FAIL: " s }' "$runs")
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s / %s / %s | %s / %s | %s |\n' "$peer" "$hs" \
      "$(eff "$peer" 5 4)" \
      "$ka" "$(col "$peer" 9 | median)" \
      "$(eff "$peer" 12 10)" \
      "$h2r" "$(eff "$peer" 15 14)" \
      "$(ratio "$hs" "$base_hs")" "$(ratio "$ka" "$base_ka")" "$(ratio "$h2r" "$base_h2")" \
      "$(col "$peer" 7 | sort -u | paste -sd' ')" "$(col "$peer" 17 | sort -u | paste -sd' ')" "$fails"
  done
)
echo "$table"
echo
echo "$KEY certificate, $ROUNDS rounds, medians; ${DURATION}s per test after ${WARMUP}s warm-up; handshakes in batches of $HS_BATCH (h2load, ALPN $HS_ALPN, 1 request per connection), keep-alive wrk -c$CONNS, h2 h2load -c$H2_CONNS -m$H2_STREAMS; LB on CPU $LB_CPU, load and backends on CPU $LOAD_CPU; jar: $JVM_OPTS."
mkdir -p "$RESULTS_DIR"
stamp=tls-$(date +%Y%m%d-%H%M%S)
cp "$runs" "$RESULTS_DIR/$stamp-runs.csv"
echo "$table" > "$RESULTS_DIR/$stamp.md"
echo "results: $RESULTS_DIR/$stamp.md, $RESULTS_DIR/$stamp-runs.csv" >&2
