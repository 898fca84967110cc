package dev.weft.controlplane.store;

import dev.weft.config.model.ConfigSet;
import dev.weft.config.model.ResourceKey;
import java.util.Set;

/**
 * What a watcher is told after a committed write: the whole configuration as of {@code revision}
 * and the keys the write created, changed or deleted.
 */
public record ConfigEvent(long revision, ConfigSet config, Set<ResourceKey> changed) {
  public ConfigEvent {
    changed = Set.copyOf(changed);
  }
}
