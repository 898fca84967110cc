package dev.weft.config.validate;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.weft.config.read.GoDuration;
import java.time.Duration;
import java.util.Map;

/**
 * Istio's shared validation rules (istio/pkg/config/validation): names, hosts, ports, durations,
 * percentages, regular expressions. Each check reports into a {@link Validation} at a path and
 * returns whether the value was valid, so callers can skip follow-on checks.
 */
public final class Rules {
  private static final java.util.regex.Pattern LABEL_NAME = java.util.regex.Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final java.util.regex.Pattern LABEL_VALUE = java.util.regex.Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
  private static final java.util.regex.Pattern ISTIO_HEADER_NAME = java.util.regex.Pattern.compile("[-_A-Za-z0-9]+");
  private static final java.util.regex.Pattern HEADER_NAME = java.util.regex.Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");

  private static final int MAX_REGEX_LENGTH = 1024;

  private Rules() {}

  /** [a-z0-9]([-a-z0-9]*[a-z0-9])?, at most 63: hand-written, it runs for every name and host label. */
  public static boolean isDns1123Label(String s) {
    int n = s.length();
    if (n == 0 || n > 63 || s.charAt(0) == '-' || s.charAt(n - 1) == '-') {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /**
   * Istio's labels.IsDNS1123Label, which (unlike Kubernetes) also accepts upper case letters: subset
   * names, port names and the labels of FQDNs are checked with it.
   */
  public static boolean isIstioLabel(String s) {
    return isDns1123Label(s.toLowerCase(java.util.Locale.ROOT));
  }

  public static boolean isDns1123Subdomain(String s) {
    if (s.isEmpty() || s.length() > 253) {
      return false;
    }
    for (String part : s.split("\\.", -1)) {
      if (!isDns1123Label(part)) {
        return false;
      }
    }
    return true;
  }

  /** A resource name (metadata.name): a DNS-1123 subdomain. */
  public static boolean name(Validation v, String path, String name) {
    if (name == null || name.isEmpty()) {
      v.error(path, "name is required");
      return false;
    }
    if (!isDns1123Subdomain(name)) {
      v.error(path, "\"" + name + "\" is not a valid name: lower case letters, digits, '-' and '.', starting and ending with a letter or digit");
      return false;
    }
    return true;
  }

  /**
   * A host as Istio accepts it in hosts fields: a FQDN or short name, optionally with one leading
   * "*" label, or "*" alone. {@code allowWildcard} false for destination hosts where Istio forbids it.
   */
  public static boolean host(Validation v, String path, String host, boolean allowWildcard) {
    if (host == null || host.isEmpty()) {
      v.error(path, "host must not be empty");
      return false;
    }
    if (host.length() > 255) {
      v.error(path, "host \"" + host + "\" is longer than 255 characters");
      return false;
    }
    if (host.equals("*")) {
      if (!allowWildcard) {
        v.error(path, "wildcard host \"*\" is not allowed here");
        return false;
      }
      return true;
    }
    String rest = host;
    if (host.startsWith("*")) {
      if (!allowWildcard) {
        v.error(path, "wildcard host \"" + host + "\" is not allowed here");
        return false;
      }
      if (!host.startsWith("*.") || host.length() == 2) {
        v.error(path, "invalid host \"" + host + "\": a wildcard must be the whole first label, as in \"*.example.com\"");
        return false;
      }
      rest = host.substring(2);
    }
    if (rest.endsWith(".")) {
      rest = rest.substring(0, rest.length() - 1);
    }
    for (String label : rest.split("\\.", -1)) {
      if (!label.isEmpty() && label.length() <= 63 && label.chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 128 || c == '-')
          && label.charAt(0) != '-' && label.charAt(label.length() - 1) != '-') {
        continue;
      }
      v.error(path, "invalid host \"" + host + "\": each dot-separated label must be 1-63 letters, digits or '-', not starting or ending with '-'");
      return false;
    }
    return true;
  }

  public static boolean port(Validation v, String path, Integer port) {
    if (port != null && (port < 1 || port > 65535)) {
      v.error(path, "port must be 1..65535, got " + port);
      return false;
    }
    return true;
  }

  /** Istio's ValidateDuration: at least 1ms, in whole milliseconds. */
  public static boolean duration(Validation v, String path, Duration d) {
    if (d == null) {
      return true;
    }
    if (d.isNegative() || d.compareTo(Duration.ofMillis(1)) < 0) {
      v.error(path, "duration must be at least 1ms, got " + GoDuration.format(d));
      return false;
    }
    if (d.toNanos() % 1_000_000 != 0) {
      v.error(path, "only durations to millisecond precision are supported, got " + GoDuration.format(d));
      return false;
    }
    return true;
  }

  /** Percentages are 0..100 (fractional allowed). */
  public static boolean percent(Validation v, String path, Double p) {
    if (p != null && (p.isNaN() || p < 0 || p > 100)) {
      v.error(path, "must be 0..100, got " + formatNumber(p));
      return false;
    }
    return true;
  }

  /**
   * A regular expression that compiles under RE2 semantics (as Envoy's safe_regex requires). Like
   * Istio, at most 1024 characters: Envoy bounds the RE2 program size, which length approximates.
   */
  public static boolean regex(Validation v, String path, String regex) {
    if (regex == null) {
      return true;
    }
    if (regex.length() > MAX_REGEX_LENGTH) {
      v.error(path, "regex is too large, max length allowed is " + MAX_REGEX_LENGTH);
      return false;
    }
    try {
      Pattern.compile(regex);
      return true;
    } catch (PatternSyntaxException e) {
      v.error(path, "\"" + regex + "\" is not a valid RE2 regular expression: " + e.getDescription());
      return false;
    }
  }

  /** Kubernetes label keys and values (selectors, subset labels). */
  public static boolean labels(Validation v, String path, Map<String, String> labels) {
    boolean ok = true;
    for (Map.Entry<String, String> e : labels.entrySet()) {
      String key = e.getKey();
      String name = key;
      int slash = key.indexOf('/');
      if (slash >= 0) {
        String prefix = key.substring(0, slash);
        name = key.substring(slash + 1);
        if (!isDns1123Subdomain(prefix)) {
          v.error(path, "invalid label key \"" + key + "\": the prefix must be a DNS subdomain");
          ok = false;
          continue;
        }
      }
      if (name.isEmpty() || name.length() > 63 || !LABEL_NAME.matcher(name).matches()) {
        v.error(path, "invalid label key \"" + key + "\"");
        ok = false;
      }
      String value = e.getValue();
      if (value.length() > 63 || !LABEL_VALUE.matcher(value).matches()) {
        v.error(path + "[\"" + key + "\"]", "invalid label value \"" + value + "\"");
        ok = false;
      }
    }
    return ok;
  }

  /** An HTTP header name (RFC 7230 token); Istio also wants it lower case where it matches. */
  public static boolean headerName(Validation v, String path, String name) {
    if (name.isEmpty() || !HEADER_NAME.matcher(name).matches()) {
      v.error(path, "invalid header name \"" + name + "\"");
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

  /**
   * Istio's validateExportTo for one resource: ".", "*" or namespace names, no duplicates (". " and
   * the own namespace count as the same), "*" alone. {@code allowNone}: "~" (visible to no one) is
   * only for ServiceEntry.
   */
  public static boolean exportTo(Validation v, String path, String namespace, java.util.List<String> exportTo, boolean allowNone) {
    boolean ok = true;
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < exportTo.size(); i++) {
      String e = exportTo.get(i);
      String p = path + "[" + i + "]";
      String key = e.equals(".") ? namespace : e;
      if (!seen.add(key)) {
        v.error(p, key.equals(e) ? "duplicate entries in exportTo for entry " + e
            : "duplicate entries in exportTo: . and current namespace " + namespace);
        ok = false;
      } else if (e.equals("~") && !allowNone) {
        v.error(p, "exportTo ~ (none) is not allowed for Istio configuration objects");
        ok = false;
      } else if (!e.equals("*") && !e.equals("~") && !e.equals(".") && !isDns1123Label(e)) {
        v.error(p, "only ., *, or a valid DNS 1123 label is allowed as exportTo entry, got \"" + e + "\"");
        ok = false;
      }
    }
    if (seen.contains("*") && exportTo.size() > 1) {
      v.error(path, "cannot have both public (*) and non-public exportTo values for a resource");
      ok = false;
    }
    if (seen.contains("~") && exportTo.size() > 1) {
      v.error(path, "cannot export service entry to no one (~) and someone");
      ok = false;
    }
    return ok;
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

  // ---- Istio networking rules shared by DestinationRule, ServiceEntry, WorkloadEntry, Sidecar ----

  /** Istio's ValidateFQDN: DNS-1123 labels (a trailing dot allowed), top-level domain not all digits. */
  public static boolean isFqdn(String s) {
    if (s == null || s.isEmpty() || s.length() > 255) {
      return false;
    }
    String[] parts = s.split("\\.", -1);
    String tld = parts[parts.length - 1].isEmpty() && parts.length > 1 ? parts[parts.length - 2] : parts[parts.length - 1];
    if (!tld.isEmpty() && tld.chars().allMatch(Character::isDigit)) {
      return false;
    }
    for (int i = 0; i < parts.length; i++) {
      if (i == parts.length - 1 && parts[i].isEmpty() && i > 0) {
        return true;
      }
      if (!isIstioLabel(parts[i])) {
        return false;
      }
    }
    return true;
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
    if (!isIstioLabel(name)) {
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

  /** Counts such as maxConnections that Istio requires to be non-negative; {@code what} names them as Istio does. */
  public static boolean nonNegative(Validation v, String path, Number n, String what) {
    if (n != null && n.longValue() < 0) {
      v.error(path, what + " must be non-negative");
      return false;
    }
    return true;
  }

  /**
   * Istio's workload selector check (validateWorkloadSelector): no empty keys, no wildcards, and a
   * warning when no labels are given (the resource then applies to every workload of the namespace).
   */
  public static boolean selectorLabels(Validation v, String path, Map<String, String> labels, String emptyWarning) {
    boolean ok = true;
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(labels).entrySet()) {
      String kv = e.getKey() + "=" + e.getValue();
      String p = dev.weft.config.read.FieldPaths.child(path, e.getKey());
      if (e.getKey().isEmpty()) {
        v.error(p, "empty key is not supported in selector: \"" + kv + "\"");
        ok = false;
      }
      if (e.getKey().contains("*") || e.getValue().contains("*")) {
        v.error(p, "wildcard is not supported in selector: \"" + kv + "\"");
        ok = false;
      }
    }
    if (labels.isEmpty()) {
      v.warning(path, emptyWarning);
    }
    return ok;
  }

  public static String formatNumber(double d) {
    return d == Math.rint(d) && !Double.isInfinite(d) ? String.valueOf((long) d) : String.valueOf(d);
  }
}
