package dev.weft.config.analyze.sidecar;

import dev.weft.config.analyze.AnalysisContext;
import dev.weft.config.analyze.Analyzer;
import dev.weft.config.analyze.MessageType;
import dev.weft.config.analyze.Selectors;
import dev.weft.config.analyze.Workloads;
import dev.weft.config.kube.Pod;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Resource;
import dev.weft.config.model.ResourceKey;
import dev.weft.config.networking.sidecar.Sidecar;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * IST0101 (selector), IST0110, IST0111 and IST0167: a Sidecar's workload selector must match a pod
 * of its namespace; a pod must not be selected by two Sidecars, nor a namespace have two Sidecars
 * without selector (which one applies is undefined); and a Sidecar for an ambient pod or namespace
 * has no effect (there is no sidecar). After Istio's sidecar.SelectorAnalyzer.
 */
public final class SelectorAnalyzer implements Analyzer {
  static final String AMBIENT_POD = "selected workload is in ambient mode, the policy has no impact";
  static final String AMBIENT_NAMESPACE = "namespace is in ambient mode, the policy has no impact";

  @Override
  public String name() {
    return "sidecar.SelectorAnalyzer";
  }

  @Override
  public String description() {
    return "Validates that sidecars that define a workload selector match at least one pod, and that there aren't"
        + " multiple sidecar resources that select overlapping pods";
  }

  @Override
  public void analyze(AnalysisContext ctx) {
    List<Resource<Pod>> pods = ctx.all(Kind.POD, Pod.class);
    Map<Resource<Pod>, List<Resource<Sidecar>>> sidecarsOfPod = new LinkedHashMap<>();
    Map<String, List<Resource<Sidecar>>> namespaceWide = new LinkedHashMap<>();
    for (Resource<Sidecar> r : ctx.all(Kind.SIDECAR, Sidecar.class)) {
      Map<String, String> selector = r.spec().workloadSelector() == null ? Map.of() : r.spec().workloadSelector().labels();
      if (selector.isEmpty()) {
        namespaceWide.computeIfAbsent(r.namespace(), k -> new ArrayList<>()).add(r);
        continue;
      }
      boolean found = false;
      for (Resource<Pod> pod : pods) {
        if (pod.namespace().equals(r.namespace()) && Selectors.matches(selector, pod.meta().labels())) {
          found = true;
          sidecarsOfPod.computeIfAbsent(pod, k -> new ArrayList<>()).add(r);
        }
      }
      if (!found) {
        ctx.report(MessageType.REFERENCED_RESOURCE_NOT_FOUND, r, "spec.workloadSelector.labels." + Selectors.firstKey(selector),
            "selector", Selectors.toString(selector));
      }
    }

    Set<ResourceKey> reported = new HashSet<>();
    for (Map.Entry<Resource<Pod>, List<Resource<Sidecar>>> e : sidecarsOfPod.entrySet()) {
      Resource<Pod> pod = e.getKey();
      List<Resource<Sidecar>> sidecars = e.getValue();
      boolean ambient = Workloads.podInAmbientMode(pod);
      if (sidecars.size() == 1 && !ambient) {
        continue;
      }
      for (Resource<Sidecar> r : sidecars) {
        if (ambient) {
          if (reported.add(r.key())) {
            ctx.report(MessageType.INEFFECTIVE_POLICY, r, null, AMBIENT_POD);
          }
          continue;
        }
        ctx.report(MessageType.CONFLICTING_SIDECAR_WORKLOAD_SELECTORS, r, "metadata.name", names(sidecars), pod.namespace(), pod.name());
      }
    }

    for (Map.Entry<String, List<Resource<Sidecar>>> e : namespaceWide.entrySet()) {
      Resource<?> namespace = ctx.config().get(new ResourceKey(Kind.NAMESPACE, "", e.getKey())).orElse(null);
      List<Resource<Sidecar>> sidecars = e.getValue();
      if (Workloads.namespaceInAmbientMode(namespace)) {
        for (Resource<Sidecar> r : sidecars) {
          if (reported.add(r.key())) {
            ctx.report(MessageType.INEFFECTIVE_POLICY, r, null, AMBIENT_NAMESPACE);
          }
        }
        continue;
      }
      if (sidecars.size() > 1) {
        for (Resource<Sidecar> r : sidecars) {
          ctx.report(MessageType.MULTIPLE_SIDECARS_WITHOUT_WORKLOAD_SELECTORS, r, null, names(sidecars), e.getKey());
        }
      }
    }
  }

  /** The Sidecars' names (without namespace), as Istio lists them. */
  private static List<String> names(List<Resource<Sidecar>> sidecars) {
    return sidecars.stream().map(Resource::name).toList();
  }
}
