package dev.weft.proxy.e2e;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static dev.weft.controlplane.xds.ResourceType.ENDPOINT;
import static dev.weft.controlplane.xds.ResourceType.LISTENER;
import static dev.weft.controlplane.xds.ResourceType.ROUTE;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.sun.net.httpserver.HttpServer;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 4, slow read: a client that asks for a large response and then reads nothing stalls its
 * stream (the proxy's buffer for it fills, so the proxy stops reading the upstream too); the
 * connection manager's stream_idle_timeout resets it, the connection is closed, the upstream
 * connection is given up, and a normal client is served meanwhile. slowhttptest's slow-read mode
 * ({@code LimitsAndTimeoutsTest}) cannot show this with responses small enough to sit in the kernel's
 * socket buffers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowReaderTest {

    private static final String NODE_ID = "router~127.0.0.1~slow-read.weft-system~weft-system.svc.cluster.local";
    private static final int LARGE = 32 * 1024 * 1024;

    private final ExecutorService threads = Executors.newFixedThreadPool(8);
    private final AtomicInteger largeDone = new AtomicInteger();
    private HttpServer backend;
    private ProxyUnderTest under;

    @BeforeAll
    void start() throws IOException {
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        backend.setExecutor(threads);
        backend.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            boolean large = exchange.getRequestURI().getPath().startsWith("/large");
            byte[] chunk = new byte[64 * 1024];
            try (OutputStream out = exchange.getResponseBody()) {
                if (large) {
                    exchange.sendResponseHeaders(200, LARGE);
                    for (int sent = 0; sent < LARGE; sent += chunk.length) {
                        out.write(chunk);
                    }
                } else {
                    byte[] ok = "ok".getBytes(StandardCharsets.US_ASCII);
                    exchange.sendResponseHeaders(200, ok.length);
                    out.write(ok);
                }
            } catch (IOException e) {
                // the proxy gave the stalled request up
            } finally {
                if (large) {
                    largeDone.incrementAndGet();
                }
            }
        });
        backend.start();
        MutableSource source = new MutableSource()
                .put(CLUSTER, "backend", Envoy.edsCluster("backend"))
                .put(ENDPOINT, "backend", Envoy.endpoints("backend", backend.getAddress().getPort()))
                .put(LISTENER, "ingress", Envoy.httpListener("ingress", 0, "routes", hcm -> hcm
                        .setStreamIdleTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(2))))
                .put(ROUTE, "routes", Any.pack(RouteConfiguration.newBuilder().setName("routes")
                        .addVirtualHosts(Envoy.virtualHost("all", "*").addRoutes(Envoy.toCluster("/", "backend")
                                .toBuilder().setRoute(Envoy.toCluster("/", "backend").getRoute().toBuilder()
                                        .setTimeout(com.google.protobuf.Duration.getDefaultInstance()))))
                        .build()));
        under = new ProxyUnderTest(source, NODE_ID);
    }

    @AfterAll
    void stop() {
        if (under != null) {
            under.close();
        }
        if (backend != null) {
            backend.stop(0);
        }
        threads.shutdownNow();
    }

    @Test
    void aClientThatStopsReadingIsClosedAfterTheStreamIdleTimeoutAndOthersAreServed() throws Exception {
        long idleBefore = under.stat("http.ingress.downstream_rq_idle_timeout");
        try (Socket reader = new Socket()) {
            reader.setReceiveBufferSize(4 * 1024);
            reader.connect(under.listener("ingress"), 5_000);
            reader.getOutputStream().write("GET /large HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            reader.getOutputStream().flush();
            // Nothing read: a normal client on another connection is served all the while.
            for (int i = 0; i < 5; i++) {
                RawExchange.Result normal = RawExchange.send(under.listener("ingress"),
                        "GET /ok HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                        20_000);
                assertThat(normal.statuses()).containsExactly(200);
                Thread.sleep(200);
            }
            Await.until("the stalled connection closed by the proxy", HardenedProxy.WAIT,
                    () -> under.proxy.downstreamConnections() == 0);
            assertThat(under.stat("http.ingress.downstream_rq_idle_timeout") - idleBefore).isEqualTo(1);
            // The upstream side was given up too: the backend's write failed or it finished into a
            // connection the proxy closed, rather than staying blocked.
            Await.until("the backend's large response ended", HardenedProxy.WAIT, () -> largeDone.get() == 1);
        }
    }
}
