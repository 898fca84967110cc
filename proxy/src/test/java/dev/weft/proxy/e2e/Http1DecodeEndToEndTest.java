package dev.weft.proxy.e2e;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static dev.weft.controlplane.xds.ResourceType.ENDPOINT;
import static dev.weft.controlplane.xds.ResourceType.LISTENER;
import static dev.weft.controlplane.xds.ResourceType.ROUTE;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import dev.weft.controlplane.xds.server.XdsServer;
import dev.weft.controlplane.xds.server.XdsServerOptions;
import dev.weft.proxy.Proxy;
import dev.weft.proxy.bootstrap.Bootstrap;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the HTTP/1.1 decode path owes a client beyond parsing (the request decoder is the proxy's
 * own scanner, its responses go through an encoder it tells each request's method), through a real
 * proxy fed by a real xDS server: {@code Expect: 100-continue} is answered before the body is sent,
 * and the answer to a HEAD has no body even when a pipelined GET's answer follows it on the connection.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Http1DecodeEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final HttpBackend backend = new HttpBackend("backend");
    private final MutableSource source = new MutableSource();
    private XdsServer server;
    private Proxy proxy;

    @BeforeAll
    void start() throws IOException {
        int xdsPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            xdsPort = socket.getLocalPort();
        }
        RouteConfiguration routes = RouteConfiguration.newBuilder().setName("routes")
                .addVirtualHosts(Envoy.virtualHost("backend", "*")
                        // A local reply, which carries a body the encoder must leave out for a HEAD.
                        .addRoutes(Envoy.faulty("backend", 503).toBuilder()
                                .setMatch(io.envoyproxy.envoy.config.route.v3.RouteMatch.newBuilder().setPrefix("/fault")))
                        .addRoutes(Envoy.toCluster("/", "backend")))
                .build();
        source.put(CLUSTER, "backend", Envoy.edsCluster("backend"))
                .put(ENDPOINT, "backend", Envoy.endpoints("backend", backend.port()))
                .put(LISTENER, "http", Envoy.httpListener("http", 0, "routes"))
                .put(ROUTE, "routes", Any.pack(routes));
        server = new XdsServer(source, XdsServerOptions.defaults().withAddress("127.0.0.1", xdsPort)
                .withDebounce(Duration.ZERO, Duration.ZERO)).start();
        proxy = Proxy.start(Bootstrap.of("sidecar~127.0.0.1~app-1.default~default.svc.cluster.local", "127.0.0.1", xdsPort)
                .withAdminPort(0), 1, Duration.ofSeconds(1));
        Await.until("/ready 200", WAIT, () -> Admin.get(proxy.adminPort(), "/ready").statusCode() == 200);
    }

    @AfterAll
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.stop();
        }
        backend.close();
    }

    private Socket connect() throws IOException {
        InetSocketAddress at = proxy.listenerAddress("http").orElseThrow();
        Socket socket = new Socket(at.getAddress(), at.getPort());
        socket.setSoTimeout((int) WAIT.toMillis());
        return socket;
    }

    /** Reads until {@code text} has arrived (bounded by the socket timeout); returns all read. */
    private static String readUntil(InputStream in, String text) throws IOException {
        StringBuilder read = new StringBuilder();
        while (read.indexOf(text) < 0) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            read.append((char) b);
        }
        return read.toString();
    }

    @Test
    void expect100ContinueIsAnsweredBeforeTheBodyIsSentAndNotForwarded() throws IOException {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: backend\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // The client waits for the interim answer before it sends the body (curl's way, bounded).
            String interim = readUntil(in, "\r\n\r\n");
            assertThat(interim).startsWith("HTTP/1.1 100 Continue\r\n");
            out.write("hello".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readUntil(in, "backend /upload");
            assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n").endsWith("backend /upload");
        }
    }

    @Test
    void theAnswersToHeadsHaveNoBodyAndThePipelinedGetBehindThemGetsItsOwn() throws IOException {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(("HEAD /fault HTTP/1.1\r\nHost: backend\r\n\r\nHEAD /head HTTP/1.1\r\nHost: backend\r\n\r\n"
                    + "GET /get HTTP/1.1\r\nHost: backend\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String all = readUntil(socket.getInputStream(), "backend /get");
            assertThat(all).startsWith("HTTP/1.1 503 Service Unavailable\r\n").endsWith("backend /get")
                    .doesNotContain("fault filter abort").doesNotContain("backend /head");
            // Each HEAD answer is a head only: the next status line follows its blank line at once.
            int second = all.indexOf("HTTP/1.1 200 OK\r\n");
            assertThat(all.indexOf("\r\n\r\n") + 4).isEqualTo(second);
            int third = all.indexOf("HTTP/1.1 200 OK\r\n", second + 1);
            assertThat(all.indexOf("\r\n\r\n", second) + 4).isEqualTo(third);
        }
    }
}
