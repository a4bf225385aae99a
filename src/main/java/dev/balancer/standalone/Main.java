package dev.balancer.standalone;

import dev.balancer.ConfigReload;
import dev.balancer.ConfiguredStrategy;
import dev.balancer.config.BalancerConfig;
import dev.balancer.config.ConfigException;
import dev.balancer.config.ConfigKey;
import dev.balancer.config.ConfigSources;
import dev.balancer.config.DiscoverySettings;
import dev.balancer.discovery.JvmDnsCache;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar balancer.jar --backends=http://127.0.0.1:8081,http://127.0.0.1:8082}: see {@code --help}. */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    /** Exit status for a configuration or usage error. */
    static final int USAGE = 2;

    private Main() {}

    public static void main(String[] args) throws Exception {
        // Explicitly: after a graceful stop on SIGTERM the status is 0, whatever threads a library left behind.
        System.exit(run(args, System.out, System.err));
    }

    /** Starts the balancer and waits until it stops; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        CommandLine commandLine;
        ConfigSources sources;
        BalancerConfig config;
        try {
            commandLine = CommandLine.parse(Arrays.asList(args));
            if (commandLine.help()) {
                out.print(usage());
                return 0;
            }
            if (commandLine.version()) {
                out.println("balancer " + version());
                return 0;
            }
            sources = sources(commandLine);
            config = configure(sources);
        } catch (ConfigException | IllegalArgumentException e) {
            err.println("balancer: " + e.getMessage());
            return USAGE;
        }
        DiscoverySettings discovery = config.discovery();
        if (discovery.mode() == DiscoverySettings.Mode.DNS) {
            // Before anything resolves a name: the JVM fixes its DNS cache policy at the first lookup.
            LOG.info("{}", JvmDnsCache.ensureFresh());
        }
        DemoBackends demo = null;
        if (commandLine.demo()) {
            demo = new DemoBackends("127.0.0.1", 8081, 3);
            demo.start();
        }
        StandaloneServer server;
        try {
            server = new StandaloneServer(config);
        } catch (ConfigException e) {
            // A TLS file that exists but does not hold what its key needs: known only once it is read.
            err.println("balancer: " + e.getMessage());
            if (demo != null) {
                demo.stop();
            }
            return USAGE;
        }
        server.start();
        ConfigReload reload = server.reloading(sources, () -> sources(commandLine));
        ShutdownSignals.install(server::shutdownGracefully, server::stop, reload::reload);
        LOG.info("Balancer {} listening on http://{}:{}{} with strategy {} over {}", version(), config.server().host(), server.port(),
                server.httpsPort() < 0 ? "" : " and https://" + config.server().host() + ":" + server.httpsPort(),
                config.pool().strategy(), discovery.mode() == DiscoverySettings.Mode.DNS
                        ? "the addresses of " + discovery.host() + ":" + discovery.port() : config.pool().backends());
        server.join();
        if (demo != null) {
            demo.stop();
        }
        return 0;
    }

    /**
     * Flags, then the {@code config} file (named by a flag, a system property or the environment), then system
     * properties and environment. {@code --demo} only supplies the demo backends when no other source names
     * backends. Read again for every reload. Fails the way startup would, with a ConfigException.
     */
    static ConfigSources sources(CommandLine commandLine) {
        ConfigSources sources = new ConfigSources().add("command line", commandLine.settings(), true)
                .addSystemProperties(System.getProperties()).addEnvironment(System.getenv());
        if (commandLine.demo()) {
            sources.add("demo", Map.of(ConfigKey.BACKENDS.key(), "http://127.0.0.1:8081,http://127.0.0.1:8082,http://127.0.0.1:8083"), true);
        }
        return sources.withConfigFile(1);
    }

    /** The configuration the sources make, its strategy loaded once to check it. */
    static BalancerConfig configure(ConfigSources sources) {
        BalancerConfig config = BalancerConfig.from(sources);
        ConfiguredStrategy.create(config, Main.class.getClassLoader());
        return config;
    }

    static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /** {@code allowed: 1..100; default: 3}, the second line of a key's help. */
    static String allowedAndDefault(ConfigKey key) {
        return "allowed: " + key.allowed().docs() + (key.documentedDefault() == null ? "" : "; default: " + key.documentedDefault());
    }

    static String usage() {
        StringBuilder text = new StringBuilder("""
                Usage: java -jar balancer.jar --backends=URL[,URL...] [--KEY=VALUE ...]
                       java -jar balancer.jar --demo        three demo backends on 8081-8083, balanced on 8080
                       java -jar balancer.jar --config=FILE  keys from a properties file (reread on SIGHUP)

                Every key can also be set as -Dbalancer.KEY=VALUE or as environment variable BALANCER_KEY
                (upper snake case); flags win over the file, the file over properties, properties over environment.

                Keys:
                """);
        for (ConfigKey key : ConfigKey.values()) {
            text.append(String.format("  --%-26s %s%n  %-28s %s%n", key.key(), key.meaning(), "", allowedAndDefault(key)));
        }
        return text.toString();
    }
}
