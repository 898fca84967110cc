package dev.weft.config.diag;

/** Severity, as istioctl names them. */
public enum Level {
  ERROR("Error"),
  WARNING("Warning"),
  INFO("Info");

  private final String label;

  Level(String label) {
    this.label = label;
  }

  /** The word istioctl prints: Error, Warning, Info. */
  public String label() {
    return label;
  }
}
