package dev.weft.config.kube;

/**
 * A Kubernetes Pod: a workload instance. Its labels and annotations are in the resource's metadata.
 *
 * @param podIP from status, null when absent (pods written by hand have none)
 */
public record Pod(PodSpec spec, String podIP) {}
