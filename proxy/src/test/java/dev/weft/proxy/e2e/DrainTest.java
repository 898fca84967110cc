package dev.weft.proxy.e2e;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static dev.weft.controlplane.xds.ResourceType.ENDPOINT;
import static dev.weft.controlplane.xds.ResourceType.LISTENER;
import static dev.weft.controlplane.xds.ResourceType.ROUTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import dev.weft.controlplane.xds.server.XdsServer;
import dev.weft.controlplane.xds.server.XdsServerOptions;
import dev.weft.proxy.ProxyMain;
import dev.weft.proxy.config.ProxyLimits;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Graceful drain: a real {@code weft proxy} process gets SIGTERM while a request is in flight and a
 * keep-alive connection is idle; and the admin's /drain_listeners on an in-process proxy.
 */
class DrainTest {

    private static final Duration WAIT = HardenedProxy.WAIT;
    private static final byte[] SLOW = "GET /slow HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GET = "GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void sigtermFinishesTheInFlightRequestWithConnectionCloseClosesIdleConnectionsAndExitsZero(
            @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path log = dir.resolve("proxy.log");
        try (RecordingBackend backend = new RecordingBackend()) {
            int xdsPort = HardenedProxy.freePort();
            MutableSource source = new MutableSource()
                    .put(CLUSTER, "backend", Envoy.edsCluster("backend"))
                    .put(ENDPOINT, "backend", Envoy.endpoints("backend", backend.port()))
                    .put(LISTENER, "edge", Envoy.httpListener("edge", 0, "r"))
                    .put(ROUTE, "r", Any.pack(RouteConfiguration.newBuilder().setName("r")
                            .addVirtualHosts(Envoy.virtualHost("all", "*").addRoutes(Envoy.toCluster("/", "backend")))
                            .build()));
            XdsServer xds = new XdsServer(source, XdsServerOptions.defaults().withAddress("127.0.0.1", xdsPort)
                    .withDebounce(Duration.ZERO, Duration.ZERO)).start();
            String java = ProcessHandle.current().info().command().orElse(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString());
            Process process = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                    "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"),
                    ProxyMain.class.getName(), "--node-id", "router~127.0.0.1~drain.weft-system~weft-system.svc.cluster.local",
                    "--xds", "127.0.0.1:" + xdsPort, "--admin", "127.0.0.1:0", "--drain-time-s", "20")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                // The process's output goes to a file (reading a pipe races with the exit).
                java.util.function.Supplier<String> output = () -> {
                    try {
                        return Files.readString(log);
                    } catch (IOException e) {
                        return "";
                    }
                };
                Pattern bannerPattern = Pattern.compile("admin 127\\.0\\.0\\.1:(\\d+)");
                Await.until("the banner", WAIT, () -> bannerPattern.matcher(output.get()).find());
                Matcher admin = bannerPattern.matcher(output.get());
                assertThat(admin.find()).isTrue();
                int adminPort = Integer.parseInt(admin.group(1));
                Await.until("/ready", WAIT, () -> Admin.get(adminPort, "/ready").statusCode() == 200);
                String listeners = Admin.get(adminPort, "/listeners").body();
                int port = Integer.parseInt(listeners.strip().substring(listeners.strip().lastIndexOf(':') + 1));
                InetSocketAddress edge = new InetSocketAddress("127.0.0.1", port);

