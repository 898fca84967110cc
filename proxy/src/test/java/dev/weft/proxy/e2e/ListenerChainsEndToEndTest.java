package dev.weft.proxy.e2e;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static dev.weft.controlplane.xds.ResourceType.LISTENER;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import dev.weft.controlplane.xds.server.XdsServer;
import dev.weft.controlplane.xds.server.XdsServerOptions;
import dev.weft.proxy.Proxy;
import dev.weft.proxy.bootstrap.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Listeners as Envoy has them, through the real proxy fed by a real xDS server, with real sockets
 * on 127.0.0.1: tcp_proxy (echo, half-close, backpressure, connect retries, weighted clusters, idle
 * timeout), one port sniffed by http_inspector and tls_inspector serving HTTP, TLS by SNI and raw
 * TCP from different chains, and a connection no chain matches.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListenerChainsEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NODE_ID = "sidecar~127.0.0.1~chains-1.default~default.svc.cluster.local";

    private final TcpEchoServer echo = new TcpEchoServer("echo");
    private final TcpEchoServer other = new TcpEchoServer("other");
    private final HttpBackend web = new HttpBackend("web");
    private WebSocketEchoServer websocket;
    private final MutableSource source = new MutableSource();
    private XdsServer server;
    private Proxy proxy;

    @BeforeAll
    void start() throws Exception {
        int xdsPort = freePort();
        int deadPort = freePort();
        TcpProxy idle = TcpProxy.newBuilder().setStatPrefix("idle").setCluster("echo")
                .setIdleTimeout(com.google.protobuf.Duration.newBuilder().setNanos(300_000_000)).build();
        TcpProxy retry = TcpProxy.newBuilder().setStatPrefix("retry").setCluster("half-dead")
                .setMaxConnectAttempts(UInt32Value.of(2)).build();
        TcpProxy weighted = TcpProxy.newBuilder().setStatPrefix("weighted")
                .setWeightedClusters(TcpProxy.WeightedCluster.newBuilder()
                        .addClusters(TcpProxy.WeightedCluster.ClusterWeight.newBuilder().setName("echo").setWeight(0))
                        .addClusters(TcpProxy.WeightedCluster.ClusterWeight.newBuilder().setName("other").setWeight(5)))
                .build();
        websocket = new WebSocketEchoServer("/ws");
        source.put(CLUSTER, "ws", Listeners.staticCluster("ws", "127.0.0.1", websocket.port()))
                .put(LISTENER, "ws", Any.pack(Listeners.listener("ws", "127.0.0.1", 0)
                        .addFilterChains(Listeners.httpChain("ws", "ws", true)).build()))
                .put(LISTENER, "no-upgrade", Any.pack(Listeners.listener("no-upgrade", "127.0.0.1", 0)
                        .addFilterChains(Listeners.httpChain("no-upgrade", "ws")).build()));
        source.put(CLUSTER, "echo", Listeners.staticCluster("echo", "127.0.0.1", echo.port()))
                .put(CLUSTER, "other", Listeners.staticCluster("other", "127.0.0.1", other.port()))
                .put(CLUSTER, "web", Listeners.staticCluster("web", "127.0.0.1", web.port()))
                .put(CLUSTER, "half-dead", Any.pack(Listeners.staticCluster("half-dead", "127.0.0.1", deadPort,
                        echo.port()).unpack(Cluster.class).toBuilder().setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN).build()))
                .put(LISTENER, "tcp", Any.pack(Listeners.listener("tcp", "127.0.0.1", 0)
                        .addFilterChains(Listeners.tcpProxyChain("tcp", "echo")).build()))
                .put(LISTENER, "idle", Any.pack(Listeners.listener("idle", "127.0.0.1", 0)
                        .addFilterChains(Listeners.tcpProxyChain("idle", idle)).build()))
                .put(LISTENER, "retry", Any.pack(Listeners.listener("retry", "127.0.0.1", 0)
                        .addFilterChains(Listeners.tcpProxyChain("retry", retry)).build()))
                .put(LISTENER, "weighted", Any.pack(Listeners.listener("weighted", "127.0.0.1", 0)
                        .addFilterChains(Listeners.tcpProxyChain("weighted", weighted)).build()))
                .put(LISTENER, "nochain", Any.pack(Listeners.listener("nochain", "127.0.0.1", 0)
                        .addFilterChains(Listeners.tcpProxyChain("port-1", "echo")
                                .setFilterChainMatch(Listeners.destinationPort(1))).build()))
                .put(LISTENER, "sniffed", Any.pack(Listeners.listener("sniffed", "127.0.0.1", 0)
                        .addListenerFilters(Listeners.tlsInspector())
                        .addListenerFilters(Listeners.httpInspector())
                        // As Istio pairs them: plain-text HTTP only (a TLS ClientHello may offer http/1.1 by ALPN).
                        .addFilterChains(Listeners.httpChain("http", "web").setFilterChainMatch(Listeners.match()
                                .setTransportProtocol("raw_buffer")
                                .addApplicationProtocols("http/1.0").addApplicationProtocols("http/1.1")))
                        .addFilterChains(Listeners.tcpProxyChain("tls-other", "other").setFilterChainMatch(
                                Listeners.match().setTransportProtocol("tls").addServerNames("*.other.example")))
                        .setDefaultFilterChain(Listeners.tcpProxyChain("raw", "echo"))
                        .build()));
        server = new XdsServer(source, XdsServerOptions.defaults().withAddress("127.0.0.1", xdsPort)
                .withDebounce(Duration.ZERO, Duration.ZERO)).start();
        Bootstrap bootstrap = Bootstrap.of(NODE_ID, "127.0.0.1", xdsPort).withAdminPort(0)
                .withReconnect(Duration.ofMillis(100), Duration.ofMillis(500));
        proxy = Proxy.start(bootstrap, 2, Duration.ofSeconds(1));
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
        echo.close();
        other.close();
        if (websocket != null) {
            websocket.close();
        }
        web.close();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private Socket connect(String listener) throws IOException {
        Socket socket = new Socket();
        socket.connect(proxy.listenerAddress(listener).orElseThrow(), 10_000);
        socket.setSoTimeout(30_000);
        return socket;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    @org.junit.jupiter.api.RepeatedTest(3)
    void tcpProxyEchoesBytesBothWaysWithBackpressureAndHalfClose() throws Exception {
        byte[] payload = new byte[4 * 1024 * 1024];
        new Random(7).nextBytes(payload);
        try (Socket socket = connect("tcp")) {
            InputStream in = socket.getInputStream();
            assertThat(readLine(in)).isEqualTo("echo");
            // The writer runs while the test reads nothing for a while: the proxy must stop reading
            // rather than buffer 4 MiB, and resume when the reader drains.
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    for (int offset = 0; offset < payload.length; offset += 64 * 1024) {
                        out.write(payload, offset, 64 * 1024);
                    }
                    out.flush();
                    socket.shutdownOutput();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Thread.sleep(300);
            byte[] received = in.readNBytes(payload.length + 1); // EOF: the echo's half-close came back
            writer.get(60, TimeUnit.SECONDS);
            assertThat(received.length).isEqualTo(payload.length);
            assertThat(Arrays.equals(received, payload)).isTrue();
        }
        Await.until("stats", WAIT, () -> proxy.stats().get("tcp.tcp.downstream_cx_rx_bytes_total") % payload.length == 0);
        assertThat(proxy.stats().get("tcp.tcp.downstream_cx_total")).isGreaterThanOrEqualTo(1);
        assertThat(proxy.stats().get("cluster.echo.upstream_cx_total")).isGreaterThanOrEqualTo(1);
        assertThat(proxy.stats().get("tcp.tcp.downstream_cx_tx_bytes_total") % (payload.length + 5)).isZero();
        assertThat(Admin.get(proxy.adminPort(), "/stats").body()).contains("cluster.echo.upstream_cx_rx_bytes_total");
    }

    @Test
    void oneSniffedPortServesHttpTlsAndRawTcpFromDifferentChains() throws Exception {
        InetSocketAddress sniffed = proxy.listenerAddress("sniffed").orElseThrow();
        try (Http1Client client = new Http1Client(sniffed)) {
            Http1Client.Response response = client.get("anything.example", "/x");
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("web /x");
        }
        // A client that is not HTTP and speaks first.
        try (Socket socket = connect("sniffed")) {
            socket.getOutputStream().write("HELO there\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertThat(readLine(in)).isEqualTo("echo");
            assertThat(readLine(in)).isEqualTo("HELO there");
        }
        // TLS by SNI: a ClientHello for *.other.example takes the tls chain, any other SNI the default.
        for (String sni : List.of("db.other.example", "db.elsewhere.example")) {
            byte[] hello = clientHello(sni, "h2", "http/1.1");
            try (Socket socket = connect("sniffed")) {
                socket.getOutputStream().write(hello);
                InputStream in = socket.getInputStream();
                assertThat(readLine(in)).isEqualTo(sni.endsWith("other.example") ? "other" : "echo");
                assertThat(in.readNBytes(hello.length)).isEqualTo(hello);
            }
        }
    }

    @Test
    void connectFailuresAreRetriedUpToMaxConnectAttempts() throws IOException {
        // Round robin over a dead endpoint and the echo server: every second connect fails, and the
        // second attempt always reaches the echo.
        for (int i = 0; i < 4; i++) {
            try (Socket socket = connect("retry")) {
                assertThat(readLine(socket.getInputStream())).isEqualTo("echo");
            }
        }
        assertThat(proxy.stats().get("cluster.half-dead.upstream_cx_connect_fail")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void weightedClustersAndIdleTimeout() throws IOException {
        try (Socket socket = connect("weighted")) {
            assertThat(readLine(socket.getInputStream())).isEqualTo("other");
        }
        try (Socket socket = connect("idle")) {
            InputStream in = socket.getInputStream();
            assertThat(readLine(in)).isEqualTo("echo");
            assertThat(in.read()).isEqualTo(-1); // closed by the idle timeout
        }
        assertThat(proxy.stats().get("tcp.idle.idle_timeout")).isEqualTo(1);
    }

    @Test
    void aConnectionNoChainMatchesIsClosed() throws IOException {
        try (Socket socket = connect("nochain")) {
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(proxy.stats().get("listener.nochain.no_filter_chain_match")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void webSocketUpgradeIsRoutedThenBothConnectionsAreSpliced() throws Exception {
        InetSocketAddress ws = proxy.listenerAddress("ws").orElseThrow();
        java.util.concurrent.BlockingQueue<String> received = new java.util.concurrent.LinkedBlockingQueue<>();
        java.net.http.WebSocket socket = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(java.net.URI.create("ws://127.0.0.1:" + ws.getPort() + "/ws"),
                        new java.net.http.WebSocket.Listener() {
                            private final StringBuilder message = new StringBuilder();

                            @Override
                            public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket webSocket,
                                    CharSequence data, boolean last) {
                                message.append(data); // a long message may come in parts
                                if (last) {
                                    received.add(message.toString());
                                    message.setLength(0);
                                }
                                webSocket.request(1);
                                return null;
                            }
                        })
                .get(30, TimeUnit.SECONDS);
        for (String text : List.of("one", "two", "x".repeat(60_000))) {
            socket.sendText(text, true).get(30, TimeUnit.SECONDS);
            String answer = received.poll(30, TimeUnit.SECONDS);
            assertThat(answer).isNotNull();
            assertThat(answer.equals("echo: " + text)).as("echo of a %d-char message: %d chars, starting %s",
                    text.length(), answer.length(), answer.substring(0, Math.min(40, answer.length()))).isTrue();
        }
        socket.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "bye").get(30, TimeUnit.SECONDS);
        assertThat(proxy.stats().get("http.ws.downstream_cx_upgrades_total")).isEqualTo(1);

        // Without upgrade_configs the Upgrade header is dropped like any hop-by-hop header: no 101.
        InetSocketAddress plain = proxy.listenerAddress("no-upgrade").orElseThrow();
        try (Socket raw = new Socket()) {
            raw.connect(plain, 10_000);
            raw.setSoTimeout(30_000);
            raw.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(readLine(raw.getInputStream())).doesNotContain("101");
        }
    }

    /** The first TLS record a JDK client sends for this SNI and ALPN list. */
    static byte[] clientHello(String sni, String... alpn) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        SSLEngine engine = context.createSSLEngine(sni, 443);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(sni)));
        parameters.setApplicationProtocols(alpn);
        engine.setSSLParameters(parameters);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
    }
}
