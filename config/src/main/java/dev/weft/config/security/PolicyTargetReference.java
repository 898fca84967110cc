package dev.weft.config.security;

/**
 * istio.type.v1beta1.PolicyTargetReference: a policy attached to a Service, ServiceEntry or
 * Kubernetes Gateway instead of selecting workloads by label. {@code group} "" means core.
 */
public record PolicyTargetReference(String group, String kind, String name, String namespace) {}
