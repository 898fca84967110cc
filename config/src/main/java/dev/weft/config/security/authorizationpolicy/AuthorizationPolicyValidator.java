package dev.weft.config.security.authorizationpolicy;

import dev.weft.config.model.Resource;
import dev.weft.config.read.FieldPaths;
import dev.weft.config.security.PolicyScope;
import dev.weft.config.security.authorizationpolicy.AuthorizationPolicy.Action;
import dev.weft.config.validate.AddressRules;
import dev.weft.config.validate.SpecValidator;
import dev.weft.config.validate.Validation;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Istio's ValidateAuthorizationPolicy (pkg/config/validation) with pkg/config/security's value checks. */
public final class AuthorizationPolicyValidator implements SpecValidator<AuthorizationPolicy> {
  private static final String NEVER_TRIGGERED = " action without `rules` is meaningless as it will never be triggered, "
      + "add an empty rule `{}` if you want it be triggered for every request";
  /** Named variables, "{}", and bare "*" or "**" segments are not supported beside {*} and {**}. */
  private static final Pattern UNSUPPORTED_PATH_TEMPLATE = Pattern.compile("/\\{\\w+=\\*\\*?\\}|\\{\\w*\\}|/\\*\\*?|\\*\\*?/");
  private static final Set<String> GO_BOOLS = Set.of("1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False");

  @Override
  public void validate(Resource<AuthorizationPolicy> r, Validation v) {
    AuthorizationPolicy ap = r.spec();
    dryRun(v, r, ap.action());
    PolicyScope.oneOf(v, ap.selector(), ap.targetRef(), ap.targetRefs());
    PolicyScope.selector(v, "spec.selector", ap.selector());
    PolicyScope.targetRef(v, "spec.targetRef", ap.targetRef());
    PolicyScope.targetRefs(v, "spec.targetRefs", ap.targetRefs());

    if (ap.action() == Action.CUSTOM) {
      if (ap.rules().isEmpty()) {
        v.error("spec.action", "CUSTOM" + NEVER_TRIGGERED);
      } else if (ap.provider() == null || ap.provider().name() == null || ap.provider().name().isEmpty()) {
        v.error(ap.provider() == null ? "spec.provider" : "spec.provider.name", "`provider.name` must not be empty");
      }
      for (int i = 0; i < ap.rules().size(); i++) {
        notWithCustom(v, "spec.rules[" + i + "]", ap.rules().get(i));
      }
    } else if (ap.provider() != null) {
      v.error("spec.provider", "`provider` must not be with non CUSTOM action, found " + ap.action());
    }
    if (ap.action() == Action.DENY && ap.rules().isEmpty()) {
      v.error("spec.action", "DENY" + NEVER_TRIGGERED);
    }
    for (int i = 0; i < ap.rules().size(); i++) {
      rule(v, "spec.rules[" + i + "]", ap.rules().get(i), ap.action());
    }
  }

  private static void dryRun(Validation v, Resource<AuthorizationPolicy> r, Action action) {
    String value = r.meta().annotations().get(PolicyScope.DRY_RUN);
    if (value == null) {
      return;
    }
    String path = FieldPaths.child("metadata.annotations", PolicyScope.DRY_RUN);
    if (action != Action.ALLOW && action != Action.DENY) {
      v.error(path, "the annotation " + PolicyScope.DRY_RUN + " currently only supports action ALLOW/DENY, found action " + action);
    } else if (!GO_BOOLS.contains(value)) {
      v.error(path, "annotation " + PolicyScope.DRY_RUN + " has invalid value (" + value + "): must be true or false");
    }
  }

  /** The extension authorizer sees no peer or request identity: Istio refuses rules that need one. */
  private static void notWithCustom(Validation v, String path, AuthorizationPolicy.Rule rule) {
    for (int j = 0; j < rule.from().size(); j++) {
      AuthorizationPolicy.Source s = rule.from().get(j).source();
      if (s == null) {
        continue;
      }
      String p = path + ".from[" + j + "].source";
      custom(v, p + ".namespaces", !s.namespaces().isEmpty(), "From.Namespaces");
      custom(v, p + ".notNamespaces", !s.notNamespaces().isEmpty(), "From.NotNamespaces");
      custom(v, p + ".principals", !s.principals().isEmpty(), "From.Principals");
      custom(v, p + ".notPrincipals", !s.notPrincipals().isEmpty(), "From.NotPrincipals");
      custom(v, p + ".requestPrincipals", !s.requestPrincipals().isEmpty(), "From.RequestPrincipals");
      custom(v, p + ".notRequestPrincipals", !s.notRequestPrincipals().isEmpty(), "From.NotRequestPrincipals");
    }
    for (int k = 0; k < rule.when().size(); k++) {
      String key = rule.when().get(k).key();
      if (key != null) {
        custom(v, path + ".when[" + k + "].key",
            key.equals("source.namespace") || key.equals("source.principal") || key.startsWith("request.auth."), key);
      }
    }
  }

  private static void custom(Validation v, String path, boolean invalid, String name) {
    if (invalid) {
      v.error(path, name + " is currently not supported with CUSTOM action");
    }
  }

