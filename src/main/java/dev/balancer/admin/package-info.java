/**
 * Operability of one balancer: the admin endpoints (status page and JSON, Prometheus metrics, readiness,
 * drain/enable, adding, re-weighting and removing backends), the telemetry behind them and the access log.
 *
 * <p>Depends on {@code backend}, {@code config} and {@code strategy} (the neutral {@code ClientRequest}), the servlet
 * API, the Prometheus client and Jetty's {@code Scheduler} (the proxy client's, for a removed backend's deadline);
 * never on the core or a front end, which call it.
 *
 * <p>Threads: {@code requestEnded} runs on request threads and only adds to counters; the endpoints read snapshots.
 */
package dev.balancer.admin;
