package dev.weft.controlplane.xds.translate;

import static dev.weft.controlplane.xds.translate.Translated.GRPC;
import static dev.weft.controlplane.xds.translate.Translated.INGRESS;
import static dev.weft.controlplane.xds.translate.Translated.PRODUCTPAGE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.controlplane.xds.ResourceType;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import org.junit.jupiter.api.Test;

/** Listeners of sidecars, gateways and proxyless gRPC clients, and what each proxy sees. */
class ListenerTranslationTest {

  private static HttpConnectionManager hcm(FilterChain chain) {
    return Translated.unpack(chain.getFilters(0).getTypedConfig(), HttpConnectionManager.class);
  }

  private static TcpProxy tcp(FilterChain chain) {
    return Translated.unpack(chain.getFilters(0).getTypedConfig(), TcpProxy.class);
  }

  @Test
  void sidecarOutboundInboundAndCatchAll() {
    Translated t = Translated.of(PRODUCTPAGE, "");
    Listener http = t.listener("0.0.0.0_9080");
    assertThat(http.getBindToPort().getValue()).isFalse();
    HttpConnectionManager hcm = hcm(http.getFilterChains(0));
    assertThat(hcm.getRds().getRouteConfigName()).isEqualTo("9080");
    assertThat(hcm.getHttpFiltersList()).extracting(HttpFilter::getName)
        .containsExactly("envoy.filters.http.fault", "envoy.filters.http.cors", "envoy.filters.http.router");

    Listener outbound = t.listener("virtualOutbound");
    assertThat(outbound.getAddress().getSocketAddress().getPortValue()).isEqualTo(15001);
    assertThat(outbound.getUseOriginalDst().getValue()).isTrue();
    assertThat(tcp(outbound.getDefaultFilterChain()).getCluster()).isEqualTo("PassthroughCluster");

    Listener inbound = t.listener("virtualInbound");
    assertThat(inbound.getAddress().getSocketAddress().getPortValue()).isEqualTo(15006);
    int appPort = Mesh.FIRST_PORT + 1; // productpage-v1's endpoint
    FilterChain app = inbound.getFilterChainsList().stream()
        .filter(c -> c.getFilterChainMatch().getDestinationPort().getValue() == appPort).findFirst().orElseThrow();
    assertThat(hcm(app).getRouteConfig().getVirtualHosts(0).getRoutes(0).getRoute().getCluster()).isEqualTo("inbound|" + appPort + "||");
    assertThat(tcp(inbound.getDefaultFilterChain()).getCluster()).isEqualTo("InboundPassthroughCluster");
  }

  @Test
  void accessLogFileGivesEveryHttpConnectionManagerAFileAccessLogAndNoneByDefault() {
    assertThat(hcm(Translated.of(PRODUCTPAGE, "").listener("0.0.0.0_9080").getFilterChains(0)).getAccessLogList()).isEmpty();

    MeshSnapshot plain = Mesh.snapshot(Mesh.load(java.util.List.of(Translated.BOOKINFO,
        Translated.BOOKINFO.getParent().getParent().getParent().resolve("networking/bookinfo-gateway.yaml")), java.util.Map.of()));
    MeshSnapshot logged = new MeshSnapshot(plain.version(), plain.config(), plain.services(), plain.endpoints(),
        plain.mesh().withAccessLogFile("/dev/stdout"));
    for (var proxy : java.util.List.of(PRODUCTPAGE, INGRESS)) {
      var listeners = new IstioTranslator().translate(logged, proxy).of(ResourceType.LISTENER);
      long hcms = 0;
      for (var any : listeners.values()) {
        Listener listener = Translated.unpack(any, Listener.class);
        for (FilterChain chain : listener.getFilterChainsList()) {
          if (chain.getFiltersCount() > 0 && chain.getFilters(0).getName().equals("envoy.filters.network.http_connection_manager")) {
            hcms++;
            var log = hcm(chain).getAccessLog(0);
            assertThat(log.getName()).isEqualTo("envoy.access_loggers.file");
            var file = Translated.unpack(log.getTypedConfig(),
                io.envoyproxy.envoy.extensions.access_loggers.file.v3.FileAccessLog.class);
            assertThat(file.getPath()).isEqualTo("/dev/stdout");
            assertThat(file.hasLogFormat()).isFalse(); // Envoy's default format
          }
        }
      }
      assertThat(hcms).as(proxy.id()).isPositive();
    }
  }

