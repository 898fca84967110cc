package dev.weft.controlplane.xds.translate;

/**
 * Mesh-wide settings translation needs (Istio's MeshConfig, the parts Weft uses so far).
 *
 * @param trustDomain SPIFFE trust domain: identities are spiffe://trustDomain/ns/NS/sa/SA
 * @param domainSuffix service DNS suffix: reviews.default.svc.{domainSuffix}
 * @param rootNamespace config here applies mesh-wide (Istio: istio-system)
 * @param outboundPort the sidecar's outbound capture port (15001), inboundPort its inbound (15006)
 */
public record MeshSettings(String trustDomain, String domainSuffix, String rootNamespace, int outboundPort, int inboundPort) {
  public static final MeshSettings DEFAULT = new MeshSettings("cluster.local", "cluster.local", "istio-system", 15001, 15006);
}
