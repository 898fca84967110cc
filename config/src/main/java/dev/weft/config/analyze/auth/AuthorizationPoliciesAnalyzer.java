package dev.weft.config.analyze.auth;

import dev.weft.config.analyze.AnalysisContext;
import dev.weft.config.analyze.Analyzer;
import dev.weft.config.analyze.MessageType;
import dev.weft.config.analyze.Selectors;
import dev.weft.config.analyze.Workloads;
import dev.weft.config.kube.Namespace;
import dev.weft.config.kube.Pod;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Resource;
import dev.weft.config.security.authorizationpolicy.AuthorizationPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * IST0127 and IST0101 (namespace): an AuthorizationPolicy that applies to no workload of the mesh
 * (no pod with a sidecar, or in ambient mode, that its selector matches, in its namespace; in the
 * root namespace, anywhere), and a {@code source.namespaces}/{@code notNamespaces} value that names
 * no Namespace. After Istio's auth.AuthorizationPoliciesAnalyzer.
 */
public final class AuthorizationPoliciesAnalyzer implements Analyzer {
  @Override
  public String name() {
    return "auth.AuthorizationPoliciesAnalyzer";
  }

  @Override
  public String description() {
    return "Checks the validity of authorization policies";
  }

  @Override
  public void analyze(AnalysisContext ctx) {
    Map<String, List<Map<String, String>>> meshPodLabels = meshPodLabelsByNamespace(ctx);
    List<String> namespaces = ctx.all(Kind.NAMESPACE, Namespace.class).stream().map(Resource::name).toList();
    for (Resource<AuthorizationPolicy> r : ctx.all(Kind.AUTHORIZATION_POLICY, AuthorizationPolicy.class)) {
      noMatchingWorkloads(ctx, r, meshPodLabels);
      namespacesNotFound(ctx, r, namespaces);
    }
  }

  private static void noMatchingWorkloads(AnalysisContext ctx, Resource<AuthorizationPolicy> r,
      Map<String, List<Map<String, String>>> meshPodLabels) {
    AuthorizationPolicy ap = r.spec();
    if (r.namespace().equals(ctx.mesh().rootNamespace())) {
      // a mesh-wide policy: without selector it applies everywhere; with one, to matching pods anywhere
      if (ap.selector() != null && meshPodLabels.values().stream().noneMatch(pods -> anyMatch(ap.selector().labels(), pods))) {
        ctx.report(MessageType.NO_MATCHING_WORKLOADS_FOUND, r, null, Selectors.toString(ap.selector().labels()));
      }
      return;
    }
    List<Map<String, String>> pods = meshPodLabels.getOrDefault(r.namespace(), List.of());
    if (ap.selector() == null) {
      if (pods.isEmpty()) {
        ctx.report(MessageType.NO_MATCHING_WORKLOADS_FOUND, r, null, "");
      }
      return;
    }
    if (!anyMatch(ap.selector().labels(), pods)) {
      ctx.report(MessageType.NO_MATCHING_WORKLOADS_FOUND, r, null, Selectors.toString(ap.selector().labels()));
    }
  }

  private static boolean anyMatch(Map<String, String> selector, List<Map<String, String>> pods) {
    return pods.stream().anyMatch(labels -> Selectors.matches(selector, labels));
  }

  private static void namespacesNotFound(AnalysisContext ctx, Resource<AuthorizationPolicy> r, List<String> namespaces) {
    List<AuthorizationPolicy.Rule> rules = r.spec().rules();
    for (int i = 0; i < rules.size(); i++) {
      List<AuthorizationPolicy.From> from = rules.get(i).from();
      for (int j = 0; j < from.size(); j++) {
        AuthorizationPolicy.Source source = from.get(j).source();
        if (source == null) {
          continue;
        }
        String path = "spec.rules[" + i + "].from[" + j + "].source.";
        check(ctx, r, namespaces, source.namespaces(), path + "namespaces");
        check(ctx, r, namespaces, source.notNamespaces(), path + "notNamespaces");
      }
    }
  }

  private static void check(AnalysisContext ctx, Resource<AuthorizationPolicy> r, List<String> namespaces, List<String> patterns,
      String path) {
    for (int k = 0; k < patterns.size(); k++) {
      String pattern = patterns.get(k);
      if (namespaces.stream().noneMatch(ns -> namespaceMatches(ns, pattern))) {
        // Istio points notNamespaces messages at the namespaces entry of the same index; this points at the value
        ctx.report(MessageType.REFERENCED_RESOURCE_NOT_FOUND, r, path + "[" + k + "]", "namespace", pattern);
      }
    }
  }

  /** Istio's namespaceMatch: "*" matches all, "*suffix" and "prefix*" by suffix and prefix, else equal ignoring case. */
  static boolean namespaceMatches(String namespace, String pattern) {
    if (pattern.equals("*")) {
      return true;
    }
    if (pattern.startsWith("*")) {
      return namespace.endsWith(pattern.substring(1));
    }
    if (pattern.endsWith("*")) {
      return namespace.startsWith(pattern.substring(0, pattern.length() - 1));
    }
    return namespace.equalsIgnoreCase(pattern);
  }

  /** The labels of the pods in the mesh (with a sidecar or in ambient mode), by namespace. */
  private static Map<String, List<Map<String, String>>> meshPodLabelsByNamespace(AnalysisContext ctx) {
    Map<String, List<Map<String, String>>> out = new HashMap<>();
    for (Resource<Pod> pod : ctx.all(Kind.POD, Pod.class)) {
      List<Map<String, String>> list = out.computeIfAbsent(pod.namespace(), k -> new ArrayList<>());
      if (Workloads.podInMesh(ctx.config(), pod) || Workloads.podInAmbientMode(pod)) {
        list.add(pod.meta().labels());
      }
    }
    return out;
  }
}
