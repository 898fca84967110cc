package dev.weft.controlplane.store;

import dev.weft.config.model.ResourceKey;

/** One resource's outcome of a write; {@code resourceVersion} is 0 for a resource that is gone. */
public record ResourceChange(ResourceKey key, Action action, long resourceVersion) {}
