# syntax=docker/dockerfile:1
# Balancer's container image: docker build -t balancer:0.1.0 .
# ContainerImageIT runs the ENTRYPOINT below, exactly as written, against target/balancer.jar.

# Build stage: Maven and a full JDK, thrown away afterwards. The cache mount keeps ~/.m2 between builds.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY src/main src/main
COPY webapp webapp
RUN --mount=type=cache,target=/root/.m2 mvn -B -q package -Dmaven.test.skip=true

# Runtime stage: a JRE and the runnable jar, run as an unprivileged user. The jar runs on 17+; JDK 25 warms up in
# about half the time and serves more requests per CPU-second (docs/performance.md).
FROM eclipse-temurin:25-jre
RUN groupadd --system --gid 10001 balancer \
 && useradd --system --uid 10001 --gid balancer --home-dir /app --no-create-home --shell /usr/sbin/nologin balancer
WORKDIR /app
COPY --from=build /src/target/balancer.jar /app/balancer.jar
USER 10001:10001
EXPOSE 8080
# Configuration comes from BALANCER_* environment variables (a ConfigMap in Kubernetes) or arguments after the image.
# Exec form, so java is PID 1 and receives SIGTERM itself: it turns readiness 503, keeps serving for shutdownDelay,
# then drains in-flight requests and exits 0.
# The heap follows the container's memory limit (75%; the rest is for metaspace, threads and direct buffers), and an
# out-of-memory error ends the process so Kubernetes restarts it instead of leaving it half alive.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75.0", "-XX:InitialRAMPercentage=25.0", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/balancer.jar"]