                try (Socket idle = new Socket(); Socket inFlight = new Socket()) {
                    idle.connect(edge, 5_000);
                    idle.setSoTimeout(60_000);
                    idle.getOutputStream().write(GET);
                    String first = readResponse(idle);
                    assertThat(first).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("connection: close");

                    inFlight.connect(edge, 5_000);
                    inFlight.setSoTimeout(60_000);
                    inFlight.getOutputStream().write(SLOW);
                    Await.until("the slow request reached the backend", WAIT,
                            () -> backend.requests.stream().anyMatch(r -> r.startsWith("GET /slow")));

                    process.destroy(); // SIGTERM

                    // The idle keep-alive connection is closed at once; the in-flight request completes.
                    assertThat(idle.getInputStream().read()).isEqualTo(-1);
                    String answer = readResponse(inFlight);
                    assertThat(answer).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close").endsWith("ok");
                    assertThat(inFlight.getInputStream().read()).isEqualTo(-1);
                }
                assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the proxy exits").isTrue();
                assertThat(process.exitValue()).isZero();
                Await.until("the last words", WAIT, () -> output.get().contains("drained, exiting"));
                assertThat(output.get()).contains("draining").contains("drained, exiting").doesNotContain("Exception");
                assertThatThrownBy(() -> new Socket().connect(edge, 2_000)).isInstanceOf(ConnectException.class);
            } finally {
                process.destroyForcibly();
                xds.stop();
            }
        }
    }

    @Test
    void drainListenersFromTheAdminGracefulKeepsAcceptingUntilTheDrainTimeInboundOnlySparesOutbound()
            throws Exception {
        try (HardenedProxy edge = new HardenedProxy(ProxyLimits.DEFAULTS.withDrainTime(Duration.ofSeconds(3)),
                hcm -> hcm)) {
            int admin = edge.proxy.adminPort();
            // "edge" has no traffic direction: ?inboundonly leaves it alone.
            assertThat(post(admin, "/drain_listeners?inboundonly").statusCode()).isEqualTo(200);
            try (Socket socket = new Socket()) {
                socket.connect(edge.address(), 5_000);
                socket.setSoTimeout(30_000);
                socket.getOutputStream().write(GET);
                assertThat(readResponse(socket)).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("connection:");
            }

            assertThat(post(admin, "/drain_listeners?graceful").statusCode()).isEqualTo(200);
            // During the drain time: still accepted, but told to close.
            RawExchange.Result during = RawExchange.send(edge.address(), GET, 30_000);
            assertThat(during.statuses()).containsExactly(200);
            assertThat(during.responses().getFirst().headers().get("connection")).isEqualTo("close");
            assertThat(during.closed()).isTrue();
            // After it: the listener is closed.
            Await.until("listener closed after the drain time", WAIT, () -> {
                try (Socket socket = new Socket()) {
                    socket.connect(edge.address(), 1_000);
                    return false;
                } catch (IOException e) {
                    return true;
                }
            });
            assertThat(Admin.get(admin, "/stats").body()).contains("listener_manager.listener_drained: 2");
            assertThat(post(admin, "/stats").statusCode()).isEqualTo(405);
        }
    }

    @Test
    void statsPrometheusUsesEnvoysNamesAndTags() throws Exception {
        try (HardenedProxy edge = new HardenedProxy(ProxyLimits.DEFAULTS, hcm -> hcm)) {
            assertThat(RawExchange.send(edge.address(), "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII), 30_000).statuses()).containsExactly(200);
            HttpResponse<String> prometheus = Admin.get(edge.proxy.adminPort(), "/stats/prometheus");
            assertThat(prometheus.statusCode()).isEqualTo(200);
            String address = edge.address().getAddress().getHostAddress() + "_" + edge.address().getPort();
            assertThat(prometheus.body().lines().toList()).contains(
                    "# TYPE envoy_cluster_upstream_rq_total counter",
                    "envoy_cluster_upstream_rq_total{envoy_cluster_name=\"backend\"} 1",
                    "# TYPE envoy_http_downstream_rq_xx counter",
                    "envoy_http_downstream_rq_xx{envoy_response_code_class=\"2\",envoy_http_conn_manager_prefix=\"edge\"} 1",
                    "envoy_listener_downstream_cx_total{envoy_listener_address=\"" + address + "\"} 1",
                    "# TYPE envoy_server_total_connections gauge",
                    "# TYPE envoy_control_plane_connected_state gauge",
                    "envoy_control_plane_connected_state 1");
        }
    }

    private static String readResponse(Socket socket) throws IOException {
        RawExchange.Result result = RawExchange.readOne(socket.getInputStream());
        RawExchange.Response response = result.responses().getFirst();
        StringBuilder text = new StringBuilder("HTTP/1.1 " + response.status() + "\r\n");
        response.headers().forEach((name, value) -> text.append(name).append(": ").append(value).append("\r\n"));
        return text.append("\r\n").append(response.body()).toString();
    }

    private static HttpResponse<String> post(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

}
