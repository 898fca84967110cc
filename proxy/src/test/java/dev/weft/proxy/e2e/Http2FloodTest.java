package dev.weft.proxy.e2e;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static dev.weft.controlplane.xds.ResourceType.ENDPOINT;
import static dev.weft.controlplane.xds.ResourceType.LISTENER;
import static dev.weft.controlplane.xds.ResourceType.ROUTE;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import dev.weft.proxy.Proxy;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * HTTP/2 abuse against the real proxy: each flood ends in GOAWAY (or a closed connection), is
 * counted in the stats, reaches no backend, and the next client is served as usual.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Http2FloodTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NODE_ID = "router~127.0.0.1~flood.weft-system~weft-system.svc.cluster.local";
    /** Bound of every flood loop (frames); each stops as soon as the proxy closes the connection. */
    private static final int MAX_FRAMES = 20_000;

    private final HttpBackend backend = new HttpBackend("a");
    private final MutableSource source = new MutableSource();
    private ProxyUnderTest under;
    private Proxy proxy;
    private int backendRequestsBefore;

    @BeforeAll
    void start() throws IOException {
        source.put(CLUSTER, "a", Envoy.edsCluster("a"))
                .put(ENDPOINT, "a", Envoy.endpoints("a", backend.port()))
                .put(LISTENER, "ingress", Envoy.httpListener("ingress", 0, "routes"))
                .put(ROUTE, "routes", Any.pack(RouteConfiguration.newBuilder().setName("routes")
                        .addVirtualHosts(Envoy.virtualHost("a", "a.example.com").addRoutes(Envoy.toCluster("/", "a")))
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
    }

    @BeforeEach
    void countBackend() {
        backendRequestsBefore = backend.requests.get();
    }

    /** Nothing of a flood reached the backend, and a well-behaved client is served next. */
    @AfterEach
    void proxyStillServes() throws Exception {
        assertThat(backend.requests.get()).isEqualTo(backendRequestsBefore);
        try (HostileHttp2Client client = client()) {
            client.run(c -> client.headers(c, 1, HostileHttp2Client.get("a.example.com", "/after"), true));
            assertThat(client.await(event -> event.startsWith("HEADERS 1"), WAIT)).isEqualTo("HEADERS 1 200");
        }
    }

    private HostileHttp2Client client() throws InterruptedException {
        InetSocketAddress address = proxy.listenerAddress("ingress").orElseThrow();
        return new HostileHttp2Client(address);
    }

    private long stat(String name) {
        return proxy.stats().get(name);
    }

    /** Sends {@code perBatch} frames at a time until the proxy closes the connection or MAX_FRAMES. */
    private static void flood(HostileHttp2Client client, int perBatch, Batch batch) throws InterruptedException {
        for (int sent = 0; sent < MAX_FRAMES && client.open(); sent += perBatch) {
            int first = sent;
            client.run(c -> batch.write(c, first));
        }
    }

    @FunctionalInterface
    private interface Batch {
        void write(io.netty.channel.ChannelHandlerContext c, int firstIndex);
    }

    @Test
    void rapidResetGetsGoAway() throws Exception {
        long before = stat("http2.too_many_premature_resets");
        try (HostileHttp2Client client = client()) {
            // CVE-2023-44487: open a stream and cancel it at once, over and over.
            flood(client, 50, (c, first) -> {
                for (int i = first; i < first + 50; i++) {
                    int stream = 2 * i + 1;
                    client.headers(c, stream, HostileHttp2Client.get("a.example.com", "/reset"), false);
                    client.rst(c, stream);
                }
            });
            assertThat(client.awaitGoAwayOrClose(WAIT)).isIn("GOAWAY " + HostileHttp2Client.ENHANCE_YOUR_CALM, "CLOSED");
        }
        Await.until("counted", WAIT, () -> stat("http2.too_many_premature_resets") > before);
    }

    @Test
    void settingsFloodGetsGoAway() throws Exception {
        long before = stat("http2.inbound_control_flood");
        try (HostileHttp2Client client = client()) {
            flood(client, 500, (c, first) -> {
                for (int i = 0; i < 500; i++) {
                    client.settings(c);
                }
            });
            assertThat(client.awaitGoAwayOrClose(WAIT)).isIn("GOAWAY " + HostileHttp2Client.ENHANCE_YOUR_CALM, "CLOSED");
        }
        Await.until("counted", WAIT, () -> stat("http2.inbound_control_flood") > before);
    }

    @Test
    void pingFloodGetsGoAway() throws Exception {
        long before = stat("http2.inbound_control_flood");
        try (HostileHttp2Client client = client()) {
            flood(client, 500, (c, first) -> {
                for (int i = first; i < first + 500; i++) {
                    client.ping(c, i);
                }
            });
            assertThat(client.awaitGoAwayOrClose(WAIT)).isIn("GOAWAY " + HostileHttp2Client.ENHANCE_YOUR_CALM, "CLOSED");
        }
        Await.until("counted", WAIT, () -> stat("http2.inbound_control_flood") > before);
    }

    @Test
    void emptyDataFramesFloodGetsGoAway() throws Exception {
        long before = stat("http2.inbound_empty_frames_flood");
        try (HostileHttp2Client client = client()) {
            client.run(c -> client.headers(c, 1, HostileHttp2Client.get("a.example.com", "/empty"), false));
            flood(client, 100, (c, first) -> {
                for (int i = 0; i < 100; i++) {
                    client.emptyData(c, 1);
                }
            });
            assertThat(client.awaitGoAwayOrClose(WAIT)).isIn("GOAWAY " + HostileHttp2Client.ENHANCE_YOUR_CALM, "CLOSED");
        }
        Await.until("counted", WAIT, () -> stat("http2.inbound_empty_frames_flood") > before);
    }

    @Test
    void continuationFloodGetsGoAway() throws Exception {
        long before = stat("http2.too_many_header_frames");
        try (HostileHttp2Client client = client()) {
            // HEADERS without END_HEADERS, then empty CONTINUATION frames that never end the block.
            client.run(c -> client.raw(c, (byte) 0x1, 1, 0, Unpooled.EMPTY_BUFFER));
            flood(client, 100, (c, first) -> {
                for (int i = 0; i < 100; i++) {
                    client.raw(c, (byte) 0x9, 1, 0, Unpooled.EMPTY_BUFFER);
                }
            });
            assertThat(client.awaitGoAwayOrClose(WAIT)).isIn("GOAWAY " + HostileHttp2Client.ENHANCE_YOUR_CALM,
                    "GOAWAY 1" /* PROTOCOL_ERROR */, "CLOSED");
        }
        Await.until("counted", WAIT, () -> stat("http2.too_many_header_frames") > before);
    }

    @Test
    void streamsBeyondMaxConcurrentStreamsAreRefused() throws Exception {
        try (HostileHttp2Client client = client()) {
            // 128 streams held open (no END_STREAM), then one more.
            client.run(c -> {
                for (int i = 0; i <= 128; i++) {
                    client.headers(c, 2 * i + 1, HostileHttp2Client.get("a.example.com", "/held"), false);
                }
            });
            String refused = client.await(event -> event.startsWith("RST") || event.startsWith("GOAWAY"), WAIT);
            assertThat(refused).isEqualTo("RST 257 " + HostileHttp2Client.REFUSED_STREAM);
        }
    }

    @Test
    void anOversizedHeaderListGets431() throws Exception {
        try (HostileHttp2Client client = client()) {
            // 70 KiB of headers: over max_request_headers_kb (60), under the GOAWAY threshold (75).
            var headers = HostileHttp2Client.get("a.example.com", "/big").add("x-big", "x".repeat(70 * 1024));
            client.run(c -> client.headers(c, 1, headers, true));
            String answer = client.await(event -> event.startsWith("HEADERS 1") || event.startsWith("RST 1")
                    || event.startsWith("GOAWAY"), WAIT);
            assertThat(answer).isEqualTo("HEADERS 1 431");
        }
    }
}
