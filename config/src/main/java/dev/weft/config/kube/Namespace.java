package dev.weft.config.kube;

/**
 * A Kubernetes Namespace. What the mesh reads of it (labels such as {@code istio-injection}) is
 * in the resource's metadata, so the spec carries nothing.
 */
public record Namespace() {}