  @Test
  void registryOnlySidecarBlocksUnknownHostsAndScopesEgress() {
    Translated t = Translated.of(PRODUCTPAGE, """
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: default}
        spec:
          egress:
          - hosts: ["./reviews.default.svc.cluster.local", "./details.default.svc.cluster.local"]
          outboundTrafficPolicy: {mode: REGISTRY_ONLY}
        """);
    assertThat(tcp(t.listener("virtualOutbound").getDefaultFilterChain()).getCluster()).isEqualTo("BlackHoleCluster");
    assertThat(t.vhost("9080", "block_all").getRoutes(0).getDirectResponse().getStatus()).isEqualTo(502);
    assertThat(t.routes("9080").getVirtualHostsList()).extracting(VirtualHost::getName).containsExactly(
        "details.default.svc.cluster.local:9080", "reviews.default.svc.cluster.local:9080", "block_all");
    assertThat(t.names(ResourceType.CLUSTER)).noneMatch(n -> n.contains("ratings"));
  }

  @Test
  void virtualServiceExportedElsewhereDoesNotApply() {
    Translated t = Translated.of(PRODUCTPAGE, """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: other}
        spec:
          hosts: [reviews.default.svc.cluster.local]
          exportTo: ["."]
          http:
          - route: [{destination: {host: reviews.default.svc.cluster.local, subset: v2}}]
        """);
    assertThat(t.sidecarRoutes("reviews").getFirst().getName()).isEqualTo("default");
  }

  @Test
  void gatewayHttpsServersTerminateByServerNameAndPassthroughGoesBySni() {
    Translated t = Translated.of(INGRESS, """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: web, namespace: istio-system}
        spec:
          selector: {istio: ingressgateway}
          servers:
          - port: {number: 80, name: http, protocol: HTTP}
            hosts: ["bookinfo.example.com"]
            tls: {httpsRedirect: true}
          - port: {number: 443, name: https, protocol: HTTPS}
            hosts: ["bookinfo.example.com"]
            tls: {mode: SIMPLE, credentialName: bookinfo-cert}
          - port: {number: 443, name: https-files, protocol: HTTPS}
            hosts: ["files.example.com"]
            tls: {mode: MUTUAL, serverCertificate: /c.pem, privateKey: /k.pem, caCertificates: /ca.pem}
          - port: {number: 8443, name: tls, protocol: TLS}
            hosts: ["*.passthrough.example.com"]
            tls: {mode: PASSTHROUGH}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: bookinfo, namespace: default}
        spec:
          hosts: [bookinfo.example.com]
          gateways: [istio-system/web]
          http:
          - route: [{destination: {host: productpage, port: {number: 9080}}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: passthrough, namespace: default}
        spec:
          hosts: ["a.passthrough.example.com"]
          gateways: [istio-system/web]
          tls:
          - match: [{sniHosts: [a.passthrough.example.com], port: 8443}]
            route: [{destination: {host: details, port: {number: 9080}}}]
        """);
    VirtualHost redirect = t.vhost("http.80", "bookinfo.example.com:80");
    assertThat(redirect.getRequireTls()).isEqualTo(VirtualHost.TlsRequirementType.ALL);
    assertThat(redirect.getDomainsList()).containsExactly("bookinfo.example.com", "bookinfo.example.com:*");

    Listener https = t.listener("0.0.0.0_443");
    assertThat(https.getListenerFilters(0).getName()).isEqualTo("envoy.filters.listener.tls_inspector");
    assertThat(https.getFilterChainsList()).extracting(c -> String.join(",", c.getFilterChainMatch().getServerNamesList()))
        .containsExactly("bookinfo.example.com", "files.example.com");
    DownstreamTlsContext sds = Translated.unpack(https.getFilterChains(0).getTransportSocket().getTypedConfig(), DownstreamTlsContext.class);
    assertThat(sds.getCommonTlsContext().getTlsCertificateSdsSecretConfigs(0).getName()).isEqualTo("kubernetes://bookinfo-cert");
    assertThat(hcm(https.getFilterChains(0)).getRds().getRouteConfigName()).isEqualTo("https.443.https.web.istio-system");
    DownstreamTlsContext files = Translated.unpack(https.getFilterChains(1).getTransportSocket().getTypedConfig(), DownstreamTlsContext.class);
    assertThat(files.getRequireClientCertificate().getValue()).isTrue();
    assertThat(files.getCommonTlsContext().getValidationContext().getTrustedCa().getFilename()).isEqualTo("/ca.pem");
    assertThat(t.vhost("https.443.https.web.istio-system", "bookinfo.example.com:443").getRoutes(0).getRoute().getCluster())
        .isEqualTo("outbound|9080||productpage.default.svc.cluster.local");
    // no VirtualService for files.example.com: a virtual host that answers 404
    assertThat(t.routes("https.443.https-files.web.istio-system").getVirtualHosts(0).getName()).isEqualTo("blackhole:443");

    FilterChain sni = t.listener("0.0.0.0_8443").getFilterChains(0);
    assertThat(sni.getFilterChainMatch().getServerNamesList()).containsExactly("a.passthrough.example.com");
    assertThat(tcp(sni).getCluster()).isEqualTo("outbound|9080||details.default.svc.cluster.local");
  }

