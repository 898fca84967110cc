package dev.weft.controlplane.store;

import dev.weft.config.model.Resource;
import dev.weft.config.model.ResourceKey;
import dev.weft.config.yaml.YamlNode;

/**
 * A resource as the store holds it.
 *
 * @param document the resource's YAML object, normalised ({@link Documents#normalize}): namespace
 *     written out, no resourceVersion; what {@code get} shows and the data directory keeps
 * @param canonical {@code document} written as YAML: two writes with the same canonical text are
 *     the same configuration ("unchanged")
 * @param resourceVersion the store revision of the write that last changed it
 */
public record StoredResource(Resource<?> resource, YamlNode.Mapping document, String canonical, long resourceVersion) {

  public ResourceKey key() {
    return resource.key();
  }

  /** The document with {@code metadata.resourceVersion}, as {@code get} and the data directory show it. */
  public YamlNode.Mapping versionedDocument() {
    return Documents.withResourceVersion(document, resourceVersion);
  }
}
