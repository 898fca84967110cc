package dev.weft.proxy.e2e;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static dev.weft.controlplane.xds.ResourceType.ENDPOINT;
import static dev.weft.controlplane.xds.ResourceType.LISTENER;
import static dev.weft.controlplane.xds.ResourceType.ROUTE;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import dev.weft.proxy.Proxy;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * HTTP/2 through the real proxy, fed by a real xDS server: curl and nghttp (clients no one here
 * wrote) speak h2c by prior knowledge and by upgrade to a listener that also serves HTTP/1.1; the
 * streams go through the same routes to an HTTP/1.1 backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Http2EndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NODE_ID = "router~127.0.0.1~h2.weft-system~weft-system.svc.cluster.local";

    private final HttpBackend backend = new HttpBackend("a");
    private Http2Backend h2Backend;
    private final MutableSource source = new MutableSource();
    private ProxyUnderTest under;
    private Proxy proxy;

    @BeforeAll
    void start() throws IOException, InterruptedException {
        h2Backend = new Http2Backend();
        source.put(CLUSTER, "a", Envoy.edsCluster("a"))
                .put(ENDPOINT, "a", Envoy.endpoints("a", backend.port()))
                .put(CLUSTER, "recycled", recycledCluster())
                .put(ENDPOINT, "recycled", Envoy.endpoints("recycled", h2Backend.port()))
                .put(CLUSTER, "burst", Envoy.edsHttp2Cluster("burst"))
                .put(ENDPOINT, "burst", Envoy.endpoints("burst", h2Backend.port()))
                .put(CLUSTER, "h2", Envoy.edsHttp2Cluster("h2"))
                .put(ENDPOINT, "h2", Envoy.endpoints("h2", h2Backend.port()))
                .put(CLUSTER, "empty", Envoy.edsCluster("empty"))
                .put(ENDPOINT, "empty", Envoy.endpoints("empty"))
                .put(LISTENER, "ingress", Envoy.httpListener("ingress", 0, "routes"))
                .put(LISTENER, "drain", Envoy.httpListener("drain", 0, "routes"))
                .put(ROUTE, "routes", Any.pack(RouteConfiguration.newBuilder().setName("routes")
                        .addVirtualHosts(Envoy.virtualHost("a", "a.example.com").addRoutes(Envoy.toCluster("/", "a")))
                        .addVirtualHosts(Envoy.virtualHost("h2", "h2.example.com").addRoutes(Envoy.toCluster("/", "h2")))
                        .addVirtualHosts(Envoy.virtualHost("recycled", "recycled.example.com")
                                .addRoutes(Envoy.toCluster("/", "recycled")))
                        .addVirtualHosts(Envoy.virtualHost("burst", "burst.example.com")
                                .addRoutes(Envoy.toCluster("/", "burst")))
                        .addVirtualHosts(Envoy.virtualHost("empty", "empty.example.com")
                                .addRoutes(Envoy.toCluster("/", "empty")))
                        .build()));
        under = new ProxyUnderTest(source, NODE_ID);
        proxy = under.proxy;
    }

    @AfterAll
    void stop() {
        if (under != null) {
            under.close();
        }
        backend.close();
        if (h2Backend != null) {
            h2Backend.close();
        }
    }

    private String url(String path) {
        return "http://127.0.0.1:" + proxy.listenerAddress("ingress").orElseThrow().getPort() + path;
    }

    private Tools.Result curl(String... args) throws Exception {
        Tools.assumeInstalled("curl");
        List<String> command = new java.util.ArrayList<>(List.of("curl", "-sS", "--max-time", "30"));
        command.addAll(List.of(args));
        return Tools.run(command);
    }

    @Test
    void curlWithPriorKnowledgeIsServedOverHttp2() throws Exception {
        Tools.Result result = curl("--http2-prior-knowledge", "-H", "Host: a.example.com",
                "-w", "\n%{http_version} %{response_code}", url("/prior?x=1"));
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("a /prior?x=1\n2 200");
    }

    @Test
    void curlUpgradesAnHttp11ConnectionToH2c() throws Exception {
        Tools.Result result = curl("--http2", "-H", "Host: a.example.com", "-d", "hello",
                "-w", "\n%{http_version} %{response_code}", url("/upgraded"));
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("a /upgraded\n2 200");
    }

    @Test
    void http11StillWorksOnTheSamePort() throws Exception {
        Tools.Result result = curl("--http1.1", "-H", "Host: a.example.com",
                "-w", "\n%{http_version} %{response_code}", url("/one"));
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("a /one\n1.1 200");
    }

    @Test
    void nghttpMultiplexesStreamsOnOneConnection() throws Exception {
        Tools.assumeInstalled("nghttp");
        String base = url("");
        Tools.Result result = Tools.run(List.of("nghttp", "-n", "-s", "-t", "30", "-H", ":authority: a.example.com",
                base + "/s1", base + "/s2", base + "/s3", base + "/s4"));
        assertThat(result.exit()).as(result.out() + result.err()).isZero();
        // -s prints one line per stream with its status.
        assertThat(result.out().lines().filter(line -> line.contains(" 200 ")).count())
                .as(result.out()).isEqualTo(4);
        assertThat(proxy.stats().get("http.ingress.downstream_cx_http2_total")).isPositive();
    }

    @Test
    void localRepliesOverHttp2KeepTheirStatusAndFlags() throws Exception {
        Tools.Result noRoute = curl("--http2-prior-knowledge", "-H", "Host: nowhere.example.com", "-D", "-",
                "-o", "/dev/null", url("/"));
        assertThat(noRoute.out()).startsWith("HTTP/2 404").contains("x-weft-response-flags: NR");
        Tools.Result noHealthy = curl("--http2-prior-knowledge", "-H", "Host: empty.example.com", "-D", "-",
                url("/"));
        assertThat(noHealthy.out()).startsWith("HTTP/2 503").contains("x-weft-response-flags: UH")
                .endsWith("no healthy upstream");
    }

    @Test
    void aDrainingListenerSendsGoAwayAndLetsTheOpenStreamFinish() throws Exception {
        try (HostileHttp2Client client = new HostileHttp2Client(under.listener("drain"))) {
            // A POST whose body has not all arrived: in flight when the listener goes away.
            client.run(c -> {
                client.headers(c, 1, HostileHttp2Client.get("a.example.com", "/in-flight").method("POST"), false);
                client.ping(c, 42);
            });
            client.await("PINGACK 42"::equals, WAIT);
            under.source.remove(LISTENER, "drain");
            under.server.configChanged(dev.weft.controlplane.xds.ConfigChange.all("test")
                    .onlyTypes(java.util.Set.of(LISTENER)));
            assertThat(client.await(event -> event.startsWith("GOAWAY"), WAIT)).isEqualTo("GOAWAY 0");
            client.run(c -> client.data(c, 1, "the rest", true));
            assertThat(client.await(event -> event.startsWith("HEADERS 1") || event.startsWith("RST"), WAIT))
                    .isEqualTo("HEADERS 1 200");
            client.await("CLOSED"::equals, WAIT);
        }
    }

    @Test
    void http2AndHttp11ClientsReachAnHttp2BackendOverSharedConnections() throws Exception {
        int before = h2Backend.requests.get();
        Tools.Result h2 = curl("--http2-prior-knowledge", "-H", "Host: h2.example.com", "-D", "-",
                url("/via-h2?q=1"));
        assertThat(h2.exit()).as(h2.err()).isZero();
        assertThat(h2.out()).startsWith("HTTP/2 200").contains("x-envoy-upstream-service-time")
                .doesNotContain("x-http2-").contains("h2 h2.example.com /via-h2?q=1")
                // The backend's trailers stream through to the client (curl dumps them after the body).
                .contains("x-trailer: end");
        Tools.Result h1 = curl("--http1.1", "-H", "Host: h2.example.com", url("/via-h1"));
        assertThat(h1.out()).isEqualTo("h2 h2.example.com /via-h1");
        Tools.assumeInstalled("nghttp");
        String base = url("");
        Tools.Result many = Tools.run(List.of("nghttp", "-n", "-s", "-t", "30", "-H", ":authority: h2.example.com",
                base + "/m1", base + "/m2", base + "/m3", base + "/m4", base + "/m5", base + "/m6"));
        assertThat(many.out().lines().filter(line -> line.contains(" 200 ")).count()).as(many.out()).isEqualTo(6);
        // Eight requests, at most one upstream HTTP/2 connection per proxy event loop (2).
        assertThat(h2Backend.requests.get() - before).isEqualTo(8);
        assertThat(under.stat("cluster.h2.upstream_cx_total")).isBetween(1L, 2L);
    }

    @Test
    void requestTrailersReachAnHttp2Backend() throws Exception {
        try (HostileHttp2Client client = new HostileHttp2Client(under.listener("ingress"))) {
            client.run(c -> {
                client.headers(c, 1, HostileHttp2Client.get("h2.example.com", "/trailers").method("POST"), false);
                client.data(c, 1, "body", false);
                client.headers(c, 1, new io.netty.handler.codec.http2.DefaultHttp2Headers().add("x-checksum", "abc"),
                        true);
            });
            assertThat(client.await(event -> event.startsWith("HEADERS 1 "), WAIT)).isEqualTo("HEADERS 1 200");
        }
        assertThat(h2Backend.lastTrailers.get()).isEqualTo("x-checksum=abc\n");
    }

    @Test
    void aStreamTheBackendRefusedIsSentAgain() throws Exception {
        int before = h2Backend.requests.get();
        h2Backend.refuse.set(1);
        Tools.Result result = curl("--http2-prior-knowledge", "-H", "Host: h2.example.com", url("/refused"));
        assertThat(result.out()).isEqualTo("h2 h2.example.com /refused");
        assertThat(h2Backend.requests.get() - before).isEqualTo(2);
    }

    @Test
    void conflictingAuthorityAndHostResetTheStreamAndReachNoBackend() throws Exception {
        int before = backend.requests.get();
        try (HostileHttp2Client client = new HostileHttp2Client(under.listener("ingress"))) {
            client.run(c -> client.headers(c, 1, HostileHttp2Client.get("a.example.com", "/both")
                    .add("host", "evil.example.com"), true));
            assertThat(client.await(event -> event.startsWith("HEADERS 1 ") || event.startsWith("RST 1 "), WAIT))
                    .isEqualTo("RST 1 1"); // PROTOCOL_ERROR
            // The connection goes on: the next stream is served.
            client.run(c -> client.headers(c, 3, HostileHttp2Client.get("a.example.com", "/next"), true));
            assertThat(client.await(event -> event.startsWith("HEADERS 3 "), WAIT)).isEqualTo("HEADERS 3 200");
        }
        assertThat(backend.requests.get() - before).isEqualTo(1);
        assertThat(backend.lastHosts.get()).isEqualTo("a.example.com");
    }

    @Test
    void aBurstOfStreamsWaitsForTheConnectionBeingOpenedInsteadOfOpeningMore() throws Exception {
        Tools.assumeInstalled("h2load");
        // 50 streams at once on one downstream connection, to a cluster with no connection yet.
        Tools.Result result = Tools.run(List.of("h2load", "-n", "200", "-c", "1", "-m", "50", "-t", "1",
                "-H", ":authority: burst.example.com", url("/burst")));
        assertThat(result.out()).as(result.out() + result.err()).contains("200 succeeded");
        // max_concurrent_streams is 100: one connection carries them (two if both event loops opened one).
        assertThat(under.stat("cluster.burst.upstream_cx_total")).isBetween(1L, 2L);
    }

    /** HTTP/2 with max_requests_per_connection 2 (DestinationRule connectionPool.http.maxRequestsPerConnection). */
    private static Any recycledCluster() {
        var cluster = Envoy.http2Cluster("recycled", 100);
        var options = io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.newBuilder()
                .setCommonHttpProtocolOptions(io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions.newBuilder()
                        .setMaxRequestsPerConnection(com.google.protobuf.UInt32Value.of(2)))
                .setExplicitHttpConfig(io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                        .ExplicitHttpConfig.newBuilder()
                        .setHttp2ProtocolOptions(io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions.getDefaultInstance()))
                .build();
        return Any.pack(cluster.putTypedExtensionProtocolOptions(
                "envoy.extensions.upstreams.http.v3.HttpProtocolOptions", Any.pack(options)).build());
    }

    @Test
    void anHttp2ConnectionIsRetiredAfterMaxRequestsPerConnection() throws Exception {
        try (HostileHttp2Client client = new HostileHttp2Client(under.listener("ingress"))) {
            for (int i = 0; i < 5; i++) {
                int stream = 2 * i + 1;
                client.run(c -> client.headers(c, stream, HostileHttp2Client.get("recycled.example.com", "/r"), true));
                assertThat(client.await(event -> event.startsWith("HEADERS " + stream + " "), WAIT))
                        .isEqualTo("HEADERS " + stream + " 200");
            }
        }
        // Five requests, two per connection: three connections, the first two closed once retired.
        assertThat(under.stat("cluster.recycled.upstream_cx_total")).isEqualTo(3);
        Await.until("retired connections closed", WAIT, () -> under.stat("cluster.recycled.upstream_cx_destroy") == 2);
    }
}