  @Test
  void proxylessApiListenersFollowTheGrpcRules() {
    Translated t = Translated.of(GRPC, """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: ratings}
        spec:
          hosts: [ratings]
          http:
          - fault: {abort: {grpcStatus: UNAVAILABLE, percentage: {value: 50}}}
            corsPolicy: {allowOrigins: [{exact: "https://x"}]}
            route: [{destination: {host: ratings}}]
        """);
    // every name a client may dial, with the port: xds:///reviews:9080 asks for "reviews:9080"
    assertThat(t.names(ResourceType.LISTENER)).contains("reviews:9080", "reviews.default:9080", "reviews.default.svc:9080",
        "reviews.default.svc.cluster.local:9080");
    assertThat(t.names(ResourceType.ROUTE)).isEqualTo(t.names(ResourceType.LISTENER));
    HttpConnectionManager plain = Translated.unpack(t.listener("reviews:9080").getApiListener().getApiListener(),
        HttpConnectionManager.class);
    assertThat(plain.getRds().getRouteConfigName()).isEqualTo("reviews:9080");
    assertThat(plain.getRds().getConfigSource().hasAds()).isTrue();
    assertThat(plain.getHttpFiltersList()).extracting(HttpFilter::getName).containsExactly("envoy.filters.http.router");
    HttpConnectionManager faulty = Translated.unpack(t.listener("ratings:9080").getApiListener().getApiListener(),
        HttpConnectionManager.class);
    assertThat(faulty.getHttpFiltersList()).extracting(HttpFilter::getName)
        .containsExactly("envoy.filters.http.fault", "envoy.filters.http.router");
    RouteConfiguration rc = t.routes("ratings:9080");
    assertThat(rc.getVirtualHosts(0).getDomainsList()).contains("ratings:9080", "ratings.default.svc.cluster.local:9080");
    // CORS is not a gRPC filter: a per-route config for it would be NACKed (gRFC A39)
    assertThat(rc.getVirtualHosts(0).getRoutes(0).getTypedPerFilterConfigMap()).containsOnlyKeys("envoy.filters.http.fault");
    assertThat(rc.getVirtualHosts(0).getRoutes(0).hasDecorator()).isFalse();
  }
}
