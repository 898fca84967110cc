package dev.weft.proxy.e2e;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static dev.weft.controlplane.xds.ResourceType.ENDPOINT;
import static dev.weft.controlplane.xds.ResourceType.LISTENER;
import static dev.weft.controlplane.xds.ResourceType.ROUTE;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.weft.controlplane.xds.server.XdsServer;
import dev.weft.controlplane.xds.server.XdsServerOptions;
import dev.weft.proxy.Proxy;
import dev.weft.proxy.bootstrap.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 4, "a config swap under load drops nothing": keep-alive clients send requests back to back
 * through the proxy while the real xDS server pushes, over and over, a route change (a host moves
 * between two reachable clusters), an endpoint change (a cluster's only endpoint moves to another
 * backend), a cluster change (its load balancer), and a listener update on the same address (its
 * HTTP connection manager switches to another route configuration, which must warm first). Each push
 * is ACKed before the next. Every request gets a 200: no reset, no 503 NR/UH/UF/UC.
 */
class ConfigSwapUnderLoadTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NODE_ID = "router~127.0.0.1~swap-1.weft-system~weft-system.svc.cluster.local";
    private static final int CYCLES = 6;

    private final HttpBackend a = new HttpBackend("a");
    private final HttpBackend b = new HttpBackend("b");
    private final HttpBackend c = new HttpBackend("c");
    private final ScriptedBackend slow = ScriptedBackend.always("slow", 200);
    private final MutableSource source = new MutableSource();
    private XdsServer server;
    private Proxy proxy;

    @BeforeEach
    void start() throws IOException {
        source.put(CLUSTER, "a", Envoy.edsCluster("a"))
                .put(CLUSTER, "b", Envoy.edsCluster("b"))
                .put(CLUSTER, "svc", svcCluster(Cluster.LbPolicy.ROUND_ROBIN))
                .put(CLUSTER, "slow", Envoy.edsCluster("slow"))
                .put(ENDPOINT, "a", Envoy.endpoints("a", a.port()))
                .put(ENDPOINT, "b", Envoy.endpoints("b", b.port()))
                .put(ENDPOINT, "svc", Envoy.endpoints("svc", a.port()))
                .put(ENDPOINT, "slow", Envoy.endpoints("slow", slow.port()))
                .put(ROUTE, "routes", routes("routes", "a"))
                .put(ROUTE, "routes-alt", routes("routes-alt", "a"))
                .put(LISTENER, "ingress", Envoy.httpListener("ingress", 0, "routes"));
        server = new XdsServer(source, XdsServerOptions.defaults().withAddress("127.0.0.1", 0)
                .withDebounce(Duration.ZERO, Duration.ZERO)).start();
        proxy = Proxy.start(Bootstrap.of(NODE_ID, "127.0.0.1", server.port()).withAdminPort(0)
                .withReconnect(Duration.ofMillis(100), Duration.ofMillis(500)), 2, Duration.ofSeconds(1));
        Await.until("proxy ready", WAIT, proxy::ready);
        Await.until("all types ACKed", WAIT, () -> XdsSync.allSynced(server, NODE_ID));
    }

    @AfterEach
    void stop() {
        proxy.close();
        server.stop();
        for (AutoCloseable backend : List.<AutoCloseable>of(a, b, c, slow)) {
            try {
                backend.close();
            } catch (Exception ignored) {
                // closing
            }
        }
    }

    private static Any routes(String name, String moveTo) {
        return Any.pack(RouteConfiguration.newBuilder().setName(name)
                .addVirtualHosts(Envoy.virtualHost("move", "move.example.com")
                        .addRoutes(Envoy.toCluster("/", moveTo)))
                .addVirtualHosts(Envoy.virtualHost("svc", "svc.example.com")
                        .addRoutes(Envoy.toCluster("/", "svc")))
                .addVirtualHosts(Envoy.virtualHost("slow", "slow.example.com")
                        .addRoutes(Envoy.toCluster("/", "slow")))
                .build());
    }

    private static Any svcCluster(Cluster.LbPolicy policy) {
        try {
            return Any.pack(Envoy.edsCluster("svc").unpack(Cluster.class).toBuilder().setLbPolicy(policy).build());
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    private InetSocketAddress ingress() {
        return proxy.listenerAddress("ingress").orElseThrow();
    }

    private void push(dev.weft.controlplane.xds.ResourceType type) {
        XdsSync.pushAndAwaitAck(server, NODE_ID, type, WAIT);
    }

    @Test
    void routeClusterEndpointAndListenerSwapsUnderLoadDropNothing() throws Exception {
        InetSocketAddress address = ingress();
        // 3 keep-alive clients, 1 ms apart per client (a steady load that leaves the loaded
        // machine room to push); the bounds are hang guards, far above what the pushes take.
        try (SteadyLoad load = new SteadyLoad(address, 3, 200_000, Duration.ofSeconds(120), Duration.ofMillis(1),
                n -> n % 2 == 0 ? "move.example.com" : "svc.example.com")) {
            Await.until("load running", WAIT, () -> load.ok.sum() > 200);
            for (int cycle = 1; cycle <= CYCLES; cycle++) {
                boolean odd = cycle % 2 == 1;
                // A route change: move.example.com to the other cluster (both reachable).
                source.put(ROUTE, "routes", routes("routes", odd ? "b" : "a"))
                        .put(ROUTE, "routes-alt", routes("routes-alt", odd ? "b" : "a"));
                push(ROUTE);
                pause(load);
                // An endpoint change: svc's only endpoint moves to another backend.
                source.put(ENDPOINT, "svc", Envoy.endpoints("svc", odd ? c.port() : a.port()));
                push(ENDPOINT);
                pause(load);
                // A cluster change: svc's load balancer.
                source.put(CLUSTER, "svc", svcCluster(odd ? Cluster.LbPolicy.LEAST_REQUEST : Cluster.LbPolicy.ROUND_ROBIN));
                push(CLUSTER);
                pause(load);
                // A listener update on the same address: another route configuration (warms first).
                source.put(LISTENER, "ingress", Envoy.httpListener("ingress", 0, odd ? "routes-alt" : "routes"));
                push(LISTENER);
                Await.until("the new listener's routes ACKed", WAIT, () -> XdsSync.allSynced(server, NODE_ID));
                pause(load);
                assertThat(ingress()).isEqualTo(address);
            }
            // The load ran through every push (it stops only when told, or at its hang guards).
            assertThat(load.finished()).isFalse();
            load.stop();
            System.out.println("config swaps under load: " + load.ok.sum() + " requests answered 200 during "
                    + CYCLES * 4 + " pushes, " + load.failures.size() + " failed, " + load.reconnects.sum()
                    + " reconnects");
            assertThat(load.failures).isEmpty();
            assertThat(load.ok.sum()).isGreaterThan(200);
            // Traffic moved with the pushes: every backend answered.
            assertThat(load.answeredBy("a")).isPositive();
            assertThat(load.answeredBy("b")).isPositive();
            assertThat(load.answeredBy("c")).isPositive();
        }
        assertThat(proxy.stats().get("http.ingress.rs_flag.NR")).isZero();
        assertThat(proxy.stats().get("http.ingress.rs_flag.UH")).isZero();
        assertThat(proxy.stats().get("http.ingress.rs_flag.UF")).isZero();
        assertThat(proxy.stats().get("http.ingress.rs_flag.UC")).isZero();
    }

    /** Lets the load run on the new configuration for a moment (a count of responses, not a time). */
    private static void pause(SteadyLoad load) {
        long target = load.ok.sum() + 50;
        Await.until("50 more responses", WAIT, () -> load.ok.sum() >= target || !load.failures.isEmpty());
    }

    @Test
    void requestsInFlightDuringAListenerSwapComplete() throws Exception {
        slow.holdRequests();
        List<CompletableFuture<Http1Client.Response>> inFlight = new java.util.ArrayList<>();
        List<Http1Client> clients = new java.util.ArrayList<>();
        var senders = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            for (int i = 0; i < 3; i++) {
                Http1Client client = new Http1Client(ingress());
                clients.add(client);
                int n = i;
                inFlight.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return client.get("slow.example.com", "/held/" + n);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, senders));
            }
            Await.until("3 requests held at the backend", WAIT, () -> slow.requests() == 3);
            // Two listener updates while they wait: to the other route configuration and back.
            source.put(LISTENER, "ingress", Envoy.httpListener("ingress", 0, "routes-alt"));
            push(LISTENER);
            Await.until("routes-alt ACKed", WAIT, () -> XdsSync.allSynced(server, NODE_ID));
            source.put(LISTENER, "ingress", Envoy.httpListener("ingress", 0, "routes"));
            push(LISTENER);
            slow.release();
            for (CompletableFuture<Http1Client.Response> request : inFlight) {
                Http1Client.Response response = request.get(30, TimeUnit.SECONDS);
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.body()).startsWith("slow /held/");
            }
            // The connections that carried them serve the next request too.
            for (Http1Client client : clients) {
                assertThat(client.get("move.example.com", "/after").status()).isEqualTo(200);
            }
        } finally {
            slow.release();
            senders.shutdownNow();
            for (Http1Client client : clients) {
                client.close();
            }
        }
    }
}
