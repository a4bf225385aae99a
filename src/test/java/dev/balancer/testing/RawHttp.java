package dev.balancer.testing;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 message heads read and written byte by byte, for tests that must see exactly what crosses a socket and
 * when (an interim 100, a body that is or is not sent), which no ready-made client or server shows.
 */
public final class RawHttp {
    private RawHttp() {}

    /** A request or status line and its headers (names lower-cased). */
    public record Head(String startLine, Map<String, String> headers) {
        /** The status code of a status line. */
        public int status() {
            return Integer.parseInt(startLine.split(" ")[1]);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public int contentLength() {
            String length = header("Content-Length");
            return length == null ? 0 : Integer.parseInt(length.trim());
        }
    }

    /** Reads one head, up to and including its empty line; not a byte of what follows. */
    public static Head readHead(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        while (text.indexOf("\r\n\r\n") < 0) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("connection closed after " + text.length() + " bytes of a head: " + text);
            }
            text.append((char) c);
        }
        String[] lines = text.toString().split("\r\n");
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        return new Head(lines[0], headers);
    }

    /** Exactly {@code length} bytes, as text. */
    public static String readBody(InputStream in, int length) throws IOException {
        return new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    /** Bytes read until the peer closes its side. */
    public static int countUntilClosed(InputStream in) throws IOException {
        int count = 0;
        for (int n; (n = in.read(new byte[1024])) > 0; ) {
            count += n;
        }
        return count;
    }

    public static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }
}
