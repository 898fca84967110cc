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
  private static final java.util.regex.Pattern DNS1123_LABEL = java.util.regex.Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final java.util.regex.Pattern LABEL_NAME = java.util.regex.Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final java.util.regex.Pattern LABEL_VALUE = java.util.regex.Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
  private static final java.util.regex.Pattern HEADER_NAME = java.util.regex.Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");

  private Rules() {}

  public static boolean isDns1123Label(String s) {
    return s.length() <= 63 && DNS1123_LABEL.matcher(s).matches();
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

  /** A regular expression that compiles under RE2 semantics (as Envoy's safe_regex requires). */
  public static boolean regex(Validation v, String path, String regex) {
    if (regex == null) {
      return true;
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

  public static String formatNumber(double d) {
    return d == Math.rint(d) && !Double.isInfinite(d) ? String.valueOf((long) d) : String.valueOf(d);
  }
}
