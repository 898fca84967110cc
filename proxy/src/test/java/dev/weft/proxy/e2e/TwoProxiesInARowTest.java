package dev.weft.proxy.e2e;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static dev.weft.controlplane.xds.ResourceType.ENDPOINT;
import static dev.weft.controlplane.xds.ResourceType.LISTENER;
import static dev.weft.controlplane.xds.ResourceType.ROUTE;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import dev.weft.controlplane.xds.ProxyConfigSource;
import dev.weft.controlplane.xds.ProxyNode;
import dev.weft.controlplane.xds.ResourceType;
import dev.weft.controlplane.xds.server.XdsServer;
import dev.weft.controlplane.xds.server.XdsServerOptions;
import dev.weft.proxy.Proxy;
import dev.weft.proxy.bootstrap.Bootstrap;
import dev.weft.proxy.stats.ProxyStats;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two proxies in a row (client proxy -> server proxy -> backend), as a request crosses the mesh
 * from one sidecar to another. What must hold between two Weft proxies: keep-alive survives both
 * hops (neither side's headers make the other close), so a keep-alive client's requests open a
 * connection at each hop only as often as there are requests in flight at once, and no request
 * waits for a connection. Counted on real sockets (each proxy's connection counters and the ports
 * the backend saw), so the checks do not depend on timing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoProxiesInARowTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String CLIENT_NODE = "router~127.0.0.1~client.weft-system~weft-system.svc.cluster.local";
    private static final String SERVER_NODE = "router~127.0.0.1~server.weft-system~weft-system.svc.cluster.local";
    private static final int EVENT_LOOPS = 2;

    private final HttpBackend backend = new HttpBackend("backend");
    private final MutableSource clientConfig = new MutableSource();
    private final MutableSource serverConfig = new MutableSource();
    private XdsServer xds;
    private Proxy client;
    private Proxy server;
    private int clientPort;

    @BeforeAll
    void start() throws IOException {
        clientPort = freePort();
        int serverPort = freePort();
        serverConfig.put(CLUSTER, "backend", Envoy.edsCluster("backend"))
                .put(ENDPOINT, "backend", Envoy.endpoints("backend", backend.port()))
                .put(LISTENER, "ingress", Envoy.httpListener("ingress", serverPort, "routes"))
                .put(ROUTE, "routes", routesTo("backend"));
        clientConfig.put(CLUSTER, "server", Envoy.edsCluster("server"))
                .put(ENDPOINT, "server", Envoy.endpoints("server", serverPort))
                .put(LISTENER, "ingress", Envoy.httpListener("ingress", clientPort, "routes"))
                .put(ROUTE, "routes", routesTo("server"));
        ProxyConfigSource byNode = new ProxyConfigSource() {
            @Override
            public Map<String, Any> resources(ProxyNode proxy, ResourceType type) {
                return (proxy.id().equals(CLIENT_NODE) ? clientConfig : serverConfig).resources(proxy, type);
            }
        };
        int xdsPort = freePort();
        xds = new XdsServer(byNode, XdsServerOptions.defaults().withAddress("127.0.0.1", xdsPort)
                .withDebounce(Duration.ZERO, Duration.ZERO)).start();
        server = Proxy.start(Bootstrap.of(SERVER_NODE, "127.0.0.1", xdsPort).withAdminPort(0),
                EVENT_LOOPS, Duration.ofSeconds(1));
        client = Proxy.start(Bootstrap.of(CLIENT_NODE, "127.0.0.1", xdsPort).withAdminPort(0),
                EVENT_LOOPS, Duration.ofSeconds(1));
        Await.until("both proxies listening", WAIT, () -> server.listenerAddress("ingress").isPresent()
                && client.listenerAddress("ingress").isPresent());
    }

    @AfterAll
    void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {client, server}) {
            if (closeable != null) {
                try {
                    closeable.close();
                } catch (Exception ignored) {
                    // best effort
                }
            }
        }
        if (xds != null) {
            xds.stop();
        }
        backend.close();
    }

    @Test
    @Order(1)
    void sequentialKeepAliveRequestsReuseOneConnectionAtEachHop() throws IOException {
        backend.clientPorts.clear();
        Counts before = counts();
        int requests = 200;
        try (Http1Client downstream = new Http1Client(new InetSocketAddress("127.0.0.1", clientPort))) {
            for (int i = 0; i < requests; i++) {
                Http1Client.Response response = downstream.get("svc.example.com", "/seq/" + i);
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("backend /seq/" + i);
                assertThat(response.header("connection")).isNull();
            }
        }
        assertThat(backend.clientPorts).as("connections the backend saw").hasSize(1);
        Counts used = counts().minus(before);
        // One request at a time on one downstream connection: one connection at each hop.
        assertThat(used.clientToServer()).isEqualTo(1);
        assertThat(used.serverAccepted()).isEqualTo(1);
        assertThat(used.serverToBackend()).isEqualTo(1);
        assertThat(used.waitedForConnection()).isZero();
        assertThat(used.closed()).isZero();
    }

    @Test
    @Order(2)
    void concurrentKeepAliveClientsOpenNoMoreConnectionsThanRequestsInFlight() throws Exception {
        backend.clientPorts.clear();
        Counts before = counts();
        int clients = 8;
        int requestsEach = 100;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int id = c;
                done.add(pool.submit(() -> {
                    int ok = 0;
                    try (Http1Client downstream = new Http1Client(new InetSocketAddress("127.0.0.1", clientPort))) {
                        for (int i = 0; i < requestsEach; i++) {
                            Http1Client.Response response = downstream.get("svc.example.com", "/c" + id + "/" + i);
                            if (response.status() == 200 && response.body().equals("backend /c" + id + "/" + i)) {
                                ok++;
                            }
                        }
                    }
                    return ok;
                }));
            }
            for (Future<Integer> result : done) {
                assertThat(result.get()).isEqualTo(requestsEach);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(backend.clientPorts).as("connections the backend saw").hasSizeLessThanOrEqualTo(clients);
        Counts used = counts().minus(before);
        // At most `clients` requests are in flight at once, so no hop needs more connections than
        // that (the connection left idle by the first test may serve some). Connection
        // churn (a connection per request) would show as hundreds here.
        assertThat(used.clientToServer()).isLessThanOrEqualTo(clients);
        assertThat(used.serverAccepted()).isEqualTo(used.clientToServer());
        assertThat(used.serverToBackend()).isLessThanOrEqualTo(clients);
        assertThat(used.waitedForConnection()).isZero();
        assertThat(used.closed()).isZero();
    }

    /** Connection counters of both hops, read from the proxies' stats. */
    private record Counts(long clientToServer, long serverAccepted, long serverToBackend, long waitedForConnection,
            long closed) {
        Counts minus(Counts o) {
            return new Counts(clientToServer - o.clientToServer, serverAccepted - o.serverAccepted,
                    serverToBackend - o.serverToBackend, waitedForConnection - o.waitedForConnection, closed - o.closed);
        }
    }

    private Counts counts() {
        ProxyStats c = client.stats();
        ProxyStats s = server.stats();
        return new Counts(c.get("cluster.server.upstream_cx_total"), s.get("downstream_cx_total"),
                s.get("cluster.backend.upstream_cx_total"),
                c.get("cluster.server.upstream_rq_pending_total") + s.get("cluster.backend.upstream_rq_pending_total"),
                c.get("cluster.server.upstream_cx_destroy") + s.get("cluster.backend.upstream_cx_destroy"));
    }

    private static Any routesTo(String cluster) {
        return Any.pack(RouteConfiguration.newBuilder().setName("routes")
                .addVirtualHosts(Envoy.virtualHost("all", "*").addRoutes(Envoy.toCluster("/", cluster)))
                .build());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
