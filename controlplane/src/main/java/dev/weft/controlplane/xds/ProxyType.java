package dev.weft.controlplane.xds;

/** What kind of xDS client is connected: it decides which configuration translation generates. */
public enum ProxyType {
    /** A proxy beside one workload (Istio node id {@code sidecar~...}). */
    SIDECAR,
    /** A gateway (Istio node id {@code router~...}). */
    ROUTER,
    /** A gRPC application using grpc's xDS resolver, no proxy (Istio metadata {@code GENERATOR: grpc}). */
    PROXYLESS_GRPC
}
