package dev.weft.controlplane.store;

import dev.weft.config.diag.Diagnostic;
import dev.weft.config.diag.Level;
import dev.weft.config.model.Kind;
import dev.weft.config.model.ResourceKey;
import dev.weft.config.yaml.YamlDocument;
import dev.weft.config.yaml.YamlLimits;
import dev.weft.config.yaml.YamlNode;
import dev.weft.config.yaml.YamlNode.Mapping;
import dev.weft.config.yaml.YamlNode.Scalar;
import dev.weft.config.yaml.YamlNode.Sequence;
import dev.weft.config.yaml.YamlReader;
import dev.weft.config.yaml.YamlSyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads only which resources YAML names (kind, namespace, name), as {@code kubectl delete -f} does:
 * deleting a resource must not depend on its spec being valid.
 */
final class ResourceIdentities {
  record Found(List<ResourceKey> keys, List<Diagnostic> diagnostics) {
    boolean hasErrors() {
      return diagnostics.stream().anyMatch(d -> d.level() == Level.ERROR);
    }
  }

  private ResourceIdentities() {}

  static Found read(List<ConfigInput> inputs, String defaultNamespace, YamlLimits limits) {
    List<ResourceKey> keys = new ArrayList<>();
    List<Diagnostic> diags = new ArrayList<>();
    YamlReader reader = new YamlReader(limits);
    for (ConfigInput in : inputs) {
      List<YamlDocument> docs;
      try {
        docs = reader.read(in.text());
      } catch (YamlSyntaxException e) {
        diags.add(new Diagnostic(Level.ERROR, in.name(), e.line(), "", "", e.getMessage()));
        continue;
      }
      for (YamlDocument doc : docs) {
        if (doc.root() != null) {
          readObject(in.name(), doc.root(), defaultNamespace, keys, diags);
        }
      }
    }
    return new Found(keys, diags);
  }

  private static void readObject(String file, YamlNode node, String defaultNamespace, List<ResourceKey> keys, List<Diagnostic> diags) {
    if (!(node instanceof Mapping m)) {
      diags.add(new Diagnostic(Level.ERROR, file, node.line(), "", "", "expected a Kubernetes-style object, got a " + node.typeName()));
      return;
    }
    String apiVersion = string(m.get("apiVersion"));
    String kindName = string(m.get("kind"));
    if (apiVersion == null || kindName == null) {
      diags.add(new Diagnostic(Level.ERROR, file, m.line(), "", "", "apiVersion and kind are required"));
      return;
    }
    if (kindName.equals("List") && apiVersion.equals("v1")) {
      if (m.get("items") instanceof Sequence items) {
        for (YamlNode item : items.items()) {
          readObject(file, item, defaultNamespace, keys, diags);
        }
      }
      return;
    }
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    Kind kind = Kind.byGroupAndName(group, kindName).orElse(null);
    if (kind == null) {
      if (group.endsWith("istio.io")) {
        diags.add(new Diagnostic(Level.ERROR, file, m.line(), "", "kind", "unknown kind \"" + kindName + "\" in " + group));
      }
      return; // kinds Weft does not manage are not in the store: nothing to delete
    }
    Mapping meta = m.get("metadata") instanceof Mapping md ? md : null;
    String name = meta == null ? null : string(meta.get("name"));
    if (name == null) {
      diags.add(new Diagnostic(Level.ERROR, file, m.line(), "", "metadata.name", "metadata.name is required"));
      return;
    }
    String ns = meta.get("namespace") == null ? defaultNamespace : string(meta.get("namespace"));
    keys.add(new ResourceKey(kind, kind.namespaced() ? (ns == null ? defaultNamespace : ns) : "", name));
  }

  private static String string(YamlNode n) {
    return n instanceof Scalar s && s.type() != YamlNode.ScalarType.NULL ? s.value() : null;
  }
}
