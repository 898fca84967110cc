package dev.weft.config.validate;

/**
 * Istio's rules for names and hosts (istio/pkg/config/validation, labels): DNS-1123 labels and
 * subdomains, resource names, hosts with wildcards, FQDNs, exportTo.
 * Each check reports into a {@link Validation} at a path and returns whether the value was valid.
 */
public final class HostRules {
  private HostRules() {}

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
}