  private static void rule(Validation v, String path, AuthorizationPolicy.Rule rule, Action action) {
    boolean fromExists = false;
    boolean toExists = false;
    boolean tcpInFrom = false;
    boolean tcpInTo = false;
    for (int j = 0; j < rule.from().size(); j++) {
      String p = path + ".from[" + j + "]";
      AuthorizationPolicy.Source s = rule.from().get(j).source();
      if (s == null) {
        v.error(p, "`from.source` must not be nil");
        continue;
      }
      fromExists = true;
      tcpInFrom |= s.hasTcpAttributes();
      source(v, p + ".source", s);
    }
    for (int j = 0; j < rule.to().size(); j++) {
      String p = path + ".to[" + j + "]";
      AuthorizationPolicy.Operation op = rule.to().get(j).operation();
      if (op == null) {
        v.error(p, "`to.operation` must not be nil");
        continue;
      }
      toExists = true;
      tcpInTo |= !op.ports().isEmpty() || !op.notPorts().isEmpty();
      operation(v, p + ".operation", op);
    }
    for (int k = 0; k < rule.when().size(); k++) {
      Conditions.validate(v, path + ".when[" + k + "]", rule.when().get(k));
    }
    if (action == Action.DENY && ((fromExists && !toExists && !tcpInFrom) || (toExists && !tcpInTo))) {
      v.warning(path, "configured AuthorizationPolicy will deny all traffic to TCP ports under its scope due to the use of "
          + "only HTTP attributes in a DENY rule; it is recommended to explicitly specify the port");
    }
  }

  private static void source(Validation v, String p, AuthorizationPolicy.Source s) {
    if (s.isEmpty()) {
      v.error(p, "`from.source` must not be empty");
    }
    ips(v, p + ".ipBlocks", s.ipBlocks());
    ips(v, p + ".notIpBlocks", s.notIpBlocks());
    ips(v, p + ".remoteIpBlocks", s.remoteIpBlocks());
    ips(v, p + ".notRemoteIpBlocks", s.notRemoteIpBlocks());
    matchValues(v, p + ".principals", s.principals());
    matchValues(v, p + ".notPrincipals", s.notPrincipals());
    matchValues(v, p + ".requestPrincipals", s.requestPrincipals());
    matchValues(v, p + ".notRequestPrincipals", s.notRequestPrincipals());
    matchValues(v, p + ".namespaces", s.namespaces());
    matchValues(v, p + ".notNamespaces", s.notNamespaces());
  }

  private static void operation(Validation v, String p, AuthorizationPolicy.Operation op) {
    if (op.isEmpty()) {
      v.error(p, "`to.operation` must not be empty");
    }
    ports(v, p + ".ports", op.ports());
    ports(v, p + ".notPorts", op.notPorts());
    matchValues(v, p + ".hosts", op.hosts());
    matchValues(v, p + ".notHosts", op.notHosts());
    nonEmpty(v, p + ".methods", op.methods());
    nonEmpty(v, p + ".notMethods", op.notMethods());
    paths(v, p + ".paths", op.paths());
    paths(v, p + ".notPaths", op.notPaths());
  }

  private static void ips(Validation v, String path, List<String> values) {
    for (int i = 0; i < values.size(); i++) {
      String value = values.get(i);
      if (value.isEmpty()) {
        v.error(path + "[" + i + "]", "empty value not allowed");
      } else {
        AddressRules.ipOrCidr(v, path + "[" + i + "]", value);
      }
    }
  }

  private static void ports(Validation v, String path, List<String> values) {
    for (int i = 0; i < values.size(); i++) {
      String problem = Conditions.portProblem(values.get(i));
      if (problem != null) {
        v.error(path + "[" + i + "]", problem);
      }
    }
  }

  private static boolean nonEmpty(Validation v, String path, List<String> values) {
    boolean ok = true;
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i).isEmpty()) {
        v.error(path + "[" + i + "]", "empty value not allowed");
        ok = false;
      }
    }
    return ok;
  }

  /**
   * Values matched exactly, by prefix ("abc*"), suffix ("*abc") or presence ("*"). A "*" anywhere
   * else is matched literally, which is rarely what was meant: a warning, as Istio accepts it.
   */
  private static void matchValues(Validation v, String path, List<String> values) {
    nonEmpty(v, path, values);
    for (int i = 0; i < values.size(); i++) {
      String s = values.get(i);
      String inner = s.length() <= 1 ? "" : s.substring(s.startsWith("*") ? 1 : 0, s.endsWith("*") ? s.length() - 1 : s.length());
      if (inner.contains("*") || (s.startsWith("*") && s.endsWith("*") && s.length() > 1)) {
        v.warning(path + "[" + i + "]", "\"" + s + "\": \"*\" is a wildcard only as the whole value or at its start or end"
            + " (not both); elsewhere it is matched literally");
      }
    }
  }

  private static void paths(Validation v, String path, List<String> values) {
    nonEmpty(v, path, values);
    for (int i = 0; i < values.size(); i++) {
      String s = values.get(i);
      if ((s.contains("{*}") || s.contains("{**}")) && UNSUPPORTED_PATH_TEMPLATE.matcher(s).find()) {
        v.error(path + "[" + i + "]", "invalid or unsupported path template");
      }
    }
  }
}
