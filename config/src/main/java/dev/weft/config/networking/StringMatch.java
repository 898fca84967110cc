package dev.weft.config.networking;

/**
 * Istio's StringMatch: a value compared exactly, by prefix, or by an RE2 regular expression.
 * Shared by VirtualService matches, CORS origins and (with the same shape) other kinds.
 *
 * <p>{@code {}} (no member set) is legal in Istio and means "no constraint on the value": for a
 * header or query parameter the key only has to be present. It is {@link Any}.
 */
public sealed interface StringMatch {

  /** The matched text (the pattern for {@link Regex}); empty for {@link Any}. */
  String value();

  /** The member name as YAML writes it: "exact", "prefix", "regex" (or "" for {@link Any}). */
  String kind();

  record Exact(String value) implements StringMatch {
    @Override
    public String kind() {
      return "exact";
    }
  }

  record Prefix(String value) implements StringMatch {
    @Override
    public String kind() {
      return "prefix";
    }
  }

  /** An RE2 regular expression matched against the whole value (Envoy safe_regex). */
  record Regex(String value) implements StringMatch {
    @Override
    public String kind() {
      return "regex";
    }
  }

  /** No member set ({@code {}}). */
  record Any() implements StringMatch {
    @Override
    public String value() {
      return "";
    }

    @Override
    public String kind() {
      return "";
    }
  }
}
