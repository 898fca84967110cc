package dev.weft.config.diag;

/**
 * A validation message about one place in the input.
 *
 * @param file the input it came from ("-" for stdin)
 * @param line 1-based line, 0 when unknown
 * @param resource "Kind namespace/name", or empty when the document could not be identified
 * @param path field path such as {@code spec.http[0].route[1].weight}, or empty
 */
public record Diagnostic(Level level, String file, int line, String resource, String path, String message) {

  /** {@code reviews.yaml:14: VirtualService default/reviews: spec.http[0].route[1].weight: must be 0..100, got 120} */
  public String format() {
    StringBuilder sb = new StringBuilder(file);
    if (line > 0) {
      sb.append(':').append(line);
    }
    sb.append(": ");
    if (level != Level.ERROR) {
      sb.append(level.label().toLowerCase(java.util.Locale.ROOT)).append(": ");
    }
    if (!resource.isEmpty()) {
      sb.append(resource).append(": ");
    }
    if (!path.isEmpty()) {
      sb.append(path).append(": ");
    }
    return sb.append(message).toString();
  }

  @Override
  public String toString() {
    return format();
  }
}
