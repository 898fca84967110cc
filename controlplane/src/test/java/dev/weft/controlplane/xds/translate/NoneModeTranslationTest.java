package dev.weft.controlplane.xds.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.controlplane.xds.ProxyNode;
import dev.weft.controlplane.xds.ResourceType;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Istio's INTERCEPTION_MODE NONE and HTTP_PROXY_PORT: what `weft up`'s sidecars get. */
class NoneModeTranslationTest {

  /** productpage-v1's endpoint port in {@link Mesh}'s registry (second Deployment of bookinfo.yaml). */
  static final int ENDPOINT_PORT = Mesh.FIRST_PORT + 1;

  static final ProxyNode NONE = Mesh.sidecar("productpage-v1-1", "default", Map.of("app", "productpage", "version", "v1"),
      "127.0.10.2", Map.of("INTERCEPTION_MODE", "NONE", "HTTP_PROXY_PORT", "15080",
          "WEFT_APP_PORTS", ENDPOINT_PORT + "=127.0.0.1:31000"));

  private static HttpConnectionManager hcm(Listener l) {
    return Translated.unpack(l.getFilterChains(0).getFilters(0).getTypedConfig(), HttpConnectionManager.class);
  }

  private static Translated translate(ProxyNode proxy, String yaml) {
    return Translated.of(proxy, yaml);
  }

  @Test
  void noCaptureListenersButInboundOnTheWorkloadAddressAndTheHttpProxy() {
    Translated t = translate(NONE, "");
    assertThat(t.names(ResourceType.LISTENER)).containsExactlyInAnyOrder("127.0.10.2_" + ENDPOINT_PORT, "127.0.10.2_15080");

    Listener inbound = t.listener("127.0.10.2_" + ENDPOINT_PORT);
    SocketAddress at = inbound.getAddress().getSocketAddress();
    assertThat(at.getAddress()).isEqualTo("127.0.10.2");
    assertThat(at.getPortValue()).isEqualTo(ENDPOINT_PORT);
    assertThat(inbound.hasBindToPort()).isFalse(); // bound (Envoy's default)
    assertThat(hcm(inbound).getRouteConfig().getVirtualHosts(0).getRoutes(0).getRoute().getCluster())
        .isEqualTo("inbound|" + ENDPOINT_PORT + "||");

    Cluster app = t.cluster("inbound|" + ENDPOINT_PORT + "||");
    SocketAddress appAt = app.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress();
    assertThat(appAt.getAddress() + ":" + appAt.getPortValue()).isEqualTo("127.0.0.1:31000");

    HttpConnectionManager proxy = hcm(t.listener("127.0.10.2_15080"));
    assertThat(proxy.getRds().getRouteConfigName()).isEqualTo("http_proxy");
    assertThat(proxy.getHttpProtocolOptions().getAllowAbsoluteUrl().getValue()).isTrue();
  }

  @Test
  void httpProxyRoutesNameEveryServiceWithItsPortAndFollowVirtualServices() {
    Translated t = translate(NONE, """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - route:
            - destination: {host: reviews, subset: v3}
        """);
    VirtualHost reviews = t.vhost("http_proxy", "reviews.default.svc.cluster.local:9080");
    assertThat(reviews.getDomainsList()).containsExactly("reviews.default.svc.cluster.local:9080",
        "reviews.default.svc:9080", "reviews.default:9080", "reviews:9080");
    assertThat(reviews.getRoutes(0).getRoute().getCluster()).isEqualTo("outbound|9080|v3|reviews.default.svc.cluster.local");
    assertThat(t.routes("http_proxy").getVirtualHostsList()).extracting(VirtualHost::getName).containsExactly(
        "details.default.svc.cluster.local:9080", "productpage.default.svc.cluster.local:9080",
        "ratings.default.svc.cluster.local:9080", "reviews.default.svc.cluster.local:9080", "allow_any");
    // The port-keyed route configs stay (a proxy without HTTP_PROXY_PORT is unchanged).
    assertThat(t.names(ResourceType.ROUTE)).contains("9080", "http_proxy");
  }

  @Test
  void captureModeSidecarIsUnchangedAndGetsNoHttpProxy() {
    Translated t = translate(Translated.PRODUCTPAGE, "");
    assertThat(t.names(ResourceType.LISTENER)).contains("virtualInbound", "virtualOutbound");
    assertThat(t.names(ResourceType.ROUTE)).doesNotContain("http_proxy");
  }

  @Test
  void gatewayBindsTheAddressItIsGiven() {
    ProxyNode gw = ProxyNode.of(Translated.INGRESS.node().toBuilder()
        .setMetadata(Translated.INGRESS.node().getMetadata().toBuilder()
            .putFields("WEFT_BIND_ADDRESS", com.google.protobuf.Value.newBuilder().setStringValue("127.0.10.1").build()))
        .build());
    Translated t = Translated.of(gw, """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: gw, namespace: istio-system}
        spec:
          selector: {istio: ingressgateway}
          servers:
          - port: {number: 8080, name: http, protocol: HTTP}
            hosts: ["*"]
        """);
    assertThat(t.listener("0.0.0.0_8080").getAddress().getSocketAddress().getAddress()).isEqualTo("127.0.10.1");
  }
}
