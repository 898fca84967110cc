package dev.weft.controlplane.xds.translate;

import static dev.weft.controlplane.xds.translate.Translated.GRPC;
import static dev.weft.controlplane.xds.translate.Translated.PRODUCTPAGE;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import org.junit.jupiter.api.Test;

/** DestinationRule traffic policies on clusters, and the clusters of a sidecar. */
class ClusterTranslationTest {
  static final String REVIEWS = "outbound|9080||reviews.default.svc.cluster.local";

  private static Translated reviewsRule(String trafficPolicy) {
    return Translated.of(PRODUCTPAGE, """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          trafficPolicy:
        """ + trafficPolicy.indent(4) + """
          subsets:
          - name: v1
            labels: {version: v1}
          - name: v2
            labels: {version: v2}
            trafficPolicy:
              loadBalancer: {simple: ROUND_ROBIN}
        """);
  }

  @Test
  void simpleLoadBalancersAndIstiosDefault() {
    assertThat(Translated.of(PRODUCTPAGE, "").cluster(REVIEWS).getLbPolicy()).isEqualTo(Cluster.LbPolicy.LEAST_REQUEST);
    Translated t = reviewsRule("loadBalancer: {simple: RANDOM}");
    assertThat(t.cluster(REVIEWS).getLbPolicy()).isEqualTo(Cluster.LbPolicy.RANDOM);
    assertThat(t.cluster("outbound|9080|v1|reviews.default.svc.cluster.local").getLbPolicy()).isEqualTo(Cluster.LbPolicy.RANDOM);
    // the subset's own policy wins
    assertThat(t.cluster("outbound|9080|v2|reviews.default.svc.cluster.local").getLbPolicy()).isEqualTo(Cluster.LbPolicy.ROUND_ROBIN);
  }

  @Test
  void consistentHashIsRingHashOrMaglev() {
    Cluster ring = reviewsRule("loadBalancer: {consistentHash: {httpHeaderName: x-user, ringHash: {minimumRingSize: 2048}}}").cluster(REVIEWS);
    assertThat(ring.getLbPolicy()).isEqualTo(Cluster.LbPolicy.RING_HASH);
    assertThat(ring.getRingHashLbConfig().getMinimumRingSize().getValue()).isEqualTo(2048);
    Cluster maglev = reviewsRule("loadBalancer: {consistentHash: {httpHeaderName: x-user, maglev: {tableSize: 65537}}}").cluster(REVIEWS);
    assertThat(maglev.getLbPolicy()).isEqualTo(Cluster.LbPolicy.MAGLEV);
    assertThat(maglev.getMaglevLbConfig().getTableSize().getValue()).isEqualTo(65537);
    Cluster defaultRing = reviewsRule("loadBalancer: {consistentHash: {useSourceIp: true}}").cluster(REVIEWS);
    assertThat(defaultRing.getLbPolicy()).isEqualTo(Cluster.LbPolicy.RING_HASH);
    assertThat(defaultRing.hasRingHashLbConfig()).isFalse();
  }

  @Test
  void connectionPoolAsCircuitBreakersTimeoutsAndHttpOptions() throws Exception {
    Cluster c = reviewsRule("""
        connectionPool:
          tcp: {maxConnections: 100, connectTimeout: 30ms, tcpKeepalive: {time: 7200s, interval: 75s, probes: 9}}
          http: {http1MaxPendingRequests: 10, http2MaxRequests: 1000, maxRequestsPerConnection: 1, maxRetries: 3,
                 idleTimeout: 30s, h2UpgradePolicy: UPGRADE}
        """).cluster(REVIEWS);
    CircuitBreakers.Thresholds t = c.getCircuitBreakers().getThresholds(0);
    assertThat(t.getMaxConnections().getValue()).isEqualTo(100);
    assertThat(t.getMaxPendingRequests().getValue()).isEqualTo(10);
    assertThat(t.getMaxRequests().getValue()).isEqualTo(1000);
    assertThat(t.getMaxRetries().getValue()).isEqualTo(3);
    assertThat(c.getConnectTimeout().getNanos()).isEqualTo(30_000_000);
    assertThat(c.getUpstreamConnectionOptions().getTcpKeepalive().getKeepaliveTime().getValue()).isEqualTo(7200);
    assertThat(c.getUpstreamConnectionOptions().getTcpKeepalive().getKeepaliveProbes().getValue()).isEqualTo(9);
    HttpProtocolOptions http = c.getTypedExtensionProtocolOptionsOrThrow(ClusterPolicies.HTTP_PROTOCOL_OPTIONS)
        .unpack(HttpProtocolOptions.class);
    assertThat(http.getCommonHttpProtocolOptions().getIdleTimeout().getSeconds()).isEqualTo(30);
    assertThat(http.getCommonHttpProtocolOptions().getMaxRequestsPerConnection().getValue()).isEqualTo(1);
    assertThat(http.getExplicitHttpConfig().hasHttp2ProtocolOptions()).isTrue();
  }

