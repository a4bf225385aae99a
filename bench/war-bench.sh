#!/usr/bin/env bash
# The WAR side by side with the servlet proxies users pick today, in the same stock containers, and nginx64, through
# the shared harness (../shared/bench/run.sh). Tomcat 11, Tomcat 10.1 and Jetty 12 come from Maven Central (as the
# container tests fetch them); the peer WARs are built from ../shared/bench/peers: Jetty's BalancerServlet (the stock
# servlet Balancer's extends) and the MITRE HTTP-Proxy-Servlet (blocking, Apache HttpClient; one backend, it does
# not balance). Loopback only, bounded by the harness (ROUNDS x peers runs of WARMUP + 10 s).
#
#   mvn -B -q package -DskipTests && bench/war-bench.sh
#   PEERS="nginx64 war-tomcat jbs-tomcat" bench/war-bench.sh     # a subset; the peers are:
#     war-tomcat jbs-tomcat mitre-tomcat (Tomcat 11)  war-tomcat10 jbs-tomcat10 (Tomcat 10.1)  war-jetty jbs-jetty (Jetty 12)
#     war-tomcat-jdk25 jbs-tomcat-jdk25 (Tomcat 11 on JDK 25 with G1, fixed heap, unlimited keep-alive; JDK25_HOME)
#   OLD_WAR=/path/balancer.war bench/war-bench.sh                # also another build's WAR in Tomcat 11, as war-old
#   ROUNDS=3 WARMUP=30s are the defaults; results in target/bench-results unless RESULTS_DIR says otherwise.
#   RUNNER=bench/per-request.sh PEERS="war-tomcat jbs-tomcat" bench/war-bench.sh   # warm CPU and system calls per
#     request instead of the harness (its knobs: WARMUP 120s, DURATION 10s)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
shared=$(cd ../shared && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

version() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" pom.xml | head -1; }
mvn -B -q dependency:unpack@containers >/dev/null
tomcat11="$root/target/containers/apache-tomcat-$(version tomcat11.version)"
tomcat10="$root/target/containers/apache-tomcat-$(version tomcat10.version)"
jetty="$root/target/containers/jetty-home-$(version jetty-home.version)"
for home in "$tomcat11/bin/catalina.sh" "$tomcat10/bin/catalina.sh" "$jetty/start.jar"; do
  [ -e "$home" ] || { echo "missing $home" >&2; exit 1; }
done
[ -f target/balancer.war ] || { echo "build first: mvn -B -q package -DskipTests" >&2; exit 1; }

for peer in jetty-balancer-servlet mitre-proxy-servlet; do
  cp -r "$shared/bench/peers/$peer" "$work/$peer"
  (cd "$work/$peer" && mvn -B -q package >/dev/null)
done
jbs_war="$work/jetty-balancer-servlet/target/jbs.war"
mitre_war="$work/mitre-proxy-servlet/target/mitre.war"

backends=http://127.0.0.1:9001,http://127.0.0.1:9002,http://127.0.0.1:9003
jvm="-Xmx256m -Dbalancer.backends=$backends"

# A CATALINA_BASE per peer: the stock conf, listening on 127.0.0.1:8080 only, no shutdown port, no access log.
# With a 4th argument "jdk25": the container on the JVM in $JDK25_HOME with G1 and a fixed heap, and keep-alive
# connections never closed by request count (stock Tomcat closes one every 100 requests) - the settings tried for
# issue #20's tuned configuration (docs/performance.md: no gain at a 30-s warm-up).
JDK25_HOME=${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
tomcat_peer() {
  local home=$1 name=$2 war=$3 flavour=${4:-} dir="$work/tomcat-$2" opts=$jvm java_home=${JAVA_HOME:-}
  mkdir -p "$dir/webapps" "$dir/logs" "$dir/temp" "$dir/work"
  cp -r "$home/conf" "$dir/conf"
  sed -i -e 's/<Server port="8005"/<Server port="-1"/' \
         -e 's/<Connector port="8080"/<Connector address="127.0.0.1" port="8080"/' \
         -e '/AccessLogValve/,/\/>/d' "$dir/conf/server.xml"
  if [ "$flavour" = jdk25 ]; then
    sed -i -e 's/<Connector address="127.0.0.1" port="8080"/& maxKeepAliveRequests="-1"/' "$dir/conf/server.xml"
    opts="$jvm -Xms256m -XX:+UseG1GC"
    java_home=$JDK25_HOME
  fi
  cp "$war" "$dir/webapps/ROOT.war"
  echo "env ${java_home:+JAVA_HOME=$java_home} CATALINA_HOME=$home CATALINA_BASE=$dir CATALINA_OPTS='$opts' $home/bin/catalina.sh run"
}
# A Jetty base per peer: the stock ee10-deploy and http modules (no request log), the WAR as webapps/ROOT.war.
jetty_peer() {
  local name=$1 war=$2 dir="$work/jetty-$1"
  mkdir -p "$dir/webapps" "$dir/start.d"
  printf -- '--modules=ee10-deploy,http\njetty.http.host=127.0.0.1\njetty.http.port=8080\n' > "$dir/start.d/bench.ini"
  cp "$war" "$dir/webapps/ROOT.war"
  echo "java $jvm -jar $jetty/start.jar jetty.base=$dir"
}

export LB_CMD_war_tomcat="$(tomcat_peer "$tomcat11" war target/balancer.war)"
export LB_CMD_jbs_tomcat="$(tomcat_peer "$tomcat11" jbs "$jbs_war")"
export LB_CMD_war_tomcat_jdk25="$(tomcat_peer "$tomcat11" war-jdk25 target/balancer.war jdk25)"
export LB_CMD_jbs_tomcat_jdk25="$(tomcat_peer "$tomcat11" jbs-jdk25 "$jbs_war" jdk25)"
export LB_CMD_mitre_tomcat="$(tomcat_peer "$tomcat11" mitre "$mitre_war")"
export LB_CMD_war_tomcat10="$(tomcat_peer "$tomcat10" war10 target/balancer.war)"
export LB_CMD_jbs_tomcat10="$(tomcat_peer "$tomcat10" jbs10 "$jbs_war")"
export LB_CMD_war_jetty="$(jetty_peer war target/balancer.war)"
export LB_CMD_jbs_jetty="$(jetty_peer jbs "$jbs_war")"
peers=${PEERS:-"nginx64 war-tomcat jbs-tomcat mitre-tomcat war-jetty jbs-jetty"}
if [ -n "${OLD_WAR:-}" ]; then
  export LB_CMD_war_old="$(tomcat_peer "$tomcat11" old "$OLD_WAR")"
  peers="$peers war-old"
fi
if [ -n "${RUNNER:-}" ]; then
  "$root/$RUNNER" $peers
  exit
fi
RESULTS_DIR=${RESULTS_DIR:-$root/target/bench-results} ROUNDS=${ROUNDS:-3} WARMUP=${WARMUP:-30s} \
  LB_READY_TIMEOUT=${LB_READY_TIMEOUT:-90} BASELINE_PEER=${BASELINE_PEER:-nginx64} \
  "$shared/bench/run.sh" $peers
