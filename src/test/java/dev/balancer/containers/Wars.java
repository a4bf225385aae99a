package dev.balancer.containers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** The WARs and descriptors the container tests deploy, made from the real build output and the examples. */
final class Wars {
    static final Path BALANCER_WAR = Path.of("target/balancer.war").toAbsolutePath();
    static final String WEB_XML = "WEB-INF/web.xml";

    private Wars() {}

    /** The example application built by maven-invoker-plugin from examples/inside-a-webapp. */
    static Path exampleWar() {
        return Path.of(required("example.war"));
    }

    static String required(String systemProperty) {
        String value = System.getProperty(systemProperty);
        if (value == null) {
            throw new IllegalStateException("system property " + systemProperty + " is not set: run the container tests with `mvn verify`");
        }
        return value;
    }

    static String webXml(Path war) {
        try (ZipFile zip = new ZipFile(war.toFile())) {
            return new String(zip.getInputStream(zip.getEntry(WEB_XML)).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of {@code war} whose WEB-INF/web.xml is {@code webXml}; everything else unchanged. */
    static Path withWebXml(Path war, String webXml, Path target) {
        try {
            Files.createDirectories(target.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (ZipFile source = new ZipFile(war.toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
            for (ZipEntry entry : java.util.Collections.list(source.entries())) {
                out.putNextEntry(new ZipEntry(entry.getName()));
                if (entry.getName().equals(WEB_XML)) {
                    out.write(webXml.getBytes(StandardCharsets.UTF_8));
                } else {
                    source.getInputStream(entry).transferTo(out);
                }
                out.closeEntry();
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Replaces the sample value an example ships with, failing when the example no longer contains it: the
     * tests must never run an example's sample addresses by accident.
     */
    static String replaceSample(String text, String sample, String replacement) {
        if (!text.contains(sample)) {
            throw new IllegalStateException("the example no longer contains the sample value " + sample);
        }
        return text.replace(sample, replacement);
    }

    static String readString(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void writeString(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Copies a file into a directory a container watches, in one atomic step: staged next to it first, so the
     * container never sees half a WAR.
     */
    static void copyAtomically(Path source, Path target, Path stagingDirectory) {
        try {
            Files.createDirectories(stagingDirectory);
            Files.createDirectories(target.getParent());
            Path staged = Files.copy(source, stagingDirectory.resolve(target.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void copyTree(Path source, Path target) {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path copy = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteIfExists(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
