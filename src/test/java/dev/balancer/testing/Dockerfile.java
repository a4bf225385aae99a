package dev.balancer.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The repository's Dockerfile, read as instructions (continuation lines joined, comments dropped). No container
 * engine exists on the build machines, so tests check the file and run its ENTRYPOINT themselves.
 */
public final class Dockerfile {
    public static final Path FILE = Path.of("Dockerfile");
    private static final Pattern JSON_STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** One instruction: {@code FROM}, {@code COPY}, … and the rest of its line. */
    public record Instruction(String keyword, String arguments) {}

    private final List<Instruction> instructions;

    private Dockerfile(List<Instruction> instructions) {
        this.instructions = instructions;
    }

    public static Dockerfile read() throws IOException {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String line : Files.readAllLines(FILE)) {
            String trimmed = line.trim();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && pending.isEmpty())) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                pending.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            pending.append(trimmed);
            String whole = pending.toString().trim();
            pending.setLength(0);
            if (!whole.isEmpty()) {
                int space = whole.indexOf(' ');
                instructions.add(new Instruction(whole.substring(0, space).toUpperCase(Locale.ROOT), whole.substring(space + 1).trim()));
            }
        }
        return new Dockerfile(instructions);
    }

    public List<String> all(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
    }

    /** The last instruction of that kind: the one that applies to the final image. */
    public String last(String keyword) {
        List<String> all = all(keyword);
        if (all.isEmpty()) {
            throw new AssertionError("Dockerfile has no " + keyword);
        }
        return all.get(all.size() - 1);
    }

    /**
     * The ENTRYPOINT's exec form ({@code ["java", "-jar", …]}) as a list. The shell form would make /bin/sh PID 1,
     * which does not pass SIGTERM on to java, so it is refused here.
     */
    public List<String> entrypoint() {
        String arguments = last("ENTRYPOINT");
        if (!arguments.startsWith("[") || !arguments.endsWith("]")) {
            throw new AssertionError("ENTRYPOINT must use the exec form [\"java\", ...]: " + arguments);
        }
        List<String> words = new ArrayList<>();
        Matcher m = JSON_STRING.matcher(arguments);
        while (m.find()) {
            words.add(m.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
        }
        return words;
    }
}
