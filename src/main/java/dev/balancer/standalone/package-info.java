/**
 * The runnable jar: command line, configuration sources, the embedded Jetty server around the
 * {@code handler} front end (a clear connector, with h2c when asked, and an HTTPS one with h2 by ALPN whose
 * certificate is reloaded when its files change), the demo backends, the graceful stop on SIGTERM and the
 * configuration reload on SIGHUP.
 *
 * <p>Depends on the core, its parts and the handler front end; never on {@code servlet}. Not in the WAR.
 */
package dev.balancer.standalone;
