package dev.weft.config.security.authorizationpolicy;

import dev.weft.config.validate.AddressRules;
import dev.weft.config.validate.Validation;
import java.util.List;

/**
 * The attributes an AuthorizationPolicy condition may test (istio/pkg/config/security
 * ValidateAttribute): which keys exist, which take a [name], and what their values must look like.
 */
final class Conditions {
  private Conditions() {}

  static void validate(Validation v, String path, AuthorizationPolicy.Condition c) {
    if (c.key() == null || c.key().isEmpty()) {
      v.error(path + ".key", "`key` must not be empty");
      return;
    }
    if (c.values().isEmpty() && c.notValues().isEmpty()) {
      v.error(path, "at least one of `values` or `notValues` must be set for key " + c.key());
      return;
    }
    String keyProblem = keyProblem(c.key());
    if (keyProblem != null) {
      v.error(path + ".key", keyProblem);
      return;
    }
    values(v, path + ".values", "value", c.key(), c.values());
    values(v, path + ".notValues", "notValue", c.key(), c.notValues());
  }

  /** Why {@code key} is not a supported attribute, or null. */
  static String keyProblem(String key) {
    if (key.startsWith("request.headers") || key.startsWith("request.auth.claims") || key.startsWith("experimental.envoy.filters.")) {
      int open = key.indexOf('[');
      return key.endsWith("]") && open > 0 && open < key.length() - 2 ? null : "bad key (" + key + "): should have format a[b]";
    }
    return switch (key) {
      case "source.ip", "remote.ip", "source.namespace", "source.principal", "request.auth.principal",
          "request.auth.audiences", "request.auth.presenter", "destination.ip", "destination.port", "connection.sni" -> null;
      case "destination.namespace" -> "attribute " + key + " is replaced by the metadata.namespace";
      case "destination.name", "destination.user" -> "deprecated attribute " + key + ": only supported in v1alpha1";
      default -> key.startsWith("destination.labels") ? "attribute " + key + " is replaced by the workload selector"
          : "unknown attribute: " + key;
    };
  }

  private static void values(Validation v, String path, String what, String key, List<String> values) {
    for (int i = 0; i < values.size(); i++) {
      String value = values.get(i);
      String problem = value.isEmpty() ? "empty value not allowed" : valueProblem(key, value);
      if (problem != null) {
        v.error(path + "[" + i + "]", "invalid `" + what + "` for `key` " + key + ": " + problem);
      }
    }
  }

  private static String valueProblem(String key, String value) {
    return switch (key) {
      case "source.ip", "remote.ip", "destination.ip" -> AddressRules.ipOrCidrProblem(value);
      case "destination.port" -> portProblem(value);
      default -> null;
    };
  }

  /** Istio's ValidatePorts: a decimal number up to 65535. */
  static String portProblem(String port) {
    if (port.isEmpty()) {
      return "empty value not allowed";
    }
    if (port.length() > 5 || !port.chars().allMatch(ch -> ch >= '0' && ch <= '9') || Integer.parseInt(port) > 65535) {
      return "bad port (" + port + "): must be a number 0..65535";
    }
    return null;
  }
}
