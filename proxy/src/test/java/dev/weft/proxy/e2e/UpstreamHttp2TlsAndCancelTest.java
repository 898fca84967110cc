package dev.weft.proxy.e2e;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static dev.weft.controlplane.xds.ResourceType.ENDPOINT;
import static dev.weft.controlplane.xds.ResourceType.LISTENER;
import static dev.weft.controlplane.xds.ResourceType.ROUTE;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upstream HTTP/2 over TLS (a cluster with explicit http2 and an UpstreamTlsContext: the proxy
 * offers h2 by ALPN and speaks HTTP/2 in the TLS session), and a downstream that goes away
 * mid-request cancelling its upstream request as in Envoy: RST_STREAM CANCEL on an HTTP/2 upstream,
 * the connection closed on an HTTP/1.1 one (it cannot be reused mid-response); both pools serve
 * the next request.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpstreamHttp2TlsAndCancelTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String NODE_ID = "router~127.0.0.1~cancel.weft-system~weft-system.svc.cluster.local";

    private Http2Backend tlsBackend;
    private TlsHttp1Backend tlsHttp1Backend;
    private Http2Backend h2cBackend;
    private HoldingHttp1Backend http1Backend;
    private ProxyUnderTest under;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        Tools.assumeInstalled("openssl");
        Tools.assumeInstalled("curl");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Tools.Result made = Tools.run(List.of("openssl", "req", "-x509", "-nodes", "-days", "1", "-newkey", "rsa:2048",
                "-keyout", key.toString(), "-out", cert.toString(), "-subj", "/CN=backend.example",
                "-addext", "subjectAltName=DNS:backend.example"));
        assertThat(made.exit()).as(made.err()).isZero();
        SslContext serverTls = SslContextBuilder.forServer(cert.toFile(), key.toFile()).sslProvider(SslProvider.JDK)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, "h2"))
                .build();
        tlsBackend = new Http2Backend(serverTls);
        tlsHttp1Backend = new TlsHttp1Backend(SslContextBuilder.forServer(cert.toFile(), key.toFile())
                .sslProvider(SslProvider.JDK)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, "http/1.1"))
                .build());
        h2cBackend = new Http2Backend();
        http1Backend = new HoldingHttp1Backend();
        UpstreamTlsContext upstreamTls = UpstreamTlsContext.newBuilder().setSni("backend.example")
                .setCommonTlsContext(CommonTlsContext.getDefaultInstance()).build(); // no alpn_protocols: h2 by default
        MutableSource source = new MutableSource()
                .put(CLUSTER, "tls-h2", Any.pack(Envoy.http2Cluster("tls-h2", 100)
                        .setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
                                .setTypedConfig(Any.pack(upstreamTls)))
                        .build()))
                .put(ENDPOINT, "tls-h2", Envoy.endpoints("tls-h2", tlsBackend.port()))
                .put(CLUSTER, "auto-h2", autoConfigCluster("auto-h2", upstreamTls))
                .put(ENDPOINT, "auto-h2", Envoy.endpoints("auto-h2", tlsBackend.port()))
                .put(CLUSTER, "auto-h1", autoConfigCluster("auto-h1", upstreamTls))
                .put(ENDPOINT, "auto-h1", Envoy.endpoints("auto-h1", tlsHttp1Backend.port()))
                .put(CLUSTER, "h2c", Envoy.edsHttp2Cluster("h2c"))
                .put(ENDPOINT, "h2c", Envoy.endpoints("h2c", h2cBackend.port()))
                .put(CLUSTER, "http1", Envoy.edsCluster("http1"))
                .put(ENDPOINT, "http1", Envoy.endpoints("http1", http1Backend.port()))
                .put(LISTENER, "edge", Envoy.httpListener("edge", 0, "r"))
                .put(ROUTE, "r", Any.pack(RouteConfiguration.newBuilder().setName("r")
                        .addVirtualHosts(Envoy.virtualHost("tls", "tls.example.com").addRoutes(Envoy.toCluster("/", "tls-h2")))
                        .addVirtualHosts(Envoy.virtualHost("h2c", "h2c.example.com").addRoutes(Envoy.toCluster("/", "h2c")))
                        .addVirtualHosts(Envoy.virtualHost("auto-h2", "auto-h2.example.com")
                                .addRoutes(Envoy.toCluster("/", "auto-h2")))
                        .addVirtualHosts(Envoy.virtualHost("auto-h1", "auto-h1.example.com")
                                .addRoutes(Envoy.toCluster("/", "auto-h1")))
                        .addVirtualHosts(Envoy.virtualHost("h1", "h1.example.com").addRoutes(Envoy.toCluster("/", "http1")))
                        .build()));
        under = new ProxyUnderTest(source, NODE_ID);
    }

    @AfterAll
    void stop() throws IOException {
        if (under != null) {
            under.close();
        }
        for (AutoCloseable backend : new AutoCloseable[] {tlsBackend, tlsHttp1Backend, h2cBackend, http1Backend}) {
            try {
                if (backend != null) {
                    backend.close();
                }
            } catch (Exception e) {
                // closing
            }
        }
    }

    /** A GET by curl (chunked answers with trailers included): the status and the body. */
    private Answer get(String host, String path) throws Exception {
        Tools.Result result = Tools.run(List.of("curl", "-s", "--max-time", "30", "-H", "Host: " + host,
                "-w", "\n%{http_code}", "http://127.0.0.1:" + under.listener("edge").getPort() + path));
        String out = result.out();
        int split = out.lastIndexOf('\n');
        return new Answer(Integer.parseInt(out.substring(split + 1).strip()), out.substring(0, split));
    }

    private record Answer(int statusCode, String body) {
    }

    @Test
    void anHttp2ClusterOverTlsSpeaksH2InTheTlsSessionChosenByAlpn() throws Exception {
        for (int i = 0; i < 3; i++) {
            Answer response = get("tls.example.com", "/secure/" + i);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("h2 tls.example.com /secure/" + i);
        }
        // h2 agreed by ALPN on every TLS connection (one per proxy event loop at most), three streams.
        assertThat(tlsBackend.alpn).isNotEmpty().allMatch("h2"::equals);
        assertThat(tlsBackend.connections.get()).isBetween(1, 2);
        assertThat(tlsBackend.requests.get()).isEqualTo(3);
    }

    /** An EDS cluster with {@code auto_config} over TLS (no alpn_protocols: h2 and http/1.1 offered). */
    private static Any autoConfigCluster(String name, UpstreamTlsContext tls) {
        var options = io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.newBuilder()
                .setAutoConfig(io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.AutoHttpConfig
                        .getDefaultInstance())
                .build();
        return Any.pack(Envoy.http2Cluster(name, 100)
                .putTypedExtensionProtocolOptions("envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                        Any.pack(options))
                .setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
                        .setTypedConfig(Any.pack(tls)))
                .build());
    }

    @Test
    void autoConfigSpeaksTheProtocolTheHostChoseByAlpn() throws Exception {
        int h2Before = tlsBackend.requests.get();
        for (int i = 0; i < 3; i++) {
            Answer h2 = get("auto-h2.example.com", "/auto/" + i);
            assertThat(h2.statusCode()).isEqualTo(200);
            assertThat(h2.body()).isEqualTo("h2 auto-h2.example.com /auto/" + i);
            Answer h1 = get("auto-h1.example.com", "/auto/" + i);
            assertThat(h1.statusCode()).isEqualTo(200);
            assertThat(h1.body()).isEqualTo("h1tls /auto/" + i);
        }
        assertThat(tlsBackend.requests.get() - h2Before).isEqualTo(3);
        // Each backend saw the proxy offer both and chose its own.
        assertThat(tlsHttp1Backend.alpn).isNotEmpty().allMatch("http/1.1"::equals);
        assertThat(tlsHttp1Backend.requests.get()).isEqualTo(3);
    }

    @Test
    void aDownstreamGoneMidRequestResetsItsHttp2UpstreamStreamWithCancel() throws Exception {
        int before = h2cBackend.resets.size();
        try (Socket client = new Socket()) {
            client.connect(under.listener("edge"), 5_000);
            client.getOutputStream().write("GET /hold/1 HTTP/1.1\r\nHost: h2c.example.com\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            Await.until("the request held at the backend", WAIT, () -> h2cBackend.held.get() == 1);
            client.setSoLinger(true, 0); // a reset: the proxy sees the client go at once
        }
        Await.until("RST_STREAM at the backend", WAIT, () -> h2cBackend.resets.size() > before);
        assertThat(h2cBackend.resets.subList(before, h2cBackend.resets.size()))
                .containsExactly(Http2Error.CANCEL.code());
        // Only the stream went: the pool serves the next requests (on that connection or, from
        // another event loop, one more).
        for (int i = 0; i < 4; i++) {
            Answer next = get("h2c.example.com", "/after/" + i);
            assertThat(next.statusCode()).isEqualTo(200);
            assertThat(next.body()).isEqualTo("h2 h2c.example.com /after/" + i);
        }
        assertThat(h2cBackend.connections.get()).isBetween(1, 2);
        assertThat(under.stat("http.edge.downstream_cx_destroy_remote_active_rq")).isPositive();
    }

    @Test
    void aDownstreamGoneMidRequestClosesItsHttp1UpstreamConnection() throws Exception {
        try (Socket client = new Socket()) {
            client.connect(under.listener("edge"), 5_000);
            client.getOutputStream().write("GET /hold/1 HTTP/1.1\r\nHost: h1.example.com\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            Await.until("the request held at the backend", WAIT, () -> http1Backend.held.get() == 1);
            client.setSoLinger(true, 0);
        }
        Await.until("the backend's held connection closed by the proxy", WAIT, () -> http1Backend.closedWhileHeld.get() == 1);
        // The pool opens a new connection for the next request.
        Answer next = get("h1.example.com", "/after");
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(next.body()).isEqualTo("h1 /after");
        assertThat(http1Backend.paths).containsExactly("/hold/1", "/after");
    }

    /** An HTTP/1.1 server over TLS (Netty) answering {@code h1tls <path>}; records each handshake's ALPN. */
    private static final class TlsHttp1Backend implements AutoCloseable {
        final AtomicInteger requests = new AtomicInteger();
        final List<String> alpn = new CopyOnWriteArrayList<>();
        private final io.netty.channel.EventLoopGroup group = new io.netty.channel.MultiThreadIoEventLoopGroup(1,
                io.netty.channel.nio.NioIoHandler.newFactory());
        private final io.netty.channel.Channel server;

        TlsHttp1Backend(SslContext tls) throws InterruptedException {
            server = new io.netty.bootstrap.ServerBootstrap().group(group)
                    .channel(io.netty.channel.socket.nio.NioServerSocketChannel.class)
                    .childHandler(new io.netty.channel.ChannelInitializer<io.netty.channel.socket.SocketChannel>() {
                        @Override
                        protected void initChannel(io.netty.channel.socket.SocketChannel channel) {
                            io.netty.handler.ssl.SslHandler ssl = tls.newHandler(channel.alloc());
                            ssl.handshakeFuture().addListener(done -> alpn.add(
                                    ssl.applicationProtocol() == null ? "" : ssl.applicationProtocol()));
                            channel.pipeline().addLast(ssl, new io.netty.handler.codec.http.HttpServerCodec(),
                                    new io.netty.handler.codec.http.HttpObjectAggregator(1 << 20),
                                    new io.netty.channel.SimpleChannelInboundHandler<
                                            io.netty.handler.codec.http.FullHttpRequest>() {
                                        @Override
                                        protected void channelRead0(io.netty.channel.ChannelHandlerContext ctx,
                                                io.netty.handler.codec.http.FullHttpRequest request) {
                                            requests.incrementAndGet();
                                            var response = new io.netty.handler.codec.http.DefaultFullHttpResponse(
                                                    io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                                                    io.netty.handler.codec.http.HttpResponseStatus.OK,
                                                    io.netty.buffer.Unpooled.copiedBuffer("h1tls " + request.uri(),
                                                            StandardCharsets.UTF_8));
                                            response.headers().set("content-length", response.content().readableBytes());
                                            ctx.writeAndFlush(response);
                                        }
                                    });
                        }
                    })
                    .bind(new java.net.InetSocketAddress("127.0.0.1", 0)).sync().channel();
        }

        int port() {
            return ((java.net.InetSocketAddress) server.localAddress()).getPort();
        }

        @Override
        public void close() {
            server.close().awaitUninterruptibly(5_000);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
        }
    }

    /**
     * An HTTP/1.1 server on raw sockets: answers {@code h1 <path>}, except {@code /hold...} which it
     * never answers, counting whether the proxy then closes that connection.
     */
    private static final class HoldingHttp1Backend implements AutoCloseable {
        final AtomicInteger held = new AtomicInteger();
        final AtomicInteger closedWhileHeld = new AtomicInteger();
        final List<String> paths = new CopyOnWriteArrayList<>();
        private final ServerSocket server;

        HoldingHttp1Backend() throws IOException {
            server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket socket = server.accept();
                        Thread.ofVirtual().start(() -> serve(socket));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve(Socket socket) {
            try (socket) {
                socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(90));
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                while (true) {
                    String head = readHead(in);
                    if (head == null) {
                        return;
                    }
                    String path = head.split(" ", 3)[1];
                    paths.add(path);
                    if (path.startsWith("/hold")) {
                        held.incrementAndGet();
                        if (in.read() == -1) { // nothing more comes: the proxy closed the connection
                            closedWhileHeld.incrementAndGet();
                        }
                        return;
                    }
                    byte[] body = ("h1 " + path).getBytes(StandardCharsets.US_ASCII);
                    out.write(("HTTP/1.1 200 OK\r\ncontent-length: " + body.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                }
            } catch (IOException e) {
                // the connection went
            }
        }

        private static String readHead(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            int c;
            while ((c = in.read()) != -1) {
                head.append((char) c);
                if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                    return head.toString();
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
