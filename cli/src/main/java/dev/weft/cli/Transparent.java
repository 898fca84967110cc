package dev.weft.cli;

/**
 * {@code --transparent} (issue 5, item 3): each workload in its own network namespace with
 * iptables rules redirecting its TCP to the sidecar's 15001/15006, as Istio's init container does.
 * Not built yet: the flag exists so its place is fixed, and says so clearly.
 */
final class Transparent {
  private Transparent() {}

  static String unavailable() {
    String os = System.getProperty("os.name", "");
    if (!os.toLowerCase(java.util.Locale.ROOT).contains("linux")) {
      return "weft: --transparent needs Linux (network namespaces and iptables); this is " + os;
    }
    boolean root = "root".equals(System.getProperty("user.name"));
    return "weft: --transparent is not available yet" + (root ? "" : " (and it will need root: network namespaces and iptables)")
        + "; the default mode (own loopback address per workload, HTTP_PROXY) works without it";
  }
}
