package dev.weft.config.networking;

import dev.weft.config.read.MapReader;
import java.util.ArrayList;
import java.util.List;

/** Reads a {@link StringMatch}; a oneof, so more than one member set is reported here. */
public final class StringMatchParser {
  private StringMatchParser() {}

  public static StringMatch parse(MapReader m) {
    String exact = m.string("exact");
    String prefix = m.string("prefix");
    String regex = m.string("regex");
    List<String> set = new ArrayList<>();
    if (exact != null) {
      set.add("exact");
    }
    if (prefix != null) {
      set.add("prefix");
    }
    if (regex != null) {
      set.add("regex");
    }
    if (set.size() > 1) {
      m.error(null, "only one of exact, prefix, regex may be set, found " + String.join(" and ", set));
      return null;
    }
    if (exact != null) {
      return new StringMatch.Exact(exact);
    }
    if (prefix != null) {
      return new StringMatch.Prefix(prefix);
    }
    if (regex != null) {
      return new StringMatch.Regex(regex);
    }
    return new StringMatch.Any();
  }
}
