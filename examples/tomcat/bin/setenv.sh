# $CATALINA_BASE/bin/setenv.sh: catalina.sh reads it at startup. The stock balancer.war takes every key as a
# system property -Dbalancer.KEY=VALUE (or an environment variable BALANCER_KEY); context-params (ROOT.xml)
# and init-params (web.xml) win over both.
CATALINA_OPTS="$CATALINA_OPTS -Dbalancer.backends=http://127.0.0.1:8081,http://127.0.0.1:8082,http://127.0.0.1:8083"
CATALINA_OPTS="$CATALINA_OPTS -Dbalancer.strategy=round-robin"
