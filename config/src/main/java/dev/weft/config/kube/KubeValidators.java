package dev.weft.config.kube;

import dev.weft.config.model.Resource;
import dev.weft.config.read.FieldPaths;
import dev.weft.config.validate.AddressRules;
import dev.weft.config.validate.HostRules;
import dev.weft.config.validate.LabelRules;
import dev.weft.config.validate.Validation;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The few Kubernetes API-server checks that matter to the mesh (ports, port names, selectors, secret
 * data): Kubernetes would refuse these objects, so analysis must not reason about them. Deliberately
 * no more: Istio's analyzer inputs hold objects a real API server would refuse (a Service port with
 * protocol HTTP, a TLS secret without tls.crt) that analysis must still see and report on.
 */
final class KubeValidators {
  private static final List<String> SERVICE_TYPES = List.of("ClusterIP", "NodePort", "LoadBalancer", "ExternalName");
  private static final Pattern CONFIG_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
  private static final Pattern IANA_SVC_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");

  private KubeValidators() {}

  static void service(Resource<Service> r, Validation v) {
    Service s = r.spec();
    LabelRules.labels(v, "spec.selector", s.selector());
    if (s.type() != null && !SERVICE_TYPES.contains(s.type())) {
      v.error("spec.type", "unsupported type \"" + s.type() + "\", must be one of " + String.join(", ", SERVICE_TYPES));
    }
    if ("ExternalName".equals(s.type()) && (s.externalName() == null || s.externalName().isEmpty())) {
      v.error("spec.externalName", "externalName is required for type ExternalName");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < s.ports().size(); i++) {
      Service.Port p = s.ports().get(i);
      String path = "spec.ports[" + i + "]";
      AddressRules.port(v, path + ".port", p.port());
      if (p.name() == null || p.name().isEmpty()) {
        if (s.ports().size() > 1) {
          v.error(path + ".name", "port name is required when a service has more than one port");
        }
      } else if (!HostRules.isDns1123Label(p.name())) {
        v.error(path + ".name", "invalid port name \"" + p.name() + "\": lower case letters, digits and '-', at most 63");
      } else if (!names.add(p.name())) {
        v.error(path + ".name", "duplicate port name \"" + p.name() + "\"");
      }
      switch (p.targetPort()) {
        case IntOrString.Number n -> AddressRules.port(v, path + ".targetPort", n.value());
        case IntOrString.Name n -> portName(v, path + ".targetPort", n.value());
        case null -> {}
      }
      AddressRules.port(v, path + ".nodePort", p.nodePort());
    }
  }

  static void pod(Resource<Pod> r, Validation v) {
    podSpec(v, "spec", r.spec().spec());
    String ip = r.spec().podIP();
    if (ip != null && !ip.isEmpty() && !AddressRules.isIpAddress(ip)) {
      v.error("status.podIP", "invalid IP address \"" + ip + "\"");
    }
  }

  static void deployment(Resource<Deployment> r, Validation v) {
    Deployment d = r.spec();
    if (d.replicas() != null && d.replicas() < 0) {
      v.error("spec.replicas", "replicas must not be negative, got " + d.replicas());
    }
    LabelRules.labels(v, "spec.selector.matchLabels", d.selector());
    if (d.selector().isEmpty()) {
      v.error("spec.selector", "selector is required (apps/v1 Deployment)");
    }
    if (d.template() == null) {
      v.error("spec.template", "template is required");
      return;
    }
    LabelRules.labels(v, "spec.template.metadata.labels", d.template().labels());
    for (Map.Entry<String, String> e : d.selector().entrySet()) {
      if (!e.getValue().equals(d.template().labels().get(e.getKey()))) {
        v.error("spec.template.metadata.labels", "selector does not match template labels: missing " + e.getKey() + "=" + e.getValue());
        break;
      }
    }
    podSpec(v, "spec.template.spec", d.template().spec());
  }

  static void secret(Resource<Secret> r, Validation v) {
    Secret s = r.spec();
    configKeys(v, "data", s.data());
    configKeys(v, "stringData", s.stringData());
    for (Map.Entry<String, String> e : s.data().entrySet()) {
      try {
        Secret.decode(e.getValue());
      } catch (IllegalArgumentException ex) {
        v.error(FieldPaths.child("data", e.getKey()), "illegal base64 data: " + ex.getMessage());
      }
    }
  }

  static void configMap(Resource<ConfigMap> r, Validation v) {
    configKeys(v, "data", r.spec().data());
  }

  private static void podSpec(Validation v, String path, PodSpec spec) {
    for (int i = 0; i < spec.containers().size(); i++) {
      PodSpec.Container c = spec.containers().get(i);
      String cp = path + ".containers[" + i + "]";
      for (int j = 0; j < c.ports().size(); j++) {
        PodSpec.ContainerPort p = c.ports().get(j);
        String pp = cp + ".ports[" + j + "]";
        AddressRules.port(v, pp + ".containerPort", p.containerPort());
        if (p.name() != null) {
          portName(v, pp + ".name", p.name());
        }
      }
    }
  }

  /** Kubernetes' IANA_SVC_NAME: at most 15 lower case letters, digits and '-', with a letter, no "--". */
  private static void portName(Validation v, String path, String name) {
    if (name.length() > 15 || !IANA_SVC_NAME.matcher(name).matches() || name.contains("--") || name.chars().noneMatch(Character::isLetter)) {
      v.error(path, "invalid port name \"" + name + "\": at most 15 lower case letters, digits and '-', with at least one letter");
    }
  }

  private static void configKeys(Validation v, String path, Map<String, String> data) {
    for (String key : data.keySet()) {
      if (key.length() > 253 || !CONFIG_KEY.matcher(key).matches()) {
        v.error(FieldPaths.child(path, key), "invalid key \"" + key + "\": letters, digits, '-', '_' and '.' only");
      }
    }
  }
}
