package dev.weft.proxy.e2e;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static dev.weft.controlplane.xds.ResourceType.ENDPOINT;
import static dev.weft.controlplane.xds.ResourceType.LISTENER;
import static dev.weft.controlplane.xds.ResourceType.ROUTE;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import com.sun.net.httpserver.HttpServer;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bodies stream through the proxy in both directions, over the real xDS path: grpc-java's
 * server-streaming, client-streaming and bidi-streaming calls (h2c downstream, HTTP/2 upstream),
 * each message passing before the call ends; 64 MiB uploads and downloads over HTTP/1.1 and HTTP/2
 * (the upload to a slow reader) while the proxy's pooled buffers stay bounded (backpressure, no
 * aggregation); an upstream that dies mid-body resets the client (HTTP/2 RST_STREAM, HTTP/1.1
 * close) rather than ending a short body; and a request whose body outgrew the retry buffer is not
 * retried (Envoy's retry_or_shadow_abandoned), while a small one is.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamingEndToEndTest {

    private static final String NODE_ID = "router~127.0.0.1~stream.weft-system~weft-system.svc.cluster.local";
    private static final int LARGE = 64 * 1024 * 1024;
    /**
     * Pooled buffers the proxy may hold beyond its idle level while 64 MiB pass: windows, reads in
     * flight and the allocator's chunks (about 11 MiB measured; with the upload's backpressure
     * switched off, over 100 MiB).
     */
    private static final long BOUND = 32L * 1024 * 1024;

    private static final MethodDescriptor.Marshaller<String> TEXT = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private static MethodDescriptor<String, String> method(String name, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<String, String>newBuilder().setType(type).setFullMethodName("test.Stream/" + name)
                .setRequestMarshaller(TEXT).setResponseMarshaller(TEXT).build();
    }

    private static final MethodDescriptor<String, String> SERVER_STREAM = method("Server", MethodDescriptor.MethodType.SERVER_STREAMING);
    private static final MethodDescriptor<String, String> CLIENT_STREAM = method("Client", MethodDescriptor.MethodType.CLIENT_STREAMING);
    private static final MethodDescriptor<String, String> BIDI = method("Bidi", MethodDescriptor.MethodType.BIDI_STREAMING);

    private final MutableSource source = new MutableSource();
    private final CountDownLatch clientGotFirst = new CountDownLatch(1);
    private final AtomicBoolean firstArrivedBeforeTheLastWasSent = new AtomicBoolean();
    private final CountDownLatch serverGotFirst = new CountDownLatch(1);
    private final AtomicInteger failing = new AtomicInteger();
    private final ExecutorService backendThreads = Executors.newFixedThreadPool(8);
    private Server grpcBackend;
    private HttpServer webBackend;
    private java.net.ServerSocket cutBackend;
    private ProxyUnderTest under;
    @TempDir
    Path temp;

    @BeforeAll
    void start() throws IOException {
        grpcBackend = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerServiceDefinition.builder("test.Stream")
                        .addMethod(SERVER_STREAM, ServerCalls.asyncServerStreamingCall((request, response) -> {
                            response.onNext("1");
                            // The next messages wait until the client has the first: a proxy that held the
                            // response until its end would keep the client waiting here.
                            try {
                                firstArrivedBeforeTheLastWasSent.set(clientGotFirst.await(20, TimeUnit.SECONDS));
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            for (int i = 2; i <= 5; i++) {
                                response.onNext(Integer.toString(i));
                            }
                            response.onCompleted();
                        }))
                        .addMethod(CLIENT_STREAM, ServerCalls.asyncClientStreamingCall(response -> new StreamObserver<>() {
                            private final List<String> got = new ArrayList<>();

                            @Override
                            public void onNext(String value) {
                                got.add(value);
                                serverGotFirst.countDown();
                            }

                            @Override
                            public void onError(Throwable t) {
                            }

                            @Override
                            public void onCompleted() {
                                response.onNext(got.size() + ":" + String.join(",", got));
                                response.onCompleted();
                            }
                        }))
                        .addMethod(BIDI, ServerCalls.asyncBidiStreamingCall(response -> new StreamObserver<>() {
                            @Override
                            public void onNext(String value) {
                                response.onNext("echo " + value);
                            }

                            @Override
                            public void onError(Throwable t) {
                            }

                            @Override
                            public void onCompleted() {
                                response.onCompleted();
                            }
                        }))
                        .build())
                .build().start();
        webBackend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        webBackend.setExecutor(backendThreads);
        webBackend.createContext("/upload", exchange -> {
            // Reads slowly when asked (x-slow): the proxy must not read the client faster than this.
            boolean slow = exchange.getRequestHeaders().containsKey("x-slow");
            long total = 0;
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = exchange.getRequestBody()) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    total += n;
                    if (slow) {
                        sleep(1);
                    }
                }
            }
            byte[] body = Long.toString(total).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        webBackend.createContext("/download", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, LARGE);
            byte[] chunk = new byte[64 * 1024];
            try (OutputStream out = exchange.getResponseBody()) {
                for (int sent = 0; sent < LARGE; sent += chunk.length) {
                    out.write(chunk);
                }
            }
        });
        webBackend.createContext("/fail", exchange -> {
            exchange.getRequestBody().readAllBytes();
            failing.incrementAndGet();
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        webBackend.start();
        // Answers every request with a head promising more than it sends, then closes: an upstream
        // that dies mid-body (chunked for /chunked, Content-Length otherwise).
        cutBackend = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!cutBackend.isClosed()) {
                try {
                    java.net.Socket socket = cutBackend.accept();
                    Thread.ofVirtual().start(() -> cutShort(socket));
                } catch (IOException e) {
                    return;
                }
            }
        });
        Route uploads = Envoy.toCluster("/", "web").toBuilder()
                .setRoute(Envoy.toCluster("/", "web").getRoute().toBuilder()
                        .setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(0)))
                .build();
        Route retried = Envoy.toCluster("/fail", "web").toBuilder()
                .setRoute(Envoy.toCluster("/fail", "web").getRoute().toBuilder()
                        .setRetryPolicy(RetryPolicy.newBuilder().setRetryOn("5xx").setNumRetries(UInt32Value.of(2))
                                .setRetryBackOff(RetryPolicy.RetryBackOff.newBuilder()
                                        .setBaseInterval(com.google.protobuf.Duration.newBuilder().setNanos(1_000_000)))))
                .build();
        source.put(CLUSTER, "grpc", Envoy.edsHttp2Cluster("grpc"))
                .put(ENDPOINT, "grpc", Envoy.endpoints("grpc", grpcBackend.getPort()))
                .put(CLUSTER, "web", Envoy.edsCluster("web"))
                .put(ENDPOINT, "web", Envoy.endpoints("web", webBackend.getAddress().getPort()))
                .put(CLUSTER, "cut", Envoy.edsCluster("cut"))
                .put(ENDPOINT, "cut", Envoy.endpoints("cut", cutBackend.getLocalPort()))
                .put(LISTENER, "ingress", Envoy.httpListener("ingress", 0, "routes"))
                .put(ROUTE, "routes", Any.pack(RouteConfiguration.newBuilder().setName("routes")
                        .addVirtualHosts(Envoy.virtualHost("grpc", "grpc.example.com")
                                .addRoutes(Envoy.toCluster("/", "grpc")))
                        .addVirtualHosts(Envoy.virtualHost("web", "web.example.com")
                                .addRoutes(retried).addRoutes(uploads))
                        .addVirtualHosts(Envoy.virtualHost("cut", "cut.example.com")
                                .addRoutes(Envoy.toCluster("/", "cut")))
                        .build()));
        under = new ProxyUnderTest(source, NODE_ID);
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (under != null) {
            under.close();
        }
        if (grpcBackend != null) {
            grpcBackend.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        if (webBackend != null) {
            webBackend.stop(0);
        }
        if (cutBackend != null) {
            try {
                cutBackend.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        backendThreads.shutdownNow();
    }

    private static void cutShort(java.net.Socket socket) {
        try (socket) {
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            String requestLine = in.readLine();
            String line;
            while ((line = in.readLine()) != null && !line.isEmpty()) {
                // the request head; GETs carry no body
            }
            OutputStream out = socket.getOutputStream();
            String head = requestLine != null && requestLine.contains("/chunked")
                    ? "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n"
                    : "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(new byte[1000]);
            out.flush();
            sleep(200);
        } catch (IOException e) {
            // gone
        }
    }

    @Test
    void anUpstreamThatDiesMidBodyResetsTheClientNeverACompleteLookingBody() throws Exception {
        Tools.assumeInstalled("curl");
        String base = "http://127.0.0.1:" + under.listener("ingress").getPort();
        for (String protocol : List.of("--http1.1", "--http2-prior-knowledge")) {
            for (String path : List.of("/length", "/chunked")) {
                Tools.Result result = Tools.run(List.of("curl", "-sS", protocol, "-H", "Host: cut.example.com",
                        "-o", "/dev/null", "-w", "%{http_code}", base + path));
                // The headers went out (200), then the body was cut: curl reports the transfer failed
                // (18: partial file, 56: receive failure, 92: HTTP/2 stream reset), never success.
                assertThat(result.out()).as(protocol + " " + path).isEqualTo("200");
                assertThat(result.exit()).as(protocol + " " + path + ": " + result.err()).isIn(18, 56, 92);
            }
        }
        assertThat(under.stat("http.ingress.rs_flag.UC") + under.stat("cluster.cut.upstream_rq_rx_reset"))
                .isPositive();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ManagedChannel channel() {
        return NettyChannelBuilder.forAddress("127.0.0.1", under.listener("ingress").getPort())
                .usePlaintext().overrideAuthority("grpc.example.com").build();
    }

    private static CallOptions deadline() {
        return CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @Test
    void serverStreamingMessagesReachTheClientAsTheyAreSent() {
        ManagedChannel channel = channel();
        try {
            Iterator<String> messages = ClientCalls.blockingServerStreamingCall(channel, SERVER_STREAM, deadline(), "go");
            List<String> got = new ArrayList<>();
            got.add(messages.next());
            clientGotFirst.countDown();
            messages.forEachRemaining(got::add);
            assertThat(got).containsExactly("1", "2", "3", "4", "5");
            assertThat(firstArrivedBeforeTheLastWasSent).isTrue();
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void clientStreamingMessagesReachTheServerBeforeTheCallEnds() throws Exception {
        ManagedChannel channel = channel();
        try {
            CompletableFuture<String> answer = new CompletableFuture<>();
            StreamObserver<String> requests = ClientCalls.asyncClientStreamingCall(
                    channel.newCall(CLIENT_STREAM, deadline()), observer(answer, new LinkedBlockingQueue<>()));
            requests.onNext("a");
            // The server sees the first message while the client still holds the call open.
            assertThat(serverGotFirst.await(20, TimeUnit.SECONDS)).isTrue();
            requests.onNext("b");
            requests.onNext("c");
            requests.onCompleted();
            assertThat(answer.get(30, TimeUnit.SECONDS)).isEqualTo("3:a,b,c");
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void bidiStreamingCallsPingPongThroughTheProxy() throws Exception {
        ManagedChannel channel = channel();
        try {
            CompletableFuture<String> done = new CompletableFuture<>();
            LinkedBlockingQueue<String> responses = new LinkedBlockingQueue<>();
            StreamObserver<String> requests = ClientCalls.asyncBidiStreamingCall(
                    channel.newCall(BIDI, deadline()), observer(done, responses));
            for (int i = 1; i <= 5; i++) {
                requests.onNext("m" + i);
                // Each answer arrives before the next request is sent: both directions are open at once.
                assertThat(responses.poll(20, TimeUnit.SECONDS)).isEqualTo("echo m" + i);
            }
            requests.onCompleted();
            assertThat(done.get(30, TimeUnit.SECONDS)).isEqualTo("completed");
        } finally {
            channel.shutdownNow();
        }
    }

    private static StreamObserver<String> observer(CompletableFuture<String> done, LinkedBlockingQueue<String> into) {
        return new StreamObserver<>() {
            private String last;

            @Override
            public void onNext(String value) {
                last = value;
                into.add(value);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                done.complete(last == null || into.isEmpty() && last.startsWith("echo") ? "completed" : last);
            }
        };
    }

    @Test
    void largeUploadsToASlowReaderAndLargeDownloadsStreamWithBoundedBuffers() throws Exception {
        Tools.assumeInstalled("curl");
        Path file = temp.resolve("large.bin");
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] chunk = new byte[1024 * 1024];
            for (int i = 0; i < LARGE / chunk.length; i++) {
                java.util.Arrays.fill(chunk, (byte) i);
                out.write(chunk);
            }
        }
        String base = "http://127.0.0.1:" + under.listener("ingress").getPort();
        try (PeakBuffers peak = new PeakBuffers()) {
            for (String protocol : List.of("--http1.1", "--http2-prior-knowledge")) {
                Tools.Result upload = Tools.run(List.of("curl", "-sS", protocol, "-H", "Host: web.example.com",
                        "-H", "x-slow: 1", "-T", file.toString(), base + "/upload"));
                assertThat(upload.exit()).as(upload.err()).isZero();
                assertThat(upload.out()).as(protocol).isEqualTo(Integer.toString(LARGE));
                Tools.Result download = Tools.run(List.of("curl", "-sS", protocol, "-H", "Host: web.example.com",
                        "-o", "/dev/null", "-w", "%{http_code} %{size_download}", base + "/download"));
                assertThat(download.exit()).as(download.err()).isZero();
                assertThat(download.out()).as(protocol).isEqualTo("200 " + LARGE);
            }
            assertThat(peak.growth()).as("pooled buffers held beyond the idle level, bytes").isLessThan(BOUND);
        }
    }

    @Test
    void aRequestWhoseBodyOutgrewTheBufferIsNotRetriedASmallOneIs() throws Exception {
        Tools.assumeInstalled("curl");
        Path big = temp.resolve("two-mib.bin");
        Files.write(big, new byte[2 * 1024 * 1024]);
        String url = "http://127.0.0.1:" + under.listener("ingress").getPort() + "/fail";
        int before = failing.get();
        Tools.Result large = Tools.run(List.of("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}",
                "-H", "Host: web.example.com", "--data-binary", "@" + big, url));
        assertThat(large.out()).isEqualTo("503");
        assertThat(failing.get() - before).as("attempts the upstream saw").isEqualTo(1);
        assertThat(under.stat("cluster.web.retry_or_shadow_abandoned")).isEqualTo(1);
        before = failing.get();
        Tools.Result small = Tools.run(List.of("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}",
                "-H", "Host: web.example.com", "--data-binary", "small body", url));
        assertThat(small.out()).isEqualTo("503");
        assertThat(failing.get() - before).as("attempts the upstream saw").isEqualTo(3);
    }

    /** Samples the pooled allocator the proxy uses (the test's own clients use no Netty of theirs) while open. */
    private static final class PeakBuffers implements AutoCloseable {
        private final ByteBufAllocatorMetric metric = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
        private final long idle = used();
        private final AtomicLong peak = new AtomicLong(idle);
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (running.get()) {
                peak.accumulateAndGet(used(), Math::max);
                sleep(5);
            }
        });

        private long used() {
            return metric.usedDirectMemory() + metric.usedHeapMemory();
        }

        long growth() {
            return peak.get() - idle;
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            sampler.join(5_000);
        }
    }
}
