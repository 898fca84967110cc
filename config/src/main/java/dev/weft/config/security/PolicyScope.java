package dev.weft.config.security;

import dev.weft.config.model.WorkloadSelector;
import dev.weft.config.read.FieldPaths;
import dev.weft.config.validate.LabelRules;
import dev.weft.config.validate.Validation;
import java.util.List;

/**
 * Istio's checks of where a security policy applies (validateOneOfSelectorType,
 * validateWorkloadSelector, validatePolicyTargetReference).
 */
public final class PolicyScope {
  private PolicyScope() {}

  /** A policy selects workloads by labels, or names targets; never both. */
  public static void oneOf(Validation v, WorkloadSelector selector, PolicyTargetReference targetRef, List<PolicyTargetReference> targetRefs) {
    int set = (selector != null ? 1 : 0) + (targetRef != null ? 1 : 0) + (targetRefs.isEmpty() ? 0 : 1);
    if (set > 1) {
      v.error(targetRefs.isEmpty() ? "spec.targetRef" : "spec.targetRefs", "only one of targetRefs or workloadSelector can be set");
    }
  }

  public static void selector(Validation v, String path, WorkloadSelector selector) {
    if (selector != null) {
      LabelRules.selectorLabels(v, path + ".matchLabels", selector.labels(), "workload selector specified without labels");
    }
  }

  /** Istio's "istio.io/dry-run" annotation: only AuthorizationPolicy has a dry run. */
  public static void noDryRun(Validation v, dev.weft.config.model.ObjectMeta meta) {
    if (meta.annotations().containsKey(DRY_RUN)) {
      v.error(FieldPaths.child("metadata.annotations", DRY_RUN), "unsupported annotation " + DRY_RUN + ", please remove the annotation");
    }
  }

  public static final String DRY_RUN = "istio.io/dry-run";

  public static void targetRefs(Validation v, String path, List<PolicyTargetReference> refs) {
    for (int i = 0; i < refs.size(); i++) {
      targetRef(v, path + "[" + i + "]", refs.get(i));
    }
  }

  public static void targetRef(Validation v, String path, PolicyTargetReference ref) {
    if (ref == null) {
      return;
    }
    if (ref.name() == null || ref.name().isEmpty()) {
      v.error(path + ".name", "targetRef name must be set");
    }
    if (ref.namespace() != null && !ref.namespace().isEmpty()) {
      v.error(path + ".namespace", "targetRef namespace must not be set; cross namespace referencing is not supported");
    }
    String group = ref.group() == null || ref.group().isEmpty() ? "core" : ref.group();
    String kind = ref.kind() == null ? "" : ref.kind();
    boolean allowed = (group.equals("core") && kind.equals("Service"))
        || (group.equals("networking.istio.io") && kind.equals("ServiceEntry"))
        || (group.equals("gateway.networking.k8s.io") && kind.equals("Gateway"));
    if (!allowed) {
      v.error(path, "targetRef must be to one of core/Service, networking.istio.io/ServiceEntry, gateway.networking.k8s.io/Gateway but was "
          + (ref.group() == null ? "" : ref.group()) + "/" + kind);
    }
  }
}
