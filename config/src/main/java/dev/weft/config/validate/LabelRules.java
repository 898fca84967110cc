package dev.weft.config.validate;

import java.util.Map;

/**
 * Istio's rules for Kubernetes labels and workload selectors.
 * Each check reports into a {@link Validation} at a path and returns whether the value was valid.
 */
public final class LabelRules {
  private static final java.util.regex.Pattern LABEL_NAME = java.util.regex.Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final java.util.regex.Pattern LABEL_VALUE = java.util.regex.Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");

  private LabelRules() {}

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
        if (!HostRules.isDns1123Subdomain(prefix)) {
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
}
