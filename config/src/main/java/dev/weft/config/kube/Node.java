package dev.weft.config.kube;

/**
 * A Kubernetes Node: the machine pods run on. What the mesh reads of it (the topology labels
 * {@code topology.kubernetes.io/region} and {@code /zone}, which Istio copies onto the endpoints of
 * the node's pods) is in the resource's metadata, so the spec carries nothing.
 */
public record Node() {}
