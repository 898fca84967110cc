package dev.weft.controlplane.xds.translate;

/**
 * Mesh-wide settings translation needs (Istio's MeshConfig, the parts Weft uses so far).
 *
 * @param trustDomain SPIFFE trust domain: identities are spiffe://trustDomain/ns/NS/sa/SA
 * @param domainSuffix service DNS suffix: reviews.default.svc.{domainSuffix}
 * @param rootNamespace config here applies mesh-wide (Istio: istio-system)
 * @param outboundPort the sidecar's outbound capture port (15001), inboundPort its inbound (15006)
 * @param accessLogFile Istio's {@code accessLogFile}: every HTTP connection manager gets an
 *     {@code envoy.access_loggers.file} access log to this path ({@code /dev/stdout}); empty: none (the default)
 */
public record MeshSettings(String trustDomain, String domainSuffix, String rootNamespace, int outboundPort, int inboundPort,
    String accessLogFile) {
  public static final MeshSettings DEFAULT = new MeshSettings("cluster.local", "cluster.local", "istio-system", 15001, 15006, "");

  public MeshSettings(String trustDomain, String domainSuffix, String rootNamespace, int outboundPort, int inboundPort) {
    this(trustDomain, domainSuffix, rootNamespace, outboundPort, inboundPort, "");
  }

  public MeshSettings withAccessLogFile(String path) {
    return new MeshSettings(trustDomain, domainSuffix, rootNamespace, outboundPort, inboundPort, path);
  }
}