  @Test
  void unlimitedByDefaultAsIstio() {
    CircuitBreakers.Thresholds t = Translated.of(PRODUCTPAGE, "").cluster(REVIEWS).getCircuitBreakers().getThresholds(0);
    assertThat(Integer.toUnsignedLong(t.getMaxRequests().getValue())).isEqualTo(4294967295L);
    assertThat(t.getTrackRemaining()).isTrue();
  }

  @Test
  void outlierDetection() {
    Cluster c = reviewsRule("""
        outlierDetection: {consecutive5xxErrors: 7, consecutiveGatewayErrors: 0, interval: 5m, baseEjectionTime: 15m,
                           maxEjectionPercent: 100, minHealthPercent: 20}
        """).cluster(REVIEWS);
    OutlierDetection od = c.getOutlierDetection();
    assertThat(od.getConsecutive5Xx().getValue()).isEqualTo(7);
    assertThat(od.getEnforcingConsecutive5Xx().getValue()).isEqualTo(100);
    assertThat(od.getConsecutiveGatewayFailure().getValue()).isZero();
    assertThat(od.hasEnforcingConsecutiveGatewayFailure()).isTrue();
    assertThat(od.getEnforcingConsecutiveGatewayFailure().getValue()).isZero();
    assertThat(od.getEnforcingSuccessRate().getValue()).isZero();
    assertThat(od.getInterval().getSeconds()).isEqualTo(300);
    assertThat(od.getBaseEjectionTime().getSeconds()).isEqualTo(900);
    assertThat(od.getMaxEjectionPercent().getValue()).isEqualTo(100);
    assertThat(c.getCommonLbConfig().getHealthyPanicThreshold().getValue()).isEqualTo(20.0);
  }

  @Test
  void portLevelSettingsReplaceTheRulesPolicy() {
    Translated t = Translated.of(PRODUCTPAGE, """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          trafficPolicy:
            loadBalancer: {simple: RANDOM}
            outlierDetection: {consecutive5xxErrors: 3}
            portLevelSettings:
            - port: {number: 9080}
              connectionPool: {tcp: {maxConnections: 5}}
        """);
    Cluster c = t.cluster(REVIEWS);
    assertThat(c.getCircuitBreakers().getThresholds(0).getMaxConnections().getValue()).isEqualTo(5);
    assertThat(c.getLbPolicy()).isEqualTo(Cluster.LbPolicy.LEAST_REQUEST);
    assertThat(c.hasOutlierDetection()).isFalse();
  }

  @Test
  void clientTlsModes() throws Exception {
    UpstreamTlsContext simple = tls(reviewsRule("""
        tls: {mode: SIMPLE, caCertificates: /etc/certs/ca.pem, subjectAltNames: [reviews.example.com], sni: reviews.example.com}
        """).cluster(REVIEWS));
    assertThat(simple.getSni()).isEqualTo("reviews.example.com");
    assertThat(simple.getCommonTlsContext().getValidationContext().getTrustedCa().getFilename()).isEqualTo("/etc/certs/ca.pem");
    assertThat(simple.getCommonTlsContext().getValidationContext().getMatchTypedSubjectAltNames(0).getMatcher().getExact())
        .isEqualTo("reviews.example.com");
    assertThat(simple.getCommonTlsContext().getTlsCertificatesCount()).isZero();

    UpstreamTlsContext mutual = tls(reviewsRule("""
        tls: {mode: MUTUAL, clientCertificate: /etc/certs/cert.pem, privateKey: /etc/certs/key.pem, caCertificates: /etc/certs/ca.pem}
        """).cluster(REVIEWS));
    assertThat(mutual.getCommonTlsContext().getTlsCertificates(0).getCertificateChain().getFilename()).isEqualTo("/etc/certs/cert.pem");
    assertThat(mutual.getCommonTlsContext().getTlsCertificates(0).getPrivateKey().getFilename()).isEqualTo("/etc/certs/key.pem");

    CommonTlsContext credential = tls(reviewsRule("tls: {mode: MUTUAL, credentialName: reviews-client}").cluster(REVIEWS))
        .getCommonTlsContext();
    assertThat(credential.getTlsCertificateSdsSecretConfigs(0).getName()).isEqualTo("kubernetes://reviews-client");
    assertThat(credential.getCombinedValidationContext().getValidationContextSdsSecretConfig().getName())
        .isEqualTo("kubernetes://reviews-client-cacert");

    UpstreamTlsContext istio = tls(reviewsRule("tls: {mode: ISTIO_MUTUAL}")
        .cluster("outbound|9080|v1|reviews.default.svc.cluster.local"));
    assertThat(istio.getSni()).isEqualTo("outbound_.9080_.v1_.reviews.default.svc.cluster.local");
    assertThat(istio.getCommonTlsContext().getTlsCertificateSdsSecretConfigs(0).getName()).isEqualTo("default");
    assertThat(istio.getCommonTlsContext().getCombinedValidationContext().getValidationContextSdsSecretConfig().getName())
        .isEqualTo("ROOTCA");
    assertThat(istio.getCommonTlsContext().getCombinedValidationContext().getDefaultValidationContext()
        .getMatchTypedSubjectAltNamesList()).extracting(m -> m.getMatcher().getExact())
        .containsExactly("spiffe://cluster.local/ns/default/sa/bookinfo-reviews");
    assertThat(istio.getCommonTlsContext().getAlpnProtocolsList()).containsExactly("istio-peer-exchange", "istio");

    assertThat(reviewsRule("tls: {mode: DISABLE}").cluster(REVIEWS).hasTransportSocket()).isFalse();
  }

