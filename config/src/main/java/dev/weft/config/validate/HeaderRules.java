package dev.weft.config.validate;

/**
 * Istio's rules for HTTP header names and values (including Envoy's %VARIABLE% header format).
 * Each check reports into a {@link Validation} at a path and returns whether the value was valid.
 */
public final class HeaderRules {
  private static final java.util.regex.Pattern ISTIO_HEADER_NAME = java.util.regex.Pattern.compile("[-_A-Za-z0-9]+");
  private static final java.util.regex.Pattern HEADER_NAME = java.util.regex.Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");

  private HeaderRules() {}

  /** An HTTP header name (RFC 7230 token); Istio also wants it lower case where it matches. */
  public static boolean headerName(Validation v, String path, String name) {
    if (name.isEmpty() || !HEADER_NAME.matcher(name).matches()) {
      v.error(path, "invalid header name \"" + name + "\"");
      return false;
    }
    return true;
  }

  /**
   * Istio's ValidateHTTPHeaderValue: no control characters other than tab, and Envoy's %VARIABLE%
   * syntax well formed (a literal % is written %%).
   */
  public static boolean headerValue(Validation v, String path, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        v.error(path, "header value configuration " + value + " is invalid");
        return false;
      }
    }
    String problem = EnvoyHeaderFormat.problem(value);
    if (problem != null) {
      v.error(path, "header value configuration: " + problem);
      return false;
    }
    return true;
  }

  /** Istio's ValidateHTTPHeaderName: letters, digits, '-' and '_' (for headers Istio writes, such as JWT claim headers). */
  public static boolean istioHeaderName(Validation v, String path, String name) {
    if (!ISTIO_HEADER_NAME.matcher(name).matches()) {
      v.error(path, "header name " + name + " is not a valid header name");
      return false;
    }
    return true;
  }
}
