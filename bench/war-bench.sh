#!/usr/bin/env bash
# The WAR side by side in stock Tomcat 11 with Jetty's BalancerServlet (the stock servlet Balancer's extends) and
# nginx64, through the shared harness (../shared/bench/run.sh). Tomcat comes from Maven Central (as the container
# tests fetch it); the peer WAR is built from ../shared/bench/peers/jetty-balancer-servlet. Loopback only, bounded
# by the harness (ROUNDS x peers runs of WARMUP + 10 s).
#
#   bench/war-bench.sh                         # after mvn -B -q package -DskipTests
#   OLD_WAR=/path/balancer.war bench/war-bench.sh   # also the WAR of another build, as peer war-old
#   ROUNDS=3 WARMUP=30s are the defaults; PEERS overrides the peer list.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
shared=$(cd ../shared && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

tomcat_version=$(sed -n 's:.*<tomcat11.version>\(.*\)</tomcat11.version>.*:\1:p' pom.xml | head -1)
mvn -B -q dependency:unpack@containers >/dev/null
tomcat="$root/target/containers/apache-tomcat-$tomcat_version"
[ -x "$tomcat/bin/catalina.sh" ] || { echo "no Tomcat at $tomcat" >&2; exit 1; }
[ -f target/balancer.war ] || { echo "build first: mvn -B -q package -DskipTests" >&2; exit 1; }

cp -r "$shared/bench/peers/jetty-balancer-servlet" "$work/jbs"
(cd "$work/jbs" && mvn -B -q package >/dev/null)

# A CATALINA_BASE per peer: the stock conf, listening on 127.0.0.1:8080 only, no shutdown port, no access log.
base() {
  local dir="$work/base-$1" war=$2
  mkdir -p "$dir/webapps" "$dir/logs" "$dir/temp" "$dir/work"
  cp -r "$tomcat/conf" "$dir/conf"
  sed -i -e 's/<Server port="8005"/<Server port="-1"/' \
         -e 's/<Connector port="8080"/<Connector address="127.0.0.1" port="8080"/' \
         -e '/AccessLogValve/,/\/>/d' "$dir/conf/server.xml"
  cp "$war" "$dir/webapps/ROOT.war"
  echo "$dir"
}
backends=http://127.0.0.1:9001,http://127.0.0.1:9002,http://127.0.0.1:9003
run_tomcat() {
  echo "env CATALINA_HOME=$tomcat CATALINA_BASE=$1 CATALINA_OPTS='-Xmx256m -Dbalancer.backends=$backends' $tomcat/bin/catalina.sh run"
}
export LB_CMD_war_tomcat="$(run_tomcat "$(base war target/balancer.war)")"
export LB_CMD_jbs_tomcat="$(run_tomcat "$(base jbs "$work/jbs/target/jbs.war")")"
peers=${PEERS:-"nginx64 war-tomcat jbs-tomcat"}
if [ -n "${OLD_WAR:-}" ]; then
  export LB_CMD_war_old="$(run_tomcat "$(base old "$OLD_WAR")")"
  peers="$peers war-old"
fi
ROUNDS=${ROUNDS:-3} WARMUP=${WARMUP:-30s} LB_READY_TIMEOUT=${LB_READY_TIMEOUT:-90} BASELINE_PEER=${BASELINE_PEER:-nginx64} \
  "$shared/bench/run.sh" $peers
