package dev.weft.config.validate;

import java.net.Inet6Address;

/**
 * IP address and CIDR syntax as Go's net/netip accepts it (what Istio validates with): IPv4 in
 * dotted decimal without leading zeros, IPv6 in any RFC 4291 text form, prefix lengths 0..32 or
 * 0..128. Pure syntax: nothing is resolved.
 */
public final class IpAddresses {
  private IpAddresses() {}

  public static boolean isIp(String s) {
    return isIpv4(s) || isIpv6(s);
  }

  /** Why {@code s} is not a CIDR range ("10.0.0.0/8", "2001:db8::/32"), or null when it is one. */
  public static String cidrProblem(String s) {
    int slash = s.indexOf('/');
    if (slash < 0) {
      return "no '/'";
    }
    String addr = s.substring(0, slash);
    String bits = s.substring(slash + 1);
    boolean v4 = isIpv4(addr);
    if (!v4 && !isIpv6(addr)) {
      return "ParseAddr(\"" + addr + "\"): invalid IP address";
    }
    if (bits.isEmpty() || bits.length() > 3 || !bits.chars().allMatch(Character::isDigit) || (bits.length() > 1 && bits.charAt(0) == '0')) {
      return "bad bits after slash: \"" + bits + "\"";
    }
    int n = Integer.parseInt(bits);
    if (n > (v4 ? 32 : 128)) {
      return "prefix length out of range";
    }
    return null;
  }

  static boolean isIpv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
          || (p.length() > 1 && p.charAt(0) == '0') || Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }

  static boolean isIpv6(String s) {
    if (!s.contains(":") || s.contains("%") || s.contains("[") || !s.chars().allMatch(c -> c < 128)) {
      return false;
    }
    try {
      Inet6Address.ofLiteral(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