  private static UpstreamTlsContext tls(Cluster c) throws Exception {
    assertThat(c.getTransportSocket().getName()).isEqualTo("envoy.transport_sockets.tls");
    return c.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class);
  }

  @Test
  void subsetEndpointsAreFilteredByLabels() {
    Translated t = reviewsRule("loadBalancer: {simple: RANDOM}");
    assertThat(t.endpoints("outbound|9080|v2|reviews.default.svc.cluster.local").getEndpoints(0).getLbEndpointsList())
        .extracting(e -> e.getEndpoint().getAddress().getSocketAddress().getPortValue())
        .containsExactly(Mesh.FIRST_PORT + 4);
    assertThat(t.endpoints(REVIEWS).getEndpoints(0).getLbEndpointsCount()).isEqualTo(3);
    assertThat(t.endpoints(REVIEWS).getEndpoints(0).getLoadBalancingWeight().getValue()).isEqualTo(3);
  }

  @Test
  void sidecarHasInboundAndSpecialClusters() {
    Translated t = Translated.of(PRODUCTPAGE, "");
    Cluster inbound = t.cluster("inbound|" + (Mesh.FIRST_PORT + 1) + "||");
    assertThat(inbound.getType()).isEqualTo(Cluster.DiscoveryType.STATIC);
    assertThat(inbound.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress()
        .getAddress()).isEqualTo("127.0.0.1");
    assertThat(t.cluster("BlackHoleCluster").getType()).isEqualTo(Cluster.DiscoveryType.STATIC);
    assertThat(t.cluster("PassthroughCluster").getType()).isEqualTo(Cluster.DiscoveryType.ORIGINAL_DST);
    assertThat(t.cluster("PassthroughCluster").getLbPolicy()).isEqualTo(Cluster.LbPolicy.CLUSTER_PROVIDED);
  }

  @Test
  void proxylessGrpcGetsWhatGrpcSupports() {
    Translated t = Translated.of(GRPC, """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          trafficPolicy:
            loadBalancer: {consistentHash: {httpHeaderName: x-user, maglev: {tableSize: 65537}}}
            tls: {mode: ISTIO_MUTUAL}
        """);
    Cluster c = t.cluster(REVIEWS);
    assertThat(c.getLbPolicy()).isEqualTo(Cluster.LbPolicy.RING_HASH); // gRPC has no Maglev
    assertThat(c.hasTransportSocket()).isFalse(); // gRFC A29 needs certificate providers
    assertThat(c.hasCircuitBreakers()).isFalse(); // 4294967295 would read as -1 in grpc-java
    assertThat(c.getEdsClusterConfig().getEdsConfig().hasAds()).isTrue();
    assertThat(t.names(dev.weft.controlplane.xds.ResourceType.CLUSTER)).doesNotContain("BlackHoleCluster", "PassthroughCluster");
    assertThat(Translated.of(GRPC, "").cluster(REVIEWS).getLbPolicy()).isEqualTo(Cluster.LbPolicy.ROUND_ROBIN);
  }
}
