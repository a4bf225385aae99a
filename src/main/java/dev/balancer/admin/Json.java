package dev.balancer.admin;

/**
 * A small JSON writer for the flat documents Balancer answers with (status, errors). Hand-written on purpose:
 * the shapes are fixed and small, and a library would be one more jar in every WAR.
 */
public final class Json {
    private final StringBuilder out = new StringBuilder(1024);
    /** Nothing written yet at this level, or a name was just written: the next token needs no comma. */
    private boolean fresh = true;

    public Json beginObject() {
        separate();
        out.append('{');
        fresh = true;
        return this;
    }

    public Json endObject() {
        out.append('}');
        fresh = false;
        return this;
    }

    public Json beginArray(String name) {
        name(name);
        out.append('[');
        fresh = true;
        return this;
    }

    public Json endArray() {
        out.append(']');
        fresh = false;
        return this;
    }

    public Json beginObject(String name) {
        name(name);
        return beginObject();
    }

    public Json field(String name, String value) {
        name(name);
        out.append(value == null ? "null" : quote(value));
        fresh = false;
        return this;
    }

    public Json field(String name, long value) {
        name(name);
        out.append(value);
        fresh = false;
        return this;
    }

    public Json field(String name, boolean value) {
        name(name);
        out.append(value);
        fresh = false;
        return this;
    }

    /** A number, or null when the value is null or not finite (JSON has no NaN). */
    public Json field(String name, Double value) {
        name(name);
        out.append(value == null || !Double.isFinite(value) ? "null" : Double.toString(value));
        fresh = false;
        return this;
    }

    public Json nullField(String name) {
        name(name);
        out.append("null");
        fresh = false;
        return this;
    }

    private void name(String name) {
        separate();
        out.append(quote(name)).append(':');
        fresh = true;
    }

    private void separate() {
        if (!fresh) {
            out.append(',');
        }
        fresh = false;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    /** A JSON string literal; {@code < > &} are escaped too, so the text is safe inside HTML. */
    public static String quote(String text) {
        StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&') {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
