package dev.balancer.discovery;

import dev.balancer.testing.TestBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes pods on loopback: real backends on 127.0.0.2, 127.0.0.3, … all on one port, like pods behind a
 * headless Service, and a hosts file (read through {@code -Djdk.net.hosts.file}) that plays the Service's DNS.
 */
final class Pods implements AutoCloseable {
    static final String SERVICE = "my-app";

    private final Path hostsFile;
    private final Map<String, TestBackend> pods = new LinkedHashMap<>();
    private int port;

    Pods(Path hostsFile) throws IOException {
        this.hostsFile = hostsFile;
        Files.createDirectories(hostsFile.toAbsolutePath().getParent());
        publish();
    }

    /** Starts a pod on 127.0.0.{n}; it answers {@code pod-n METHOD path}. Not in DNS until {@link #publish}. */
    TestBackend start(int n) throws Exception {
        String address = "127.0.0." + n;
        TestBackend pod = new TestBackend("pod-" + n, address, port);
        port = pod.port();
        pods.put(address, pod);
        return pod;
    }

    int port() {
        return port;
    }

    /**
     * Makes the service name resolve to exactly these pods, in the given order; none: the name does not resolve.
     * Written to a temporary file and moved over the old one, so the resolver never reads half a file.
     */
    void publish(int... ns) throws IOException {
        List<String> lines = new ArrayList<>(List.of("127.0.0.1 localhost"));
        for (int n : ns) {
            lines.add("127.0.0." + n + " " + SERVICE);
        }
        Path next = Files.createTempFile(hostsFile.toAbsolutePath().getParent(), "hosts", ".tmp");
        Files.write(next, lines);
        Files.move(next, hostsFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static String url(int n, int port) {
        return "http://127.0.0." + n + ":" + port;
    }

    @Override
    public void close() throws Exception {
        for (TestBackend pod : pods.values()) {
            pod.close();
        }
    }
}
