package dev.weft.config.validate;

/**
 * Istio's rules for network addresses: ports, port names and protocols, IP addresses, CIDR ranges,
 * unix socket addresses.
 * Each check reports into a {@link Validation} at a path and returns whether the value was valid.
 */
public final class AddressRules {
  private AddressRules() {}

  public static boolean port(Validation v, String path, Integer port) {
    if (port != null && (port < 1 || port > 65535)) {
      v.error(path, "port must be 1..65535, got " + port);
      return false;
    }
    return true;
  }

  /** An IP address literal (IPv4 dotted quad or IPv6), without any name lookup. */
  public static boolean isIpAddress(String s) {
    if (s == null || s.isEmpty()) {
      return false;
    }
    if (s.indexOf(':') >= 0) {
      try {
        java.net.Inet6Address.ofLiteral(s);
        return true;
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
          || Integer.parseInt(p) > 255 || (p.length() > 1 && p.charAt(0) == '0')) {
        return false;
      }
    }
    return true;
  }

  /** Istio's ValidateIPSubnet: an IP address, or a CIDR block such as 10.0.0.0/8 or 2001:db8::/32. */
  public static boolean ipSubnet(Validation v, String path, String subnet) {
    int slash = subnet.indexOf('/');
    if (slash < 0) {
      if (!isIpAddress(subnet)) {
        v.error(path, subnet + " is not a valid IP");
        return false;
      }
      return true;
    }
    String ip = subnet.substring(0, slash);
    String bits = subnet.substring(slash + 1);
    int max = ip.indexOf(':') >= 0 ? 128 : 32;
    boolean ok = isIpAddress(ip) && !bits.isEmpty() && bits.length() <= 3 && bits.chars().allMatch(c -> c >= '0' && c <= '9')
        && Integer.parseInt(bits) <= max;
    if (!ok) {
      v.error(path, subnet + " is not a valid CIDR block");
    }
    return ok;
  }

  /** An IP address or CIDR range (Istio's security.ValidateIPs, for ipBlocks and ip conditions). */
  public static boolean ipOrCidr(Validation v, String path, String value) {
    String problem = ipOrCidrProblem(value);
    if (problem != null) {
      v.error(path, problem);
      return false;
    }
    return true;
  }

  /** What is wrong with an IP address or CIDR range, in Istio's security.ValidateIPs words; null when valid. */
  public static String ipOrCidrProblem(String value) {
    int slash = value.indexOf('/');
    if (slash < 0) {
      return isIpAddress(value) ? null : "bad IP address (" + value + ")";
    }
    String ip = value.substring(0, slash);
    String bits = value.substring(slash + 1);
    String reason = null;
    if (!isIpAddress(ip)) {
      reason = "ParseAddr(\"" + ip + "\"): invalid IP address";
    } else if (bits.isEmpty() || bits.length() > 3 || !bits.chars().allMatch(c -> c >= '0' && c <= '9')
        || (bits.length() > 1 && bits.charAt(0) == '0')) {
      reason = "bad bits after slash: \"" + bits + "\"";
    } else if (Integer.parseInt(bits) > (ip.indexOf(':') >= 0 ? 128 : 32)) {
      reason = "prefix length out of range";
    }
    return reason == null ? null : "bad CIDR range (" + value + "): " + reason;
  }

  /** Istio's ValidateUnixAddress, for the part after "unix://": an absolute file path, or "@name" (abstract socket). */
  public static boolean unixAddress(Validation v, String path, String addr) {
    if (addr.isEmpty()) {
      v.error(path, "unix address must not be empty");
      return false;
    }
    if (addr.startsWith("@")) {
      return true;
    }
    if (!addr.startsWith("/") || addr.endsWith("/")) {
      v.error(path, addr + " is not an absolute path to a file");
      return false;
    }
    return true;
  }

  /** Istio's ValidatePortName: a DNS-1123 label (upper case allowed, as in Istio). */
  public static boolean portName(Validation v, String path, String name) {
    if (name == null || name.isEmpty()) {
      v.error(path, "port name is required");
      return false;
    }
    if (!HostRules.isIstioLabel(name)) {
      v.error(path, "invalid port name: " + name);
      return false;
    }
    return true;
  }

  /** Istio's ValidateProtocol: empty (protocol sniffing) or a protocol Istio knows, in any case. */
  public static boolean protocol(Validation v, String path, String protocol) {
    if (protocol != null && !protocol.isEmpty() && dev.weft.config.model.Protocol.parse(protocol) == dev.weft.config.model.Protocol.UNSUPPORTED) {
      v.error(path, "unsupported protocol: " + protocol);
      return false;
    }
    return true;
  }
}
