package dev.weft.controlplane.store;

import dev.weft.config.model.Resource;
import dev.weft.config.yaml.YamlNode;
import dev.weft.config.yaml.YamlNode.Entry;
import dev.weft.config.yaml.YamlNode.Mapping;
import dev.weft.config.yaml.YamlNode.Scalar;
import dev.weft.config.yaml.YamlNode.ScalarType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Edits of a resource's YAML object that the store makes: it never changes the spec. */
public final class Documents {
  /** Metadata the server owns: a write that carries them (e.g. from {@code get -o yaml}) is the same write without them. */
  private static final Set<String> SERVER_FIELDS =
      Set.of("resourceVersion", "uid", "generation", "creationTimestamp", "managedFields", "selfLink");

  private Documents() {}

  /** The resource's document with its namespace written out (it may have been defaulted) and no server fields. */
  public static Mapping normalize(Resource<?> r) {
    Mapping doc = r.document();
    Mapping meta = doc.get("metadata") instanceof Mapping m ? m : new Mapping(List.of(), doc.line());
    List<Entry> metaEntries = new ArrayList<>();
    boolean namespaceWritten = false;
    for (Entry e : meta.entries()) {
      if (SERVER_FIELDS.contains(e.key())) {
        continue;
      }
      if (e.key().equals("namespace")) {
        if (r.kind().namespaced()) {
          metaEntries.add(new Entry("namespace", e.keyLine(), new Scalar(r.namespace(), ScalarType.STRING, e.value().line())));
          namespaceWritten = true;
        }
        continue;
      }
      metaEntries.add(e);
      if (e.key().equals("name") && r.kind().namespaced() && meta.get("namespace") == null) {
        metaEntries.add(new Entry("namespace", e.keyLine(), new Scalar(r.namespace(), ScalarType.STRING, e.keyLine())));
        namespaceWritten = true;
      }
    }
    if (r.kind().namespaced() && !namespaceWritten) {
      metaEntries.add(new Entry("namespace", meta.line(), new Scalar(r.namespace(), ScalarType.STRING, meta.line())));
    }
    return replace(doc, "metadata", new Mapping(metaEntries, meta.line()));
  }

  /** The document with {@code metadata.resourceVersion} set, a string as in Kubernetes. */
  public static Mapping withResourceVersion(Mapping doc, long resourceVersion) {
    Mapping meta = doc.get("metadata") instanceof Mapping m ? m : new Mapping(List.of(), doc.line());
    List<Entry> entries = new ArrayList<>();
    for (Entry e : meta.entries()) {
      if (!e.key().equals("resourceVersion")) {
        entries.add(e);
      }
    }
    entries.add(new Entry("resourceVersion", meta.line(), new Scalar(Long.toString(resourceVersion), ScalarType.STRING, meta.line())));
    return replace(doc, "metadata", new Mapping(entries, meta.line()));
  }

  /** {@code metadata.resourceVersion} as a number, or 0 when absent or not a number. */
  public static long resourceVersion(Mapping doc) {
    if (doc.get("metadata") instanceof Mapping meta && meta.get("resourceVersion") instanceof Scalar s) {
      try {
        return Long.parseLong(s.value());
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    return 0;
  }

  private static Mapping replace(Mapping doc, String key, YamlNode value) {
    List<Entry> entries = new ArrayList<>();
    boolean replaced = false;
    for (Entry e : doc.entries()) {
      if (e.key().equals(key)) {
        entries.add(new Entry(key, e.keyLine(), value));
        replaced = true;
      } else {
        entries.add(e);
      }
    }
    if (!replaced) {
      entries.add(new Entry(key, value.line(), value));
    }
    return new Mapping(entries, doc.line());
  }
}
