package dev.weft.sample.bookinfo;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A JSON value, with a bounded reader and a writer. Bookinfo's messages are a few small fixed
 * shapes, so a library would be more than the job needs; the reader still accepts any JSON a
 * backend may send (details v2 and ratings POST carry free-form objects).
 */
public sealed interface Json {

    record Obj(Map<String, Json> members) implements Json {
        public Obj {
            // LinkedHashMap keeps the sender's member order, which the writer reproduces.
            members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
        }
    }

    record Arr(List<Json> items) implements Json {
        public Arr {
            items = List.copyOf(items);
        }
    }

    record Str(String value) implements Json {}

    record Num(BigDecimal value) implements Json {}

    record Bool(boolean value) implements Json {}

    record Null() implements Json {}

    Null NULL = new Null();

    static Json num(long value) {
        return new Num(BigDecimal.valueOf(value));
    }

    static Json str(String value) {
        return new Str(value);
    }

    static Json obj(Object... keysAndValues) {
        var members = new LinkedHashMap<String, Json>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            members.put((String) keysAndValues[i], (Json) keysAndValues[i + 1]);
        }
        return new Obj(members);
    }

    /** The member {@code name} of an object; empty for anything else or a missing member. */
    default Optional<Json> get(String name) {
        return this instanceof Obj(var members) ? Optional.ofNullable(members.get(name)) : Optional.empty();
    }

    /** This value as an int if it is an integral number in range. */
    default Optional<Integer> asInt() {
        if (this instanceof Num(var value)) {
            try {
                return Optional.of(value.intValueExact());
            } catch (ArithmeticException notAnInt) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** How a template shows a scalar: strings as they are, numbers in plain notation. */
    default String text() {
        return switch (this) {
            case Str(var value) -> value;
            case Num(var value) -> value.toPlainString();
            case Bool(var value) -> value ? "True" : "False";
            case Null n -> "None";
            case Obj o -> write(o, Style.PYTHON);
            case Arr a -> write(a, Style.PYTHON);
        };
    }

    /**
     * How a service writes JSON. The originals differ: Node's JSON.stringify and Ruby's to_json are
     * compact with raw UTF-8; Python's json.dumps puts a space after ':' and ',' and escapes
     * non-ASCII.
     */
    enum Style { COMPACT, PYTHON }

    static String write(Json value, Style style) {
        var out = new StringBuilder();
        write(value, style, out);
        return out.toString();
    }

    private static void write(Json value, Style style, StringBuilder out) {
        String colon = style == Style.PYTHON ? ": " : ":";
        String comma = style == Style.PYTHON ? ", " : ",";
        switch (value) {
            case Obj(var members) -> {
                out.append('{');
                boolean first = true;
                for (var member : members.entrySet()) {
                    if (!first) {
                        out.append(comma);
                    }
                    first = false;
                    quote(member.getKey(), style, out);
                    out.append(colon);
                    write(member.getValue(), style, out);
                }
                out.append('}');
            }
            case Arr(var items) -> {
                out.append('[');
                for (int i = 0; i < items.size(); i++) {
                    if (i > 0) {
                        out.append(comma);
                    }
                    write(items.get(i), style, out);
                }
                out.append(']');
            }
            case Str(var s) -> quote(s, style, out);
            case Num(var n) -> out.append(n.toString());
            case Bool(var b) -> out.append(b);
            case Null n -> out.append("null");
        }
    }

    private static void quote(String s, Style style, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || (c > 0x7e && style == Style.PYTHON)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Parses one JSON document; nesting deeper than {@code MAX_DEPTH} is refused. */
    static Json parse(String text) throws JsonException {
        var reader = new Reader(text);
        reader.skipSpace();
        Json value = reader.value(0);
        reader.skipSpace();
        if (reader.pos != text.length()) {
            throw reader.error("unexpected text after the value");
        }
        return value;
    }

    int MAX_DEPTH = 64;

    final class JsonException extends Exception {
        private static final long serialVersionUID = 1L;

        JsonException(String message) {
            super(message);
        }
    }

    /** Recursive descent over the text; depth is bounded so hostile input cannot blow the stack. */
    final class Reader {
        private final String text;
        private int pos;

        private Reader(String text) {
            this.text = text;
        }

        private JsonException error(String message) {
            return new JsonException(message + " at offset " + pos);
        }

        private void skipSpace() {
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        private Json value(int depth) throws JsonException {
            if (depth > MAX_DEPTH) {
                throw error("nesting deeper than " + MAX_DEPTH);
            }
            if (pos >= text.length()) {
                throw error("unexpected end of input");
            }
            char c = text.charAt(pos);
            return switch (c) {
                case '{' -> object(depth);
                case '[' -> array(depth);
                case '"' -> new Str(string());
                case 't' -> literal("true", new Bool(true));
                case 'f' -> literal("false", new Bool(false));
                case 'n' -> literal("null", NULL);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        yield number();
                    }
                    throw error("unexpected character '" + c + "'");
                }
            };
        }

        private Json object(int depth) throws JsonException {
            pos++;
            var members = new LinkedHashMap<String, Json>();
            skipSpace();
            if (peek() == '}') {
                pos++;
                return new Obj(members);
            }
            while (true) {
                skipSpace();
                if (peek() != '"') {
                    throw error("expected a member name");
                }
                String name = string();
                skipSpace();
                expect(':');
                skipSpace();
                members.put(name, value(depth + 1));
                skipSpace();
                char c = peek();
                pos++;
                if (c == '}') {
                    return new Obj(members);
                }
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or '}'");
                }
            }
        }

        private Json array(int depth) throws JsonException {
            pos++;
            var items = new ArrayList<Json>();
            skipSpace();
            if (peek() == ']') {
                pos++;
                return new Arr(items);
            }
            while (true) {
                skipSpace();
                items.add(value(depth + 1));
                skipSpace();
                char c = peek();
                pos++;
                if (c == ']') {
                    return new Arr(items);
                }
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or ']'");
                }
            }
        }

        private String string() throws JsonException {
            pos++;
            var out = new StringBuilder();
            while (true) {
                if (pos >= text.length()) {
                    throw error("unterminated string");
                }
                char c = text.charAt(pos++);
                if (c == '"') {
                    return out.toString();
                }
                if (c < 0x20) {
                    throw error("control character in string");
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (pos >= text.length()) {
                    throw error("unterminated string");
                }
                char e = text.charAt(pos++);
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (pos + 4 > text.length()) {
                            throw error("short \\u escape");
                        }
                        try {
                            out.append((char) Integer.parseInt(text, pos, pos + 4, 16));
                        } catch (NumberFormatException bad) {
                            throw error("bad \\u escape");
                        }
                        pos += 4;
                    }
                    default -> throw error("bad escape '\\" + e + "'");
                }
            }
        }

        private Json number() throws JsonException {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            while (pos < text.length() && "0123456789.eE+-".indexOf(text.charAt(pos)) >= 0) {
                pos++;
            }
            // Bounded so that an exponent like 1e999999999 cannot make later arithmetic explode.
            if (pos - start > 64) {
                throw error("number too long");
            }
            try {
                var value = new BigDecimal(text.substring(start, pos));
                if (Math.abs(value.scale()) > 1000) {
                    throw error("number out of range");
                }
                return new Num(value);
            } catch (NumberFormatException bad) {
                pos = start;
                throw error("bad number");
            }
        }

        private Json literal(String word, Json value) throws JsonException {
            if (!text.startsWith(word, pos)) {
                throw error("unexpected token");
            }
            pos += word.length();
            return value;
        }

        private char peek() throws JsonException {
            if (pos >= text.length()) {
                throw error("unexpected end of input");
            }
            return text.charAt(pos);
        }

        private void expect(char c) throws JsonException {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }
    }
}
