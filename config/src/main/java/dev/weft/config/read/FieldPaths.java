package dev.weft.config.read;

/** Field paths as messages show them: {@code spec.http[0].route[1].weight}, {@code metadata.labels["app.kubernetes.io/name"]}. */
public final class FieldPaths {
  private FieldPaths() {}

  public static String child(String path, String key) {
    boolean plain = isPlain(key);
    String segment = plain ? key : "[\"" + key.replace("\"", "\\\"") + "\"]";
    if (path.isEmpty()) {
      return segment;
    }
    return plain ? path + "." + segment : path + segment;
  }

  // A loop, not a stream: this runs for every field of every resource read.
  private static boolean isPlain(String key) {
    if (key.isEmpty()) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
          || c > 127 && Character.isLetterOrDigit(c))) {
        return false;
      }
    }
    return true;
  }

  public static String index(String path, int i) {
    return path + "[" + i + "]";
  }

  /** The path one level up; "" at the top. */
  public static String parent(String path) {
    if (path.endsWith("]")) {
      int open = path.endsWith("\"]") ? path.lastIndexOf("[\"") : path.lastIndexOf('[');
      return open <= 0 ? "" : path.substring(0, open);
    }
    int dot = path.lastIndexOf('.');
    return dot < 0 ? "" : path.substring(0, dot);
  }
}
