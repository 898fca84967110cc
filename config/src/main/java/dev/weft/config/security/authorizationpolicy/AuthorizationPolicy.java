package dev.weft.config.security.authorizationpolicy;

import dev.weft.config.security.PolicyTargetReference;
import dev.weft.config.model.WorkloadSelector;
import java.util.List;

/**
 * security.istio.io AuthorizationPolicy: allow, deny or audit requests to the selected workloads,
 * or hand them to an external authorizer (CUSTOM), when they match any rule.
 *
 * <p>String values in rules match exactly, or as a prefix ("abc*"), suffix ("*abc") or presence ("*").
 *
 * @param selector null when absent (and then the policy covers the namespace, or names targets)
 * @param rules none: the policy never matches (so an ALLOW policy alone denies everything);
 *     {@code rules: [{}]} matches every request
 * @param provider the external authorizer of a CUSTOM policy; null when absent
 */
public record AuthorizationPolicy(
    WorkloadSelector selector,
    PolicyTargetReference targetRef,
    List<PolicyTargetReference> targetRefs,
    List<Rule> rules,
    Action action,
    ExtensionProvider provider) {

  public AuthorizationPolicy {
    targetRefs = List.copyOf(targetRefs);
    rules = List.copyOf(rules);
  }

  /** Istio's AuthorizationPolicy.Action; ALLOW when absent. */
  public enum Action {
    ALLOW,
    DENY,
    AUDIT,
    CUSTOM
  }

  /** Names an extension provider declared in the mesh config. */
  public record ExtensionProvider(String name) {}

  /**
   * Matches when one source, one operation and every condition match; an empty list of sources or
   * operations matches anything.
   */
  public record Rule(List<From> from, List<To> to, List<Condition> when) {
    public Rule {
      from = List.copyOf(from);
      to = List.copyOf(to);
      when = List.copyOf(when);
    }
  }

  /** @param source null when absent (an error) */
  public record From(Source source) {}

  /** @param operation null when absent (an error) */
  public record To(Operation operation) {}

  /** Who sent the request; the fields are ANDed, the values of each ORed. */
  public record Source(
      List<String> principals,
      List<String> notPrincipals,
      List<String> requestPrincipals,
      List<String> notRequestPrincipals,
      List<String> namespaces,
      List<String> notNamespaces,
      List<String> ipBlocks,
      List<String> notIpBlocks,
      List<String> remoteIpBlocks,
      List<String> notRemoteIpBlocks) {

    public Source {
      principals = List.copyOf(principals);
      notPrincipals = List.copyOf(notPrincipals);
      requestPrincipals = List.copyOf(requestPrincipals);
      notRequestPrincipals = List.copyOf(notRequestPrincipals);
      namespaces = List.copyOf(namespaces);
      notNamespaces = List.copyOf(notNamespaces);
      ipBlocks = List.copyOf(ipBlocks);
      notIpBlocks = List.copyOf(notIpBlocks);
      remoteIpBlocks = List.copyOf(remoteIpBlocks);
      notRemoteIpBlocks = List.copyOf(notRemoteIpBlocks);
    }

    public boolean isEmpty() {
      return principals.isEmpty() && notPrincipals.isEmpty() && requestPrincipals.isEmpty() && notRequestPrincipals.isEmpty()
          && namespaces.isEmpty() && notNamespaces.isEmpty() && ipBlocks.isEmpty() && notIpBlocks.isEmpty()
          && remoteIpBlocks.isEmpty() && notRemoteIpBlocks.isEmpty();
    }

    /** Uses only attributes a TCP connection has (peer identity and addresses, not request principals). */
    public boolean hasTcpAttributes() {
      return !principals.isEmpty() || !notPrincipals.isEmpty() || !namespaces.isEmpty() || !notNamespaces.isEmpty()
          || !ipBlocks.isEmpty() || !notIpBlocks.isEmpty() || !remoteIpBlocks.isEmpty() || !notRemoteIpBlocks.isEmpty();
    }
  }

  /** What the request does; ports are strings in the API ("8080"). */
  public record Operation(
      List<String> hosts,
      List<String> notHosts,
      List<String> ports,
      List<String> notPorts,
      List<String> methods,
      List<String> notMethods,
      List<String> paths,
      List<String> notPaths) {

    public Operation {
      hosts = List.copyOf(hosts);
      notHosts = List.copyOf(notHosts);
      ports = List.copyOf(ports);
      notPorts = List.copyOf(notPorts);
      methods = List.copyOf(methods);
      notMethods = List.copyOf(notMethods);
      paths = List.copyOf(paths);
      notPaths = List.copyOf(notPaths);
    }

    public boolean isEmpty() {
      return hosts.isEmpty() && notHosts.isEmpty() && ports.isEmpty() && notPorts.isEmpty() && methods.isEmpty()
          && notMethods.isEmpty() && paths.isEmpty() && notPaths.isEmpty();
    }
  }

  /** An extra attribute check, such as {@code request.auth.claims[iss]} in a list of values. */
  public record Condition(String key, List<String> values, List<String> notValues) {
    public Condition {
      values = List.copyOf(values);
      notValues = List.copyOf(notValues);
    }
  }
}
