package dev.weft.config.read;

import dev.weft.config.yaml.YamlNode;
import dev.weft.config.yaml.YamlNode.Entry;
import dev.weft.config.yaml.YamlNode.Mapping;
import dev.weft.config.yaml.YamlNode.Scalar;
import dev.weft.config.yaml.YamlNode.ScalarType;
import dev.weft.config.yaml.YamlNode.Sequence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Typed, checked access to the fields of one YAML mapping.
 *
 * <p>Each getter reads one field, records its line in the source map, and reports a wrong type as
 * an error naming the field path (returning null, or an empty value, so reading goes on and every
 * error of a document is found). Fields never asked for are unknown: {@link #finish()} reports
 * them with the nearest known name. Parsers therefore read every field of their type
 * unconditionally; nested readers are finished by the getter that made them.
 *
 * <p>A null YAML value is treated as absent, as Kubernetes does.
 */
public final class MapReader {
  private final ReadContext ctx;
  private final String path;
  private final Mapping node;
  private final Set<String> known = new LinkedHashSet<>();
  private boolean lenient;

  public MapReader(ReadContext ctx, String path, Mapping node) {
    this.ctx = ctx;
    this.path = path;
    this.node = node;
    ctx.position(path, node.line());
  }

  public String path() {
    return path;
  }

  public int line() {
    return node.line();
  }

  public ReadContext context() {
    return ctx;
  }

  /** Unknown fields are ignored rather than reported (for Kubernetes kinds Weft only reads in part). */
  public MapReader lenient() {
    lenient = true;
    return this;
  }

  public boolean has(String key) {
    known.add(key);
    YamlNode v = node.get(key);
    return v != null && !isNull(v);
  }

  /** Reports a problem with {@code key} (or with this object when key is null) at its line. */
  public void error(String key, String message) {
    String p = key == null ? path : FieldPaths.child(path, key);
    YamlNode v = key == null ? null : node.get(key);
    ctx.error(v == null ? node.line() : lineOfKey(key), p, message);
  }

  public void warning(String key, String message) {
    String p = key == null ? path : FieldPaths.child(path, key);
    ctx.warning(key == null ? node.line() : lineOfKey(key), p, message);
  }

  // ---- scalars ----

  public String string(String key) {
    Scalar s = scalar(key, ScalarType.STRING);
    return s == null ? null : s.value();
  }

  public String string(String key, String defaultValue) {
    String v = string(key);
    return v == null ? defaultValue : v;
  }

  public Long longValue(String key) {
    Scalar s = scalar(key, ScalarType.INT);
    if (s == null) {
      return null;
    }
    try {
      return parseInteger(s.value());
    } catch (NumberFormatException e) {
      error(key, "integer " + s.value() + " is out of range");
      return null;
    }
  }

  public Integer integer(String key) {
    Long v = longValue(key);
    if (v == null) {
      return null;
    }
    if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
      error(key, "integer " + v + " is out of range");
      return null;
    }
    return v.intValue();
  }

  public int integer(String key, int defaultValue) {
    Integer v = integer(key);
    return v == null ? defaultValue : v;
  }

  /** A number, integer or not (percentages). */
  public Double number(String key) {
    YamlNode v = field(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Scalar s && (s.type() == ScalarType.INT || s.type() == ScalarType.FLOAT)) {
      try {
        return s.type() == ScalarType.INT ? (double) parseInteger(s.value()) : Double.parseDouble(s.value());
      } catch (NumberFormatException e) {
        error(key, "invalid number " + s.value());
        return null;
      }
    }
    typeError(key, "number", v);
    return null;
  }

  public Boolean bool(String key) {
    Scalar s = scalar(key, ScalarType.BOOL);
    return s == null ? null : Boolean.valueOf(s.value().toLowerCase(java.util.Locale.ROOT));
  }

  public boolean bool(String key, boolean defaultValue) {
    Boolean v = bool(key);
    return v == null ? defaultValue : v;
  }

  /** A duration in Go syntax ("5s", "100ms"). */
  public Duration duration(String key) {
    String s = string(key);
    if (s == null) {
      return null;
    }
    try {
      return GoDuration.parse(s);
    } catch (IllegalArgumentException e) {
      error(key, e.getMessage());
      return null;
    }
  }

  /** An enum written with its proto name; unknown names are reported with the nearest valid one. */
  public <E extends Enum<E>> E enumValue(String key, Class<E> type) {
    String s = string(key);
    if (s == null) {
      return null;
    }
    E[] constants = type.getEnumConstants();
    for (E c : constants) {
      if (c.name().equals(s)) {
        return c;
      }
    }
    List<String> names = Arrays.stream(constants).map(Enum::name).toList();
    error(key, "invalid value \"" + s + "\", must be one of " + String.join(", ", names) + Suggestions.hint(s, names));
    return null;
  }

  // ---- collections ----

  /** A list of strings; empty when absent. */
  public List<String> strings(String key) {
    return list(key, (item, p) -> {
      if (item instanceof Scalar s && s.type() == ScalarType.STRING) {
        return s.value();
      }
      typeErrorAt(p, item, "string");
      return null;
    });
  }

  /** A map of strings to strings (labels, headers to set); empty when absent. Order is kept. */
  public Map<String, String> stringMap(String key) {
    return map(key, (item, p) -> {
      if (item instanceof Scalar s && s.type() == ScalarType.STRING) {
        return s.value();
      }
      typeErrorAt(p, item, "string");
      return null;
    });
  }

  /** A map of strings to integers (WorkloadEntry ports, locality weights); empty when absent. Order is kept. */
  public Map<String, Long> integerMap(String key) {
    return map(key, (item, p) -> {
      if (item instanceof Scalar s && s.type() == ScalarType.INT) {
        try {
          return parseInteger(s.value());
        } catch (NumberFormatException e) {
          ctx.error(item.line(), p, "integer " + s.value() + " is out of range");
          return null;
        }
      }
      typeErrorAt(p, item, "integer");
      return null;
    });
  }

  /**
   * A protobuf oneof: reports when more than one of {@code keys} is set (Istio's API would refuse
   * the object), at the second one. Returns whether at most one is set.
   */
  public boolean oneOf(String... keys) {
    String first = null;
    for (String k : keys) {
      if (has(k)) {
        if (first != null) {
          error(k, "only one of " + String.join(", ", keys) + " may be set, found " + first + " and " + k);
          return false;
        }
        first = k;
      }
    }
    return true;
  }

  /** A nested object, parsed by {@code parser} and then checked for unknown fields; null when absent. */
  public <T> T object(String key, Function<MapReader, T> parser) {
    YamlNode v = field(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Mapping m)) {
      typeError(key, "object", v);
      return null;
    }
    return parse(new MapReader(ctx, FieldPaths.child(path, key), m), parser);
  }

  /** The document's {@code spec}, read as an empty object when absent (Istio defaults every field). */
  public <T> T specObject(Function<MapReader, T> parser) {
    YamlNode v = field("spec");
    if (v == null) {
      return parse(new MapReader(ctx, "spec", new Mapping(java.util.List.of(), node.line())), parser);
    }
    if (!(v instanceof Mapping m)) {
      typeError("spec", "object", v);
      return null;
    }
    return parse(new MapReader(ctx, "spec", m), parser);
  }

  /** A list of objects; items that are not objects are reported and left out. Empty when absent. */
  public <T> List<T> list(String key, Function<MapReader, T> parser) {
    return list(key, (item, p) -> {
      if (item instanceof Mapping m) {
        return parse(new MapReader(ctx, p, m), parser);
      }
      typeErrorAt(p, item, "object");
      return null;
    });
  }

  /** A map of string keys to objects; empty when absent. */
  public <T> Map<String, T> objectMap(String key, Function<MapReader, T> parser) {
    return map(key, (item, p) -> {
      if (item instanceof Mapping m) {
        return parse(new MapReader(ctx, p, m), parser);
      }
      typeErrorAt(p, item, "object");
      return null;
    });
  }

  /** A list whose items the caller reads from raw nodes; {@code item} gets each node and its path. */
  public <T> List<T> list(String key, ItemReader<T> item) {
    YamlNode v = field(key);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof Sequence seq)) {
      typeError(key, "list", v);
      return List.of();
    }
    String listPath = FieldPaths.child(path, key);
    List<T> out = new ArrayList<>(seq.items().size());
    for (int i = 0; i < seq.items().size(); i++) {
      YamlNode n = seq.items().get(i);
      String p = FieldPaths.index(listPath, i);
      ctx.position(p, n.line());
      T t = item.read(n, p);
      if (t != null) {
        out.add(t);
      }
    }
    return Collections.unmodifiableList(out);
  }

  /** A map whose values the caller reads from raw nodes. */
  public <T> Map<String, T> map(String key, ItemReader<T> item) {
    YamlNode v = field(key);
    if (v == null) {
      return Map.of();
    }
    if (!(v instanceof Mapping m)) {
      typeError(key, "object", v);
      return Map.of();
    }
    String mapPath = FieldPaths.child(path, key);
    Map<String, T> out = new LinkedHashMap<>();
    for (Entry e : m.entries()) {
      String p = FieldPaths.child(mapPath, e.key());
      ctx.position(p, e.keyLine());
      if (isNull(e.value())) {
        continue;
      }
      T t = item.read(e.value(), p);
      if (t != null) {
        out.put(e.key(), t);
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /** The raw node of a field, for shapes the getters above do not cover; null when absent. */
  public YamlNode raw(String key) {
    return field(key);
  }

  /** Reads one list item or map value. */
  @FunctionalInterface
  public interface ItemReader<T> {
    T read(YamlNode node, String path);
  }

  /** Reports the fields no getter asked for. Called by whoever created this reader. */
  public void finish() {
    if (lenient) {
      return;
    }
    for (Entry e : node.entries()) {
      if (!known.contains(e.key())) {
        ctx.error(e.keyLine(), FieldPaths.child(path, e.key()),
            "unknown field \"" + e.key() + "\"" + Suggestions.hint(e.key(), known));
      }
    }
  }

  /** Parses with a child reader and finishes it. */
  public static <T> T parse(MapReader reader, Function<MapReader, T> parser) {
    T t = parser.apply(reader);
    reader.finish();
    return t;
  }

  // ---- internals ----

  private YamlNode field(String key) {
    known.add(key);
    for (Entry e : node.entries()) {
      if (e.key().equals(key)) {
        ctx.position(FieldPaths.child(path, key), e.keyLine());
        return isNull(e.value()) ? null : e.value();
      }
    }
    return null;
  }

  private int lineOfKey(String key) {
    for (Entry e : node.entries()) {
      if (e.key().equals(key)) {
        return e.keyLine();
      }
    }
    return node.line();
  }

  private Scalar scalar(String key, ScalarType type) {
    YamlNode v = field(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Scalar s && s.type() == type) {
      return s;
    }
    typeError(key, type.displayName(), v);
    return null;
  }

  private void typeError(String key, String expected, YamlNode got) {
    error(key, typeMessage(expected, got));
  }

  private void typeErrorAt(String p, YamlNode got, String expected) {
    ctx.error(got.line(), p, typeMessage(expected, got));
  }

  /** "expected string, got integer 1 (quote it: "1")" */
  public static String typeMessage(String expected, YamlNode got) {
    String hint = "";
    if (expected.equals("string") && got instanceof Scalar s && s.type() != ScalarType.STRING) {
      hint = " (quote it: \"" + s.value() + "\")";
    }
    return "expected " + expected + ", got " + describe(got) + hint;
  }

  static String describe(YamlNode n) {
    if (n instanceof Scalar s) {
      String v = s.value().length() > 40 ? s.value().substring(0, 40) + "..." : s.value();
      return s.type().displayName() + " " + (s.type() == ScalarType.STRING ? "\"" + v + "\"" : v);
    }
    return n.typeName();
  }

  static boolean isNull(YamlNode n) {
    return n instanceof Scalar s && s.type() == ScalarType.NULL;
  }

  static long parseInteger(String text) {
    String t = text.replace("_", "");
    boolean neg = t.startsWith("-");
    String digits = neg || t.startsWith("+") ? t.substring(1) : t;
    long v;
    if (digits.startsWith("0x")) {
      v = Long.parseLong(digits.substring(2), 16);
    } else if (digits.startsWith("0o")) {
      v = Long.parseLong(digits.substring(2), 8);
    } else {
      v = Long.parseLong(digits);
    }
    return neg ? -v : v;
  }
}
