package dev.weft.config.load;

import dev.weft.config.diag.Diagnostic;
import dev.weft.config.diag.Diagnostics;
import dev.weft.config.diag.Level;
import dev.weft.config.model.Resource;
import dev.weft.config.model.ResourceKey;
import dev.weft.config.yaml.YamlDocument;
import dev.weft.config.yaml.YamlLimits;
import dev.weft.config.yaml.YamlReader;
import dev.weft.config.yaml.YamlSyntaxException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads config inputs into validated resources. Use one loader per batch: it also refuses the same
 * resource defined twice across the batch. Never throws for bad input: every problem is a
 * {@link Diagnostic}, and a resource with any error is left out of the result.
 */
public final class ConfigLoader {
  private final YamlReader yaml;
  private final DocumentReader documents;
  private final List<Resource<?>> resources = new ArrayList<>();
  private final Map<ResourceKey, Resource<?>> byKey = new HashMap<>();
  private final Diagnostics diagnostics = new Diagnostics();
  private int inputs;
  private int accepted;
  private int ignored;
  private final List<Resource<?>> invalid = new ArrayList<>();

  public ConfigLoader(YamlLimits limits, String defaultNamespace) {
    this.yaml = new YamlReader(limits);
    this.documents = new DocumentReader(defaultNamespace);
  }

  public ConfigLoader() {
    this(YamlLimits.DEFAULT, "default");
  }

  /** A file, or every .yaml/.yml/.json file under a directory. */
  public ConfigLoader addPath(Path path) {
    List<Path> files;
    try {
      files = Inputs.expand(path);
    } catch (IOException e) {
      error(path.toString(), 0, "cannot read: " + e.getMessage());
      return this;
    }
    for (Path f : files) {
      Inputs.Text t = Inputs.readFile(f, f.toString(), yaml.limits().maxBytes());
      addText(t);
    }
    return this;
  }

  public ConfigLoader addStream(InputStream in, String name) {
    try {
      addText(Inputs.read(in, name, yaml.limits().maxBytes()));
    } catch (IOException e) {
      error(name, 0, "cannot read: " + e.getMessage());
    }
    return this;
  }

  public ConfigLoader addText(String name, String text) {
    return addText(new Inputs.Text(name, text, null));
  }

  /** An input already read (see {@link Inputs}): its read error, if any, is reported like the others. */
  public ConfigLoader add(Inputs.Text t) {
    return addText(t);
  }

  private ConfigLoader addText(Inputs.Text t) {
    inputs++;
    if (t.error() != null) {
      error(t.name(), 0, t.error());
      return this;
    }
    List<YamlDocument> docs;
    try {
      docs = yaml.read(t.text());
    } catch (YamlSyntaxException e) {
      error(t.name(), e.line(), e.getMessage());
      return this;
    }
    DocumentReader.Tally tally = new DocumentReader.Tally();
    int before = accepted;
    long errorsBefore = diagnostics.errorCount();
    boolean anyDocument = false;
    for (YamlDocument doc : docs) {
      anyDocument |= doc.root() != null;
      documents.read(t.name(), doc, diagnostics, this::accept, tally);
    }
    ignored += tally.ignored;
    invalid.addAll(tally.invalid);
    if (!anyDocument) {
      error(t.name(), 0, "no resources found: the input is empty");
    } else if (accepted == before && tally.ignored == 0 && diagnostics.errorCount() == errorsBefore) {
      error(t.name(), 0, "no resources found");
    }
    return this;
  }

  /**
   * The same resource twice in one input is an error. Across inputs the later one replaces the
   * earlier, as {@code kubectl apply -f dir/} does (Istio's samples hold alternative versions of the
   * same VirtualService in different files).
   */
  private void accept(Resource<?> r) {
    Resource<?> first = byKey.get(r.key());
    if (first != null && first.origin().file().equals(r.origin().file())) {
      diagnostics.add(new Diagnostic(Level.ERROR, r.origin().file(), r.origin().line(), r.key().toString(), "metadata.name",
          "defined twice in this input: first at line " + first.origin().line()));
      return;
    }
    if (first != null) {
      resources.remove(first);
    }
    byKey.put(r.key(), r);
    resources.add(r);
    accepted++;
  }

  private void error(String file, int line, String message) {
    diagnostics.add(new Diagnostic(Level.ERROR, file, line, "", "", message));
  }

  public List<Resource<?>> resources() {
    return List.copyOf(resources);
  }

  /**
   * Resources that were read but have validation errors, so are not in {@link #resources()}. Analysis
   * looks at them too, as istioctl analyze does with resources that fail schema validation.
   */
  public List<Resource<?>> invalidResources() {
    return List.copyOf(invalid);
  }

  public Diagnostics diagnostics() {
    return diagnostics;
  }

  public int inputs() {
    return inputs;
  }

  /** Documents skipped because Weft does not manage their kind (e.g. ServiceAccount, HPA). */
  public int ignored() {
    return ignored;
  }
}
