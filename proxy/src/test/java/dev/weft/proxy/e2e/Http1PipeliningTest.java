package dev.weft.proxy.e2e;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static dev.weft.controlplane.xds.ResourceType.ENDPOINT;
import static dev.weft.controlplane.xds.ResourceType.LISTENER;
import static dev.weft.controlplane.xds.ResourceType.ROUTE;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 4, "HTTP/1.1 (keep-alive, pipelining safe, chunked)": requests pipelined in one write on one
 * connection, to two upstreams of which the first is slow, with a Content-Length body and a chunked
 * body between them, are each forwarded once and answered in the order they were sent (RFC 9112
 * 9.3.2), the slow answer first although the others could have been ready before it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Http1PipeliningTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NODE_ID = "router~127.0.0.1~pipelining.weft-system~weft-system.svc.cluster.local";

    private final ScriptedBackend slow = ScriptedBackend.always("slow", 200);
    private final ScriptedBackend fast = ScriptedBackend.always("fast", 200);
    private ProxyUnderTest under;

    @BeforeAll
    void start() {
        MutableSource source = new MutableSource()
                .put(CLUSTER, "slow", Envoy.edsCluster("slow"))
                .put(CLUSTER, "fast", Envoy.edsCluster("fast"))
                .put(ENDPOINT, "slow", Envoy.endpoints("slow", slow.port()))
                .put(ENDPOINT, "fast", Envoy.endpoints("fast", fast.port()))
                .put(LISTENER, "ingress", Envoy.httpListener("ingress", 0, "routes"))
                .put(ROUTE, "routes", Any.pack(RouteConfiguration.newBuilder().setName("routes")
                        .addVirtualHosts(Envoy.virtualHost("slow", "slow.example.com").addRoutes(Envoy.toCluster("/", "slow")))
                        .addVirtualHosts(Envoy.virtualHost("fast", "fast.example.com").addRoutes(Envoy.toCluster("/", "fast")))
                        .build()));
        under = new ProxyUnderTest(source, NODE_ID);
    }

    @AfterAll
    void stop() {
        slow.release();
        if (under != null) {
            under.close();
        }
        slow.close();
        fast.close();
    }

    @Test
    void pipelinedRequestsAreEachForwardedOnceAndAnsweredInOrder() throws Exception {
        String lookalike = "GET /smuggled HTTP/1.1\r\n\r\n"; // a body that looks like a request: it stays a body
        String pipelined = "GET /first HTTP/1.1\r\nHost: slow.example.com\r\n\r\n"
                + "POST /second HTTP/1.1\r\nHost: fast.example.com\r\nContent-Length: " + lookalike.length() + "\r\n\r\n"
                + lookalike
                + "POST /third HTTP/1.1\r\nHost: fast.example.com\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n0\r\n\r\n"
                + "GET /fourth HTTP/1.1\r\nHost: fast.example.com\r\nConnection: close\r\n\r\n";
        slow.holdRequests();
        try (Socket socket = new Socket()) {
            socket.connect(under.listener("ingress"), 5_000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(pipelined.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            Await.until("the first request at the slow upstream", WAIT, () -> slow.requests() == 1);
            // Whatever the proxy does with the later requests meanwhile, their answers must wait.
            Thread.sleep(300);
            assertThat(socket.getInputStream().available()).as("bytes answered before the first response").isZero();
            slow.release();

            RawExchange.Result result = RawExchange.read(new BufferedInputStream(socket.getInputStream()));
            assertThat(result.responses()).extracting(RawExchange.Response::body)
                    .containsExactly("slow /first", "fast /second", "fast /third", "fast /fourth");
            assertThat(result.statuses()).containsExactly(200, 200, 200, 200);
            assertThat(result.closed()).isTrue();
        }
        assertThat(slow.requests()).isEqualTo(1);
        assertThat(fast.seen).extracting(ScriptedBackend.Seen::uri).containsExactly("/second", "/third", "/fourth");
        assertThat(fast.seen).extracting(ScriptedBackend.Seen::method).containsExactly("POST", "POST", "GET");
    }
}
