package dev.weft.config.kube;

import dev.weft.config.read.MapReader;
import dev.weft.config.yaml.YamlNode;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads the Kubernetes kinds. Weft reads only the fields the mesh uses, so every reader is lenient
 * (other fields are not reported); a field it does read still has its type checked.
 */
final class KubeParser {
  private KubeParser() {}

  /** The object {@code key} of {@code doc} read leniently; an empty object when absent. */
  private static <T> T lenientObject(MapReader doc, String key, Function<MapReader, T> parser, T absent) {
    T t = doc.object(key, lenient(parser));
    return t == null ? absent : t;
  }

  private static <T> Function<MapReader, T> lenient(Function<MapReader, T> parser) {
    return r -> parser.apply(r.lenient());
  }

  static Service service(MapReader doc) {
    return lenientObject(doc, "spec", s -> new Service(
        s.stringMap("selector"),
        s.list("ports", lenient(KubeParser::servicePort)),
        s.string("type"),
        s.string("clusterIP"),
        s.string("externalName")), new Service(Map.of(), List.of(), null, null, null));
  }

  private static Service.Port servicePort(MapReader p) {
    return new Service.Port(
        p.string("name"),
        p.integer("port"),
        intOrString(p, "targetPort"),
        p.string("protocol"),
        p.string("appProtocol"),
        p.integer("nodePort"));
  }

  private static IntOrString intOrString(MapReader r, String key) {
    YamlNode v = r.raw(key);
    if (v instanceof YamlNode.Scalar s && s.type() == YamlNode.ScalarType.STRING) {
      return new IntOrString.Name(s.value());
    }
    if (v instanceof YamlNode.Scalar s && s.type() == YamlNode.ScalarType.INT) {
      Integer n = r.integer(key);
      return n == null ? null : new IntOrString.Number(n);
    }
    if (v != null) {
      r.error(key, MapReader.typeMessage("integer or string", v));
    }
    return null;
  }

  static Pod pod(MapReader doc) {
    PodSpec spec = lenientObject(doc, "spec", KubeParser::podSpec, PodSpec.EMPTY);
    String podIP = doc.object("status", lenient(st -> st.string("podIP")));
    return new Pod(spec, podIP);
  }

  static PodSpec podSpec(MapReader s) {
    return new PodSpec(
        s.list("containers", lenient(c -> new PodSpec.Container(
            c.string("name"),
            c.string("image"),
            c.list("ports", lenient(p -> new PodSpec.ContainerPort(p.string("name"), p.integer("containerPort"), p.string("protocol"))))))),
        s.string("serviceAccountName"),
        s.string("nodeName"));
  }

  static Deployment deployment(MapReader doc) {
    return lenientObject(doc, "spec", s -> new Deployment(
        s.integer("replicas"),
        lenientObject(s, "selector", sel -> sel.stringMap("matchLabels"), Map.of()),
        s.object("template", lenient(KubeParser::template))), new Deployment(null, Map.of(), null));
  }

  private static Deployment.Template template(MapReader t) {
    record Meta(Map<String, String> labels, Map<String, String> annotations) {}
    Meta meta = lenientObject(t, "metadata", m -> new Meta(m.stringMap("labels"), m.stringMap("annotations")),
        new Meta(Map.of(), Map.of()));
    return new Deployment.Template(meta.labels(), meta.annotations(), lenientObject(t, "spec", KubeParser::podSpec, PodSpec.EMPTY));
  }

  static Namespace namespace(MapReader doc) {
    return new Namespace();
  }

  static Node node(MapReader doc) {
    return new Node();
  }

  static Secret secret(MapReader doc) {
    return new Secret(doc.string("type"), doc.stringMap("data"), doc.stringMap("stringData"));
  }

  static ConfigMap configMap(MapReader doc) {
    return new ConfigMap(doc.stringMap("data"));
  }
}
