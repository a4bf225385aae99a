package dev.balancer.admin;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the small request bodies of the admin API: one flat JSON object whose values are strings, integers, booleans
 * or null. Hand-written for the same reason as {@link Json}: no JSON library is on the product's classpath, and
 * these bodies need a few lines, not one. Anything else (nesting, fractions, duplicate names, trailing text) is
 * refused with a message saying where.
 */
final class JsonBody {
    private final String text;
    private int at;

    private JsonBody(String text) {
        this.text = text;
    }

    /**
     * @return the members in order: {@link String}, {@link Long}, {@link Boolean} or null values
     * @throws IllegalArgumentException naming what is wrong and where
     */
    static Map<String, Object> parse(String text) {
        JsonBody body = new JsonBody(text);
        Map<String, Object> members = body.object();
        body.space();
        if (body.at < text.length()) {
            throw body.error("text after the object");
        }
        return members;
    }

    private Map<String, Object> object() {
        space();
        expect('{');
        Map<String, Object> members = new LinkedHashMap<>();
        space();
        if (peek() == '}') {
            at++;
            return members;
        }
        while (true) {
            space();
            String name = string();
            space();
            expect(':');
            space();
            if (members.containsKey(name)) {
                throw error("\"" + name + "\" given twice");
            }
            members.put(name, value());
            space();
            char next = next();
            if (next == '}') {
                return members;
            }
            if (next != ',') {
                throw error("expected , or }");
            }
        }
    }

    private Object value() {
        char c = peek();
        if (c == '"') {
            return string();
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            return integer();
        }
        for (String word : new String[] {"true", "false", "null"}) {
            if (text.startsWith(word, at)) {
                at += word.length();
                return word.equals("null") ? null : Boolean.valueOf(word);
            }
        }
        throw error(c == '{' || c == '[' ? "only flat values (string, integer, true, false, null)" : "expected a value");
    }

    private Long integer() {
        int start = at;
        if (peek() == '-') {
            at++;
        }
        while (at < text.length() && Character.isDigit(text.charAt(at))) {
            at++;
        }
        char c = peek();
        if (c == '.' || c == 'e' || c == 'E' || at - start > 18 || at == start || text.charAt(at - 1) == '-') {
            throw error("expected an integer");
        }
        return Long.parseLong(text, start, at, 10);
    }

    private String string() {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw error("control character in a string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char escaped = next();
            switch (escaped) {
                case '"', '\\', '/' -> out.append(escaped);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (at + 4 > text.length()) {
                        throw error("bad \\u escape");
                    }
                    try {
                        out.append((char) Integer.parseInt(text, at, at + 4, 16));
                    } catch (NumberFormatException e) {
                        throw error("bad \\u escape");
                    }
                    at += 4;
                }
                default -> throw error("bad escape \\" + escaped);
            }
        }
    }

    private void space() {
        while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
    }

    private char peek() {
        return at < text.length() ? text.charAt(at) : '\0';
    }

    private char next() {
        if (at >= text.length()) {
            throw error("unexpected end");
        }
        return text.charAt(at++);
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("expected " + c);
        }
        at++;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("not a flat JSON object: " + what + " at character " + at);
    }
}
