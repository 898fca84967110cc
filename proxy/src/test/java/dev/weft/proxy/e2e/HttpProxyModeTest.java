package dev.weft.proxy.e2e;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static dev.weft.controlplane.xds.ResourceType.ENDPOINT;
import static dev.weft.controlplane.xds.ResourceType.LISTENER;
import static dev.weft.controlplane.xds.ResourceType.ROUTE;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import dev.weft.controlplane.xds.server.XdsServer;
import dev.weft.controlplane.xds.server.XdsServerOptions;
import dev.weft.proxy.Proxy;
import dev.weft.proxy.bootstrap.Bootstrap;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Istio's HTTP_PROXY listener: a connection manager with {@code allow_absolute_url} takes
 * absolute-form requests ({@code GET http://reviews:9080/x}) as a forward proxy: Host from the URI,
 * origin-form path upstream. A listener without it leaves the target alone (no route: 404 NR).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpProxyModeTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final HttpBackend reviews = new HttpBackend("reviews");
    private final MutableSource source = new MutableSource();
    private XdsServer server;
    private Proxy proxy;

    @BeforeAll
    void start() throws IOException {
        int xdsPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            xdsPort = socket.getLocalPort();
        }
        RouteConfiguration routes = RouteConfiguration.newBuilder().setName("http_proxy")
                .addVirtualHosts(Envoy.virtualHost("reviews", "reviews:9080", "reviews.default.svc.cluster.local:9080")
                        .addRoutes(Envoy.toCluster("/", "reviews")))
                .build();
        source.put(CLUSTER, "reviews", Envoy.edsCluster("reviews"))
                .put(ENDPOINT, "reviews", Envoy.endpoints("reviews", reviews.port()))
                .put(LISTENER, "http-proxy", absoluteUrls(Envoy.httpListener("http-proxy", 0, "http_proxy"), true))
                .put(LISTENER, "plain", Envoy.httpListener("plain", 0, "http_proxy"))
                .put(ROUTE, "http_proxy", Any.pack(routes));
        server = new XdsServer(source, XdsServerOptions.defaults().withAddress("127.0.0.1", xdsPort)
                .withDebounce(Duration.ZERO, Duration.ZERO)).start();
        proxy = Proxy.start(Bootstrap.of("sidecar~127.0.0.1~pp-1.default~default.svc.cluster.local", "127.0.0.1", xdsPort)
                .withAdminPort(0), 1, Duration.ofSeconds(1));
        Await.until("/ready 200", WAIT, () -> Admin.get(proxy.adminPort(), "/ready").statusCode() == 200);
    }

    private static Any absoluteUrls(Any listener, boolean allow) {
        try {
            Listener l = listener.unpack(Listener.class);
            var filter = l.getFilterChains(0).getFilters(0);
            HttpConnectionManager hcm = filter.getTypedConfig().unpack(HttpConnectionManager.class).toBuilder()
                    .setHttpProtocolOptions(Http1ProtocolOptions.newBuilder().setAllowAbsoluteUrl(BoolValue.of(allow)))
                    .build();
            return Any.pack(l.toBuilder().setFilterChains(0, l.getFilterChains(0).toBuilder()
                    .setFilters(0, filter.toBuilder().setTypedConfig(Any.pack(hcm)))).build());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    @AfterAll
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.stop();
        }
        reviews.close();
    }

    private Http1Client client(String listener) throws IOException {
        InetSocketAddress at = proxy.listenerAddress(listener).orElseThrow();
        return new Http1Client(at);
    }

    @Test
    void absoluteFormIsRoutedByItsAuthorityAndForwardedInOriginForm() throws IOException {
        try (Http1Client c = client("http-proxy")) {
            // The Host header a client sends beside an absolute URI is replaced by the URI's (RFC 9112 3.2.2).
            Http1Client.Response r = c.raw("GET http://reviews:9080/reviews/0?x=1 HTTP/1.1\r\nHost: elsewhere\r\n\r\n");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("reviews /reviews/0?x=1");
            assertThat(r.header("x-seen-host")).isEqualTo("reviews:9080");

            Http1Client.Response fqdn = c.raw("GET HTTP://reviews.default.svc.cluster.local:9080 HTTP/1.1\r\n\r\n");
            assertThat(fqdn.status()).isEqualTo(200);
            assertThat(fqdn.body()).isEqualTo("reviews /");

            // Origin-form still works on the same connection.
            assertThat(c.get("reviews:9080", "/ok").body()).isEqualTo("reviews /ok");
        }
    }

    @Test
    void unknownAuthorityIsNoRouteAndMalformedUrlIsBadRequest() throws IOException {
        try (Http1Client c = client("http-proxy")) {
            assertThat(c.raw("GET http://ratings:9080/x HTTP/1.1\r\n\r\n").status()).isEqualTo(404);
        }
        try (Http1Client c = client("http-proxy")) {
            assertThat(c.raw("GET http://user@reviews:9080/x HTTP/1.1\r\nHost: reviews:9080\r\n\r\n").status()).isEqualTo(400);
        }
        try (Http1Client c = client("http-proxy")) {
            assertThat(c.raw("GET http://reviews:99999/x HTTP/1.1\r\nHost: reviews:9080\r\n\r\n").status()).isEqualTo(400);
        }
    }

    @Test
    void withoutAllowAbsoluteUrlTheTargetIsLeftAsItCame() throws IOException {
        try (Http1Client c = client("plain")) {
            Http1Client.Response r = c.raw("GET http://reviews:9080/reviews/0 HTTP/1.1\r\nHost: reviews:9080\r\n\r\n");
            assertThat(r.status()).isEqualTo(404);
        }
    }
}
