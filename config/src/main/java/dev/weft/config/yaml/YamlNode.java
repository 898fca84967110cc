package dev.weft.config.yaml;

import java.util.List;

/**
 * A YAML node as Weft reads it: scalars keep their text and the type YAML's core schema gives them,
 * every node keeps the line it starts on (1-based) so that messages can name it.
 *
 * <p>Aliases are resolved to the node they name (the tree may share subtrees, never cycles).
 */
public sealed interface YamlNode {

  int line();

  /** Human name of the node's type, for "expected X, got Y" messages. */
  String typeName();

  /** A scalar. {@code type} is what YAML's core schema resolves it to (quoted scalars are strings). */
  record Scalar(String value, ScalarType type, int line) implements YamlNode {
    @Override
    public String typeName() {
      return type.displayName();
    }
  }

  record Mapping(List<Entry> entries, int line) implements YamlNode {
    public Mapping {
      entries = List.copyOf(entries);
    }

    @Override
    public String typeName() {
      return "object";
    }

    /** The value of {@code key}, or null. Keys are unique: the reader refuses duplicates. */
    public YamlNode get(String key) {
      for (Entry e : entries) {
        if (e.key().equals(key)) {
          return e.value();
        }
      }
      return null;
    }
  }

  record Sequence(List<YamlNode> items, int line) implements YamlNode {
    public Sequence {
      items = List.copyOf(items);
    }

    @Override
    public String typeName() {
      return "list";
    }
  }

  /** One key/value pair of a mapping; {@code keyLine} is where the key is written. */
  record Entry(String key, int keyLine, YamlNode value) {}

  enum ScalarType {
    STRING("string"),
    INT("integer"),
    FLOAT("number"),
    BOOL("boolean"),
    NULL("null");

    private final String displayName;

    ScalarType(String displayName) {
      this.displayName = displayName;
    }

    public String displayName() {
      return displayName;
    }
  }
}
