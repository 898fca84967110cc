package dev.weft.config.yaml;

/** The input is not YAML Weft can read; {@code line} is 1-based, 0 when unknown. */
public final class YamlSyntaxException extends Exception {
  private final int line;

  public YamlSyntaxException(int line, String message) {
    super(message, null, false, false);
    this.line = line;
  }

  public int line() {
    return line;
  }
}
