package dev.weft.config.networking.destinationrule;

import dev.weft.config.model.Resource;
import dev.weft.config.validate.HostRules;
import dev.weft.config.validate.LabelRules;
import dev.weft.config.validate.SpecValidator;
import dev.weft.config.validate.Validation;
import java.util.HashSet;
import java.util.Set;

/** Istio's ValidateDestinationRule. */
public final class DestinationRuleValidator implements SpecValidator<DestinationRule> {

  @Override
  public void validate(Resource<DestinationRule> r, Validation v) {
    DestinationRule dr = r.spec();
    HostRules.host(v, "spec.host", dr.host(), true);
    TrafficPolicyValidator.trafficPolicy(v, "spec.trafficPolicy", dr.trafficPolicy());
    Set<String> names = new HashSet<>();
    for (int i = 0; i < dr.subsets().size(); i++) {
      DestinationRule.Subset s = dr.subsets().get(i);
      String path = "spec.subsets[" + i + "]";
      if (s.name() != null && !names.add(s.name())) {
        v.error(path + ".name", "duplicate subset names: " + s.name());
      }
      subsetName(v, path + ".name", s.name());
      LabelRules.labels(v, path + ".labels", s.labels());
      TrafficPolicyValidator.trafficPolicy(v, path + ".trafficPolicy", s.trafficPolicy());
    }
    HostRules.exportTo(v, "spec.exportTo", r.namespace(), dr.exportTo(), false);
    // A rule with a workload selector configures only the selected workloads' own namespace.
    Set<String> exportTo = new HashSet<>();
    dr.exportTo().forEach(e -> exportTo.add(e.equals(".") ? r.namespace() : e));
    if (dr.workloadSelector() != null && !exportTo.isEmpty()) {
      if (!exportTo.contains(r.namespace())) {
        v.error("spec.exportTo", "destination rule with workload selector cannot have exportTo beyond current namespace");
      } else if (exportTo.size() > 1) {
        v.error("spec.exportTo", "destination rule with workload selector cannot have multiple entries in exportTo");
      }
    }
    if (dr.workloadSelector() != null) {
      LabelRules.selectorLabels(v, "spec.workloadSelector.matchLabels", dr.workloadSelector().labels(), "workload selector specified without labels");
    }
  }

  /** Istio's validateSubsetName: subsets are named by DNS-1123 labels (Istio's, upper case allowed). */
  public static boolean subsetName(Validation v, String path, String name) {
    if (name == null || name.isEmpty()) {
      v.error(path, "subset name cannot be empty");
      return false;
    }
    if (!HostRules.isIstioLabel(name)) {
      v.error(path, "subset name is invalid: " + name);
      return false;
    }
    return true;
  }
}
