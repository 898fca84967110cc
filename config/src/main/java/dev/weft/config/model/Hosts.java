package dev.weft.config.model;

/** Host names as Istio resolves them. */
public final class Hosts {
  public static final String DOMAIN_SUFFIX = "svc.cluster.local";

  private Hosts() {}

  /**
   * Istio's ResolveShortnameToFQDN: a name without dots (other than "*") is a service in
   * {@code namespace}: {@code reviews} becomes {@code reviews.default.svc.cluster.local}. Names with
   * dots are taken as written (so {@code reviews.default} is not expanded, as in Istio).
   */
  public static String resolve(String host, String namespace) {
    if (host.equals("*") || host.contains(".") || host.contains(":") || host.isEmpty()) {
      return host;
    }
    if (host.startsWith("*")) {
      return host;
    }
    return host + "." + namespace + "." + DOMAIN_SUFFIX;
  }

  /** A wildcard host ("*.example.com" or "*") matches {@code host}; exact hosts match themselves. */
  public static boolean matches(String pattern, String host) {
    if (pattern.equals("*")) {
      return true;
    }
    if (pattern.startsWith("*")) {
      return host.endsWith(pattern.substring(1));
    }
    return pattern.equals(host);
  }

  /** Two host patterns can name a common host (Istio's host.Name.Matches in both directions). */
  public static boolean overlap(String a, String b) {
    return matches(a, b) || matches(b, a);
  }
}
