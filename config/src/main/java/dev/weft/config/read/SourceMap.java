package dev.weft.config.read;

import java.util.HashMap;
import java.util.Map;

/**
 * Where each field of one resource was written: field path to 1-based line. The model records stay
 * free of positions; validators name a path and this map finds its line (or its nearest parent's).
 */
public final class SourceMap {
  private final Map<String, Integer> lines;
  private final int fallbackLine;

  SourceMap(Map<String, Integer> lines, int fallbackLine) {
    this.lines = Map.copyOf(lines);
    this.fallbackLine = fallbackLine;
  }

  public static SourceMap empty(int line) {
    return new SourceMap(Map.of(), line);
  }

  /** The line of {@code path}, or of its closest recorded ancestor, or of the document. */
  public int lineOf(String path) {
    String p = path;
    while (!p.isEmpty()) {
      Integer line = lines.get(p);
      if (line != null) {
        return line;
      }
      p = FieldPaths.parent(p);
    }
    return fallbackLine;
  }

  /**
   * The line of exactly {@code path}, or 0 when that field was not written. Analysis uses it where
   * Istio reports a field's line only if the field exists (and the resource's line otherwise).
   */
  public int exactLineOf(String path) {
    Integer line = lines.get(path);
    return line == null ? 0 : line;
  }

  /** Collects positions while a document is read. */
  public static final class Builder {
    private final Map<String, Integer> lines = new HashMap<>();
    private final int fallbackLine;

    public Builder(int fallbackLine) {
      this.fallbackLine = fallbackLine;
    }

    public void put(String path, int line) {
      lines.putIfAbsent(path, line);
    }

    public SourceMap build() {
      return new SourceMap(lines, fallbackLine);
    }
  }
}
