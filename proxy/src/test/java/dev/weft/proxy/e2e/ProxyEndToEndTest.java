package dev.weft.proxy.e2e;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static dev.weft.controlplane.xds.ResourceType.ENDPOINT;
import static dev.weft.controlplane.xds.ResourceType.LISTENER;
import static dev.weft.controlplane.xds.ResourceType.ROUTE;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import dev.weft.controlplane.xds.ConfigChange;
import dev.weft.controlplane.xds.ResourceType;
import dev.weft.controlplane.xds.server.Nack;
import dev.weft.controlplane.xds.server.XdsServer;
import dev.weft.controlplane.xds.server.XdsServerOptions;
import dev.weft.proxy.Proxy;
import dev.weft.proxy.bootstrap.Bootstrap;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The proxy against a real weftd xDS server and real HTTP backends, all on 127.0.0.1. The tests run
 * in order on one proxy: the proxy starts before its control plane, then traffic, then changes,
 * a rejected configuration, and finally the control plane goes away.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProxyEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String NODE_ID = "router~127.0.0.1~ingress-1.weft-system~weft-system.svc.cluster.local";

    private final HttpBackend backendA = new HttpBackend("a");
    private final HttpBackend backendB = new HttpBackend("b");
    private final MutableSource source = new MutableSource();
    private int xdsPort;
    private int deadPort;
    private XdsServer server;
    private Proxy proxy;

    @BeforeAll
    void start() throws IOException {
        xdsPort = freePort();
        deadPort = freePort();
        source.put(CLUSTER, "a", Envoy.edsCluster("a"))
                .put(CLUSTER, "b", Envoy.edsCluster("b"))
                .put(CLUSTER, "empty", Envoy.edsCluster("empty"))
                .put(CLUSTER, "dead", Envoy.edsCluster("dead"))
                .put(ENDPOINT, "a", Envoy.endpoints("a", backendA.port()))
                .put(ENDPOINT, "b", Envoy.endpoints("b", backendB.port()))
                .put(ENDPOINT, "empty", Envoy.endpoints("empty"))
                .put(ENDPOINT, "dead", Envoy.endpoints("dead", deadPort))
                .put(LISTENER, "ingress", Envoy.httpListener("ingress", 0, "routes"))
                .put(ROUTE, "routes", routes("a", null));
        Bootstrap bootstrap = Bootstrap.of(NODE_ID, "127.0.0.1", xdsPort).withAdminPort(0)
                .withReconnect(Duration.ofMillis(100), Duration.ofMillis(500));
        proxy = Proxy.start(bootstrap, 2, Duration.ofSeconds(1));
    }

    @AfterAll
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.stop();
        }
        backendA.close();
        backendB.close();
    }

    /** The routes of the test; {@code moveTo} is where move.example.com goes; {@code extra} an added virtual host. */
    private static Any routes(String moveTo, io.envoyproxy.envoy.config.route.v3.VirtualHost extra) {
        RouteConfiguration.Builder routes = RouteConfiguration.newBuilder()
                .setName("routes")
                .addVirtualHosts(Envoy.virtualHost("hosts-a", "a.example.com")
                        .addRoutes(Envoy.headerToCluster("x-variant", "b", "b"))
                        .addRoutes(Envoy.toCluster("/", "a")))
                .addVirtualHosts(Envoy.virtualHost("hosts-b", "b.example.com", "*.b.example.com")
                        .addRoutes(Envoy.toCluster("/", "b")))
                .addVirtualHosts(Envoy.virtualHost("split", "split.example.com")
                        .addRoutes(Envoy.weighted("a", 90, "b", 10)))
                .addVirtualHosts(Envoy.virtualHost("empty", "empty.example.com")
                        .addRoutes(Envoy.toCluster("/", "empty")))
                .addVirtualHosts(Envoy.virtualHost("dead", "dead.example.com")
                        .addRoutes(Envoy.toCluster("/", "dead")))
                .addVirtualHosts(Envoy.virtualHost("move", "move.example.com")
                        .addRoutes(Envoy.toCluster("/", moveTo)))
                .addVirtualHosts(Envoy.virtualHost("rewrite", "rewrite.example.com")
                        .addRoutes(Envoy.rewrite("/old", "/new", "a")))
                .addVirtualHosts(Envoy.virtualHost("faulty", "faulty.example.com")
                        .addRoutes(Envoy.faulty("a", 503)));
        if (extra != null) {
            routes.addVirtualHosts(extra);
        }
        return Any.pack(routes.build());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private InetSocketAddress ingress() {
        return proxy.listenerAddress("ingress").orElseThrow();
    }

    private Http1Client client() throws IOException {
        return new Http1Client(ingress());
    }

    private void push(ResourceType type, String name, Any resource) {
        source.put(type, name, resource);
        server.configChanged(ConfigChange.all("test").onlyTypes(java.util.Set.of(type)));
    }

    @Test
    @Order(1)
    void notReadyUntilTheConfigurationArrivesThenReady() throws IOException {
        assertThat(Admin.get(proxy.adminPort(), "/ready").statusCode()).isEqualTo(503);
        assertThat(Admin.get(proxy.adminPort(), "/listeners").body()).isEmpty();

        // The control plane comes up after the proxy: the proxy's reconnect finds it.
        server = new XdsServer(source, XdsServerOptions.defaults().withAddress("127.0.0.1", xdsPort)
                .withDebounce(Duration.ZERO, Duration.ZERO)).start();
        Await.until("/ready 200", WAIT, () -> Admin.get(proxy.adminPort(), "/ready").statusCode() == 200);

        assertThat(Admin.get(proxy.adminPort(), "/listeners").body())
                .isEqualTo("ingress::127.0.0.1:" + ingress().getPort() + "\n");
        assertThat(Admin.get(proxy.adminPort(), "/clusters").body())
                .contains("a::127.0.0.1:" + backendA.port() + "::health_flags::healthy\n")
                .contains("b::127.0.0.1:" + backendB.port() + "::weight::1\n")
                .contains("a::default_priority::max_connections::1024\n");
        String dump = Admin.get(proxy.adminPort(), "/config_dump").body();
        assertThat(dump).contains("\"type\": \"RDS\"")
                .contains("\"@type\": \"type.googleapis.com/envoy.config.route.v3.RouteConfiguration\"")
                .contains("\"route_config_name\": \"routes\"");
        Await.until("all types ACKed", WAIT, () -> server.proxyStatus(NODE_ID).map(status ->
                status.types().values().stream().filter(t -> t.type() != ResourceType.SECRET)
                        .allMatch(t -> t.state() == dev.weft.controlplane.xds.server.SyncState.SYNCED))
                .orElse(false));
    }

    @Test
    @Order(2)
    void routesByHostPrefixRewriteAndWildcardDomain() throws IOException {
        try (Http1Client client = client()) {
            assertThat(client.get("a.example.com", "/x").body()).isEqualTo("a /x");
            assertThat(client.get("b.example.com", "/y?q=1").body()).isEqualTo("b /y?q=1");
            assertThat(client.get("shop.b.example.com", "/").body()).isEqualTo("b /");
            Http1Client.Response rewritten = client.get("rewrite.example.com", "/old/thing");
            assertThat(rewritten.body()).isEqualTo("a /new/thing");
            assertThat(rewritten.header("x-seen-host")).isEqualTo("rewrite.example.com");
            assertThat(rewritten.header("x-envoy-upstream-service-time")).isNotNull();
        }
    }

    @Test
    @Order(3)
    void headerMatchTakesTheFirstMatchingRoute() throws IOException {
        try (Http1Client client = client()) {
            assertThat(client.get("a.example.com", "/", "x-variant: b").body()).isEqualTo("b /");
            assertThat(client.get("a.example.com", "/", "x-variant: c").body()).isEqualTo("a /");
            assertThat(client.get("a.example.com", "/").body()).isEqualTo("a /");
        }
    }

    @Test
    @Order(4)
    void localRepliesCarryEnvoysResponseFlags() throws IOException {
        try (Http1Client client = client()) {
            Http1Client.Response noRoute = client.get("unknown.example.com", "/");
            assertThat(noRoute.status()).isEqualTo(404);
            assertThat(noRoute.header("x-weft-response-flags")).isEqualTo("NR");

            Http1Client.Response noHealthy = client.get("empty.example.com", "/");
            assertThat(noHealthy.status()).isEqualTo(503);
            assertThat(noHealthy.header("x-weft-response-flags")).isEqualTo("UH");
            assertThat(noHealthy.body()).isEqualTo("no healthy upstream");

            Http1Client.Response connectFailure = client.get("dead.example.com", "/");
            assertThat(connectFailure.status()).isEqualTo(503);
            assertThat(connectFailure.header("x-weft-response-flags")).isEqualTo("UF");
            assertThat(connectFailure.body())
                    .isEqualTo("upstream connect error or disconnect/reset before headers. reset reason: connection failure");

            Http1Client.Response aborted = client.get("a.example.com", "/", "x-fault: abort");
            assertThat(aborted.status()).isEqualTo(418);
            assertThat(aborted.header("x-weft-response-flags")).isEqualTo("FI");

            Http1Client.Response routeFault = client.get("faulty.example.com", "/");
            assertThat(routeFault.status()).isEqualTo(503);
            assertThat(routeFault.header("x-weft-response-flags")).isEqualTo("FI");
            assertThat(routeFault.body()).isEqualTo("fault filter abort");

            // The connection survived all of that (local replies keep the connection alive).
            assertThat(client.get("a.example.com", "/").status()).isEqualTo(200);
        }
        String stats = Admin.get(proxy.adminPort(), "/stats").body();
        assertThat(stats).contains("http.ingress.rs_flag.NR: 1\n").contains("http.ingress.rs_flag.UH: 1\n")
                .contains("cluster.dead.upstream_cx_connect_fail: 1\n");
    }

    @Test
    @Order(4)
    void malformedOrOversizedRequestsAreRefusedAndTheConnectionClosed() throws IOException {
        try (Http1Client client = client()) {
            Http1Client.Response tooLarge = client.get("a.example.com", "/", "x-big: " + "x".repeat(70 * 1024));
            assertThat(tooLarge.status()).isEqualTo(431);
            assertThat(tooLarge.header("connection")).isEqualTo("close");
            assertThat(client.closedByPeer()).isTrue();
        }
        try (Http1Client client = client()) {
            Http1Client.Response http10 = client.raw("GET /ten HTTP/1.0\r\nHost: a.example.com\r\n\r\n");
            assertThat(http10.body()).isEqualTo("a /ten");
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    @Order(5)
    void weightedClustersSplitNinetyTen() throws IOException {
        int total = 2_000;
        int toA = 0;
        try (Http1Client client = client()) {
            for (int i = 0; i < total; i++) {
                Http1Client.Response response = client.get("split.example.com", "/w");
                assertThat(response.status()).isEqualTo(200);
                if (response.body().startsWith("a ")) {
                    toA++;
                }
            }
        }
        // 90% of 2,000 = 1,800, +-3 percentage points (+-60): about 4.5 standard deviations.
        assertThat(toA).isBetween(1_740, 1_860);
    }

    @Test
    @Order(6)
    void keepAliveReusesConnectionsBothWays() throws IOException {
        backendA.clientPorts.clear();
        int before = backendA.requests.get();
        try (Http1Client client = client()) {
            for (int i = 0; i < 200; i++) {
                assertThat(client.get("a.example.com", "/k").status()).isEqualTo(200);
            }
        }
        assertThat(backendA.requests.get() - before).isEqualTo(200);
        // Sequential requests: one upstream connection, reused (a second only if one was closed).
        assertThat(backendA.clientPorts).hasSizeLessThanOrEqualTo(2);
    }

    @Test
    @Order(7)
    void aPushedRouteChangeAppliesWithoutFailingRequestsInFlight() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        Map<String, AtomicInteger> answeredBy = new ConcurrentHashMap<>();
        List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> load = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        for (int t = 0; t < 3; t++) {
            load.add(Thread.ofPlatform().start(() -> {
                try (Http1Client client = client()) {
                    while (running.get() && System.nanoTime() < deadline) {
                        Http1Client.Response response = client.get("move.example.com", "/m");
                        if (response.status() == 200) {
                            ok.incrementAndGet();
                            answeredBy.computeIfAbsent(response.body().substring(0, 1), k -> new AtomicInteger())
                                    .incrementAndGet();
                        } else {
                            failures.incrementAndGet();
                            errors.add(response.status() + " " + response.body());
                        }
                    }
                } catch (IOException e) {
                    failures.incrementAndGet();
                    errors.add(e.toString());
                }
            }));
        }
        Await.until("load running", WAIT, () -> ok.get() > 100);
        push(ROUTE, "routes", routes("b", null));
        Await.until("requests reach b", WAIT, () -> answeredBy.containsKey("b") && answeredBy.get("b").get() > 100);
        running.set(false);
        for (Thread thread : load) {
            thread.join(10_000);
        }
        assertThat(errors).isEmpty();
        assertThat(failures.get()).isZero();
        assertThat(answeredBy.get("a").get()).isPositive();
        try (Http1Client client = client()) {
            assertThat(client.get("move.example.com", "/").body()).isEqualTo("b /");
        }
    }

    @Test
    @Order(8)
    void anInvalidRouteConfigurationIsNackedAndTheOldOneKeepsServing() throws IOException {
        var bad = Envoy.virtualHost("bad", "bad.example.com").addRoutes(Envoy.regexToCluster("(", "a")).build();
        push(ROUTE, "routes", routes("a", bad));

        Await.until("RDS NACK", WAIT, () -> lastNack(ROUTE).isPresent());
        assertThat(lastNack(ROUTE).orElseThrow().message()).endsWith(
                " rejected: RouteConfiguration routes: virtual_hosts[8].routes[0].match.safe_regex.regex: "
                        + "invalid regex '(': missing closing )");
        // The rejected version would have moved move.example.com back to a; the old one says b.
        try (Http1Client client = client()) {
            assertThat(client.get("move.example.com", "/").body()).isEqualTo("b /");
            assertThat(client.get("bad.example.com", "/").status()).isEqualTo(404);
        }
        assertThat(Admin.get(proxy.adminPort(), "/config_dump").body())
                .contains("invalid regex '(': missing closing )");

        push(ROUTE, "routes", routes("a", null));
        Await.until("move.example.com back on a", WAIT, () -> {
            try (Http1Client client = client()) {
                return client.get("move.example.com", "/").body().equals("a /");
            } catch (IOException e) {
                return false;
            }
        });
    }

    private Optional<Nack> lastNack(ResourceType type) {
        return server.proxyStatus(NODE_ID).flatMap(status -> status.types().get(type).lastNack());
    }

    @Test
    @Order(9)
    void keepsServingTheLastConfigurationWhileTheControlPlaneIsAway() throws IOException {
        server.stop();
        Await.until("xDS disconnected", WAIT, () -> Admin.get(proxy.adminPort(), "/stats").body()
                .contains("control_plane.connected_state: 0"));
        try (Http1Client client = client()) {
            for (int i = 0; i < 20; i++) {
                assertThat(client.get("a.example.com", "/still").body()).isEqualTo("a /still");
            }
            assertThat(client.get("unknown.example.com", "/").status()).isEqualTo(404);
        }
        assertThat(Admin.get(proxy.adminPort(), "/ready").statusCode()).isEqualTo(200);
    }
}
