package dev.balancer;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The request id every client request carries through the balancer ({@code requestIdHeader}, default
 * {@code X-Request-Id}): the client's own when it sent a sane one, so an id set further out (a CDN, another proxy)
 * stays the same end to end; otherwise a new one. It goes to the backend, into the access log and into every error
 * body Balancer writes, so a user can quote it.
 */
public final class RequestIds {
    /** Longer ids are replaced: an id is for quoting and grepping, not for carrying data into every log line. */
    static final int MAX_LENGTH = 128;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final String header;

    RequestIds(String header) {
        this.header = header;
    }

    /** The header's name, as configured. */
    public String header() {
        return header;
    }

    /** The client's id when it is sane, else a fresh one. */
    public String of(String inbound) {
        return isSane(inbound) ? inbound : generate();
    }

    /**
     * 1 to {@value #MAX_LENGTH} visible ASCII characters without {@code "}, {@code \} or {@code ,}: nothing that
     * could break a log line, a JSON string or a header list. UUIDs, hex, base64 and the usual vendor ids pass.
     */
    static boolean isSane(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == ',') {
                return false;
            }
        }
        return true;
    }

    /**
     * 128 random bits as 32 lower-case hex digits, like a W3C trace id: unique enough to quote, from
     * {@link ThreadLocalRandom} (no lock, no entropy pool to wait for; ids need not be unguessable), one char array
     * and one string per request.
     */
    static String generate() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] out = new char[32];
        hex(random.nextLong(), out, 0);
        hex(random.nextLong(), out, 16);
        return new String(out);
    }

    private static void hex(long bits, char[] out, int offset) {
        for (int i = 15; i >= 0; i--) {
            out[offset + i] = HEX[(int) (bits & 0xf)];
            bits >>>= 4;
        }
    }
}
