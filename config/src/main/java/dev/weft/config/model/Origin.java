package dev.weft.config.model;

/** Where a resource was written: file (or "-" for stdin, or an API client's label) and first line. */
public record Origin(String file, int line) {
  @Override
  public String toString() {
    return line > 0 ? file + ":" + line : file;
  }
}
