package dev.weft.config.load;

import dev.weft.config.diag.Diagnostic;
import dev.weft.config.diag.Diagnostics;
import dev.weft.config.diag.Level;
import dev.weft.config.model.Kind;
import dev.weft.config.model.ObjectMeta;
import dev.weft.config.model.Origin;
import dev.weft.config.model.Resource;
import dev.weft.config.read.MapReader;
import dev.weft.config.read.ReadContext;
import dev.weft.config.read.Suggestions;
import dev.weft.config.validate.HostRules;
import dev.weft.config.validate.Validation;
import dev.weft.config.yaml.YamlDocument;
import dev.weft.config.yaml.YamlNode;
import dev.weft.config.yaml.YamlNode.Mapping;
import dev.weft.config.yaml.YamlNode.Sequence;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns one YAML document into resources: identifies the kind, reads metadata, reads and validates
 * the spec. A document of kind {@code List} yields its items. Documents of kinds Weft does not
 * manage (other API groups) are skipped and counted; unknown kinds in Istio's groups are errors.
 */
final class DocumentReader {
  private final String defaultNamespace;

  DocumentReader(String defaultNamespace) {
    this.defaultNamespace = defaultNamespace;
  }

  /** Outcome counters for one input. */
  static final class Tally {
    int ignored;
    /** Resources that were read but failed validation: left out of the result, kept for analysis. */
    final java.util.List<Resource<?>> invalid = new java.util.ArrayList<>();
  }

  void read(String file, YamlDocument doc, Diagnostics diags, Consumer<Resource<?>> out, Tally tally) {
    for (YamlDocument.Problem p : doc.problems()) {
      diags.add(new Diagnostic(Level.ERROR, file, p.line(), "", "", p.message()));
    }
    if (doc.root() == null) {
      return;
    }
    readObject(file, doc.root(), "", diags, out, tally);
  }

  private void readObject(String file, YamlNode root, String itemPath, Diagnostics diags, Consumer<Resource<?>> out, Tally tally) {
    if (!(root instanceof Mapping m)) {
      diags.add(new Diagnostic(Level.ERROR, file, root.line(), "", itemPath,
          "expected a Kubernetes-style object (apiVersion, kind, metadata, spec), got a " + root.typeName()));
      return;
    }
    ReadContext ctx = new ReadContext(file, root.line(), diags);
    MapReader doc = new MapReader(ctx, "", m);
    String apiVersion = doc.string("apiVersion");
    String kindName = doc.string("kind");
    if (apiVersion == null || kindName == null) {
      doc.error(apiVersion == null ? "apiVersion" : "kind", "missing: every object needs apiVersion and kind");
      return;
    }
    if (kindName.equals("List") && apiVersion.equals("v1")) {
      YamlNode items = m.get("items");
      if (items instanceof Sequence seq) {
        for (int i = 0; i < seq.items().size(); i++) {
          readObject(file, seq.items().get(i), "items[" + i + "]", diags, out, tally);
        }
      } else if (items != null) {
        doc.error("items", "expected list, got " + items.typeName());
      }
      return;
    }
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = apiVersion.substring(slash + 1);
    Kind kind = Kind.byGroupAndName(group, kindName).orElse(null);
    if (kind == null) {
      if (group.endsWith("istio.io") && isWeftGroup(group)) {
        List<String> names = Arrays.stream(Kind.values()).filter(k -> k.group().equals(group)).map(Kind::kindName).toList();
        doc.error("kind", "unknown kind \"" + kindName + "\" in " + group + Suggestions.hint(kindName, names));
      } else {
        tally.ignored++;
      }
      return;
    }
    if (!kind.versions().contains(version)) {
      doc.error("apiVersion", "version \"" + version + "\" of " + kind.kindName() + " is not supported; use "
          + String.join(", ", kind.versions().stream().map(v -> (group.isEmpty() ? "" : group + "/") + v).toList()));
      return;
    }
    KindHandler<?> handler = KindHandlers.forKind(kind).orElse(null);
    if (handler == null) {
      tally.ignored++;
      return;
    }
    ObjectMeta meta = readMeta(doc, ctx, kind);
    if (meta == null) {
      return;
    }
    read(handler, doc, ctx, apiVersion, meta, new Origin(file, root.line()), m, diags, out, tally);
  }

  private static boolean isWeftGroup(String group) {
    return group.equals("networking.istio.io") || group.equals("security.istio.io");
  }

  private <S> void read(KindHandler<S> handler, MapReader doc, ReadContext ctx, String apiVersion, ObjectMeta meta,
      Origin origin, Mapping document, Diagnostics diags, Consumer<Resource<?>> out, Tally tally) {
    if (handler.kind().isIstio()) {
      doc.has("status"); // written by controllers, not by users: accepted and ignored
    } else {
      doc.lenient();
    }
    long before = diags.errorCount();
    S spec = handler.reader().apply(doc);
    doc.finish();
    if (spec == null) {
      return;
    }
    Resource<S> resource = new Resource<>(handler.kind(), apiVersion, meta, spec, origin, ctx.sourceMap(), document);
    Validation v = new Validation(resource, diags);
    if (handler.kind().namespaced()) {
      if (!HostRules.isDns1123Label(meta.namespace())) {
        v.error("metadata.namespace", "\"" + meta.namespace() + "\" is not a valid namespace: lower case letters, digits and '-', at most 63");
      }
    }
    HostRules.name(v, "metadata.name", meta.name());
    handler.validator().validate(resource, v);
    if (diags.errorCount() == before) {
      out.accept(resource);
    } else {
      tally.invalid.add(resource);
    }
  }

  private ObjectMeta readMeta(MapReader doc, ReadContext ctx, Kind kind) {
    ObjectMeta meta = doc.object("metadata", md -> {
      md.lenient(); // the server-side fields (uid, resourceVersion, managedFields...) are not the user's
      String name = md.string("name");
      String given = md.string("namespace");
      String namespace = !kind.namespaced() ? "" : given == null ? defaultNamespace : given;
      if (name != null) {
        // From here on, messages (labels too) name the resource.
        ctx.resource(kind.kindName() + " " + (kind.namespaced() ? namespace + "/" : "") + name);
      }
      Map<String, String> labels = md.stringMap("labels");
      Map<String, String> annotations = md.stringMap("annotations");
      if (name == null) {
        md.error(null, "metadata.name is required");
        return null;
      }
      return new ObjectMeta(name, namespace, labels, annotations);
    });
    if (meta == null && !doc.has("metadata")) {
      doc.error("metadata", "metadata is required (with at least a name)");
    }
    return meta;
  }

}
