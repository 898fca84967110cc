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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 4, "the control plane gone for minutes changes nothing for traffic". The control plane
 * goes away twice over: first its port refuses connections, then something on the port accepts and
 * hangs up at once (a control plane that crashes on every stream). Meanwhile paced keep-alive
 * traffic is served from the last good configuration, /ready stays 200, and the proxy keeps
 * retrying on its own backoff (counted on the port: many cycles, not gRPC's slower channel backoff).
 * Then a new server instance on the same port, with a changed configuration, gets the proxy
 * resynced: the change applies and every type is ACKed at the new server's versions.
 *
 * <p>Each phase lasts {@code -Dweft.outage.seconds} (60 by default: the control plane is gone for
 * two minutes, as issue 4 asks, at about 100 s of the suite's time); the backoff is bounded (the
 * delay never grows past {@code xds.reconnect.max}) and nothing in the proxy expires its last
 * configuration, so longer outages behave the same. {@code -Dweft.outage.seconds=10} for a quick run.
 */
class ControlPlaneOutageTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NODE_ID = "router~127.0.0.1~outage-1.weft-system~weft-system.svc.cluster.local";
    private static final Duration PHASE = Duration.ofSeconds(Long.getLong("weft.outage.seconds", 60));

    private final HttpBackend a = new HttpBackend("a");
    private final HttpBackend b = new HttpBackend("b");
    private final MutableSource source = new MutableSource();
    private RestartableXds xds;
    private Proxy proxy;

    @BeforeEach
    void start() throws IOException {
        source.put(CLUSTER, "a", Envoy.edsCluster("a"))
                .put(CLUSTER, "b", Envoy.edsCluster("b"))
                .put(ENDPOINT, "a", Envoy.endpoints("a", a.port()))
                .put(ENDPOINT, "b", Envoy.endpoints("b", b.port()))
                .put(ROUTE, "routes", routes("a"))
                .put(LISTENER, "ingress", Envoy.httpListener("ingress", 0, "routes"));
        // Backoff 100 ms doubling up to 400 ms: many reconnect cycles within a phase.
        xds = new RestartableXds(source, NODE_ID, options -> options,
                bootstrap -> bootstrap.withReconnect(Duration.ofMillis(100), Duration.ofMillis(400)));
        proxy = xds.proxy;
    }

    @AfterEach
    void stop() {
        if (xds != null) {
            xds.close();
        }
        a.close();
        b.close();
    }

    private static Any routes(String cluster) {
        return Any.pack(RouteConfiguration.newBuilder().setName("routes")
                .addVirtualHosts(Envoy.virtualHost("app", "app.example.com").addRoutes(Envoy.toCluster("/", cluster)))
                .build());
    }

    /** Keeps checking /ready and the load for {@code phase}; fails at the first 503 or failed request. */
    private void holdFor(Duration phase, SteadyLoad load) throws InterruptedException {
        long end = System.nanoTime() + phase.toNanos();
        while (System.nanoTime() < end) {
            assertThat(Admin.get(proxy.adminPort(), "/ready").statusCode()).isEqualTo(200);
            assertThat(load.failures).isEmpty();
            Thread.sleep(250);
        }
    }

    @Test
    void trafficAndReadinessOutliveTheControlPlaneAndANewServerResyncsTheProxy() throws Exception {
        InetSocketAddress ingress = proxy.listenerAddress("ingress").orElseThrow();
        long maxRequests = 3 * PHASE.toSeconds() * 2 * 200 + 10_000;
        try (SteadyLoad load = new SteadyLoad(ingress, 2, (int) Math.min(Integer.MAX_VALUE, maxRequests),
                PHASE.multipliedBy(3).plusSeconds(120), Duration.ofMillis(5), n -> "app.example.com")) {
            Await.until("load running", WAIT, () -> load.ok.sum() > 50);

            // 1. Gone: the port refuses connections.
            xds.stopServer();
            holdFor(PHASE, load);

            // 2. Broken: every connection is accepted and closed at once; count the proxy's attempts.
            AtomicInteger attempts = new AtomicInteger();
            try (ServerSocket broken = new ServerSocket()) {
                broken.setReuseAddress(true);
                broken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), xds.port));
                Thread acceptor = Thread.ofPlatform().daemon().start(() -> {
                    while (!broken.isClosed()) {
                        try (Socket socket = broken.accept()) {
                            attempts.incrementAndGet();
                        } catch (IOException e) {
                            return;
                        }
                    }
                });
                holdFor(PHASE, load);
                broken.close();
                acceptor.join(5_000);
            }
            System.out.println("control plane outage: " + attempts.get() + " reconnect attempts in " + PHASE
                    + " (broken phase), " + load.ok.sum() + " requests answered so far, " + load.failures.size()
                    + " failed");
            // The backoff is capped at 400 ms (with jitter down to half of it): a phase of 10 s
            // allows ~25+ attempts; gRPC's own channel backoff (1 s growing 1.6x) would allow ~5.
            assertThat(attempts.get()).as("reconnect attempts in %s", PHASE)
                    .isGreaterThanOrEqualTo((int) (PHASE.toMillis() / 1_000));
            assertThat(load.failures).isEmpty();
            assertThat(load.answeredBy("b")).isZero();

            // 3. Back: a new server on the same port, with app.example.com moved to b.
            source.put(ROUTE, "routes", routes("b"));
            xds.startServer();
            Await.until("reconnected", WAIT, xds::connected);
            Await.until("every type ACKed at the new server's versions", WAIT, () -> XdsSync.allSynced(xds.server(), NODE_ID));
            Await.until("traffic on the new route", WAIT, () -> load.answeredBy("b") > 50);
            holdFor(Duration.ofSeconds(1), load);
            load.stop();
            assertThat(load.failures).isEmpty();
            assertThat(load.answeredBy("a")).isPositive();
        }
        assertThat(Admin.get(proxy.adminPort(), "/ready").statusCode()).isEqualTo(200);
    }
}
