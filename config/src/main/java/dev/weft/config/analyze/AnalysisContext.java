package dev.weft.config.analyze;

import dev.weft.config.model.ConfigSet;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Origin;
import dev.weft.config.model.Resource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** What an analyzer sees (the config and the mesh settings) and where its messages go. */
public final class AnalysisContext {
  private final ConfigSet config;
  private final MeshConfig mesh;
  private final List<AnalysisMessage> messages = new ArrayList<>();

  public AnalysisContext(ConfigSet config, MeshConfig mesh) {
    this.config = config;
    this.mesh = mesh;
  }

  public ConfigSet config() {
    return config;
  }

  public MeshConfig mesh() {
    return mesh;
  }

  /** Every resource of a kind, sorted by namespace and name. */
  public <S> List<Resource<S>> all(Kind kind, Class<S> spec) {
    return config.all(kind, spec);
  }

  /**
   * Reports a message about {@code resource}.
   *
   * @param fieldPath the field Istio points at (e.g. {@code spec.gateways[1]}), or null; when the
   *     field was not written the message points at the resource, as Istio's does
   */
  public void report(MessageType type, Resource<?> resource, String fieldPath, Object... args) {
    int line = 0;
    if (fieldPath != null) {
      line = resource.sourceMap().exactLineOf(fieldPath);
    }
    if (line == 0) {
      line = resource.origin().line();
    }
    messages.add(new AnalysisMessage(type, resource.key(), new Origin(resource.origin().file(), line), Arrays.asList(args)));
  }

  /** The messages reported so far, in report order. */
  public List<AnalysisMessage> messages() {
    return List.copyOf(messages);
  }
}
