/**
 * The runnable jar: command line, configuration sources, the embedded Jetty server around the
 * {@code handler} front end, the demo backends, the graceful stop on SIGTERM and the configuration reload on SIGHUP.
 *
 * <p>Depends on the core, its parts and the handler front end; never on {@code servlet}. Not in the WAR.
 */
package dev.balancer.standalone;
