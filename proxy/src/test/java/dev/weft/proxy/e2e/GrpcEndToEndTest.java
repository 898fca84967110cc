package dev.weft.proxy.e2e;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static dev.weft.controlplane.xds.ResourceType.ENDPOINT;
import static dev.weft.controlplane.xds.ResourceType.LISTENER;
import static dev.weft.controlplane.xds.ResourceType.ROUTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Any;
import dev.weft.proxy.Proxy;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A grpc-java client calling a grpc-java server through the real proxy (h2c downstream, an
 * HTTP/2 cluster upstream, as the control plane configures grpc ports): answers and trailers pass
 * both ways, a trailers-only error passes as it is, and the proxy's own local replies reach the
 * client as grpc-status (UNIMPLEMENTED for no route, UNAVAILABLE for no healthy upstream and for
 * a route timeout taken from grpc-timeout).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrpcEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NODE_ID = "router~127.0.0.1~grpc.weft-system~weft-system.svc.cluster.local";
    private static final Metadata.Key<String> TRAILER = Metadata.Key.of("x-echo-trailer", Metadata.ASCII_STRING_MARSHALLER);

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
    private static final MethodDescriptor<String, String> SAY = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("test.Echo/Say")
            .setRequestMarshaller(TEXT)
            .setResponseMarshaller(TEXT)
            .build();

    private final MutableSource source = new MutableSource();
    private final java.util.concurrent.atomic.AtomicInteger held = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    private Server backend;
    private ProxyUnderTest under;
    private Proxy proxy;

    @BeforeAll
    void start() throws IOException {
        backend = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .intercept(new io.grpc.ServerInterceptor() {
                    @Override
                    public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call,
                            Metadata headers, io.grpc.ServerCallHandler<Q, R> next) {
                        return next.startCall(new io.grpc.ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                            @Override
                            public void close(Status status, Metadata trailers) {
                                trailers.put(TRAILER, "sent");
                                super.close(status, trailers);
                            }
                        }, headers);
                    }
                })
                .addService(ServerServiceDefinition.builder("test.Echo")
                        .addMethod(SAY, ServerCalls.asyncUnaryCall((request, response) -> {
                            switch (request) {
                                case "missing" -> response.onError(Status.NOT_FOUND
                                        .withDescription("no such thing").asRuntimeException());
                                case "hold" -> {
                                    held.incrementAndGet();
                                    try {
                                        release.await(30, TimeUnit.SECONDS);
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                    response.onNext("released");
                                    response.onCompleted();
                                }
                                case "slow" -> {
                                    try {
                                        Thread.sleep(3_000);
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                    response.onNext("late");
                                    response.onCompleted();
                                }
                                default -> {
                                    response.onNext("hello " + request);
                                    response.onCompleted();
                                }
                            }
                        }))
                        .build())
                .build().start();
        var grpcRoute = Envoy.toCluster("/", "grpc").toBuilder();
        var timeoutRoute = Envoy.toCluster("/", "grpc").toBuilder();
        timeoutRoute.getRouteBuilder().setMaxStreamDuration(RouteAction.MaxStreamDuration.newBuilder()
                .setGrpcTimeoutHeaderMax(com.google.protobuf.Duration.newBuilder().setNanos(300_000_000)));
        source.put(CLUSTER, "grpc", Envoy.edsHttp2Cluster("grpc"))
                .put(ENDPOINT, "grpc", Envoy.endpoints("grpc", backend.getPort()))
                .put(CLUSTER, "bounded", Any.pack(Envoy.http2Cluster("bounded", 2)
                        .setCircuitBreakers(io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers.newBuilder()
                                .addThresholds(io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers.Thresholds.newBuilder()
                                        .setMaxConnections(com.google.protobuf.UInt32Value.of(1))
                                        .setMaxPendingRequests(com.google.protobuf.UInt32Value.of(1))))
                        .build()))
                .put(ENDPOINT, "bounded", Envoy.endpoints("bounded", backend.getPort()))
                .put(CLUSTER, "client-protocol", Envoy.edsDownstreamProtocolCluster("client-protocol"))
                .put(ENDPOINT, "client-protocol", Envoy.endpoints("client-protocol", backend.getPort()))
                .put(CLUSTER, "empty", Envoy.edsHttp2Cluster("empty"))
                .put(ENDPOINT, "empty", Envoy.endpoints("empty"))
                .put(LISTENER, "ingress", Envoy.httpListener("ingress", 0, "routes"))
                .put(ROUTE, "routes", Any.pack(RouteConfiguration.newBuilder().setName("routes")
                        .addVirtualHosts(Envoy.virtualHost("grpc", "grpc.example.com").addRoutes(grpcRoute))
                        .addVirtualHosts(Envoy.virtualHost("capped", "capped.example.com").addRoutes(timeoutRoute))
                        .addVirtualHosts(Envoy.virtualHost("bounded", "bounded.example.com")
                                .addRoutes(Envoy.toCluster("/", "bounded")))
                        .addVirtualHosts(Envoy.virtualHost("client-protocol", "client-protocol.example.com")
                                .addRoutes(Envoy.toCluster("/", "client-protocol")))
                        .addVirtualHosts(Envoy.virtualHost("empty", "empty.example.com")
                                .addRoutes(Envoy.toCluster("/", "empty")))
                        .build()));
        under = new ProxyUnderTest(source, NODE_ID);
        proxy = under.proxy;
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (under != null) {
            under.close();
        }
        if (backend != null) {
            backend.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private ManagedChannel channel(String authority) {
        return NettyChannelBuilder.forAddress("127.0.0.1", proxy.listenerAddress("ingress").orElseThrow().getPort())
                .usePlaintext()
                .overrideAuthority(authority)
                .build();
    }

    private static String call(ManagedChannel channel, String request, AtomicReference<Metadata> trailers) {
        var captured = channel;
        io.grpc.Channel intercepted = io.grpc.ClientInterceptors.intercept(captured,
                MetadataUtils.newCaptureMetadataInterceptor(new AtomicReference<>(), trailers));
        return ClientCalls.blockingUnaryCall(intercepted, SAY,
                CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), request);
    }

    private static Status failure(Runnable call) {
        return catchThrowableOfType(StatusRuntimeException.class, call::run).getStatus();
    }

    @Test
    void unaryCallsAndTheirTrailersPassThroughOnOneUpstreamConnection() {
        ManagedChannel channel = channel("grpc.example.com");
        try {
            for (int i = 0; i < 20; i++) {
                AtomicReference<Metadata> trailers = new AtomicReference<>();
                assertThat(call(channel, "world " + i, trailers)).isEqualTo("hello world " + i);
                assertThat(trailers.get().get(TRAILER)).isEqualTo("sent");
            }
        } finally {
            channel.shutdownNow();
        }
        // HTTP/2 upstream: the calls were streams of shared connections (one per event loop at most).
        assertThat(proxy.stats().get("cluster.grpc.upstream_cx_total")).isBetween(1L, 2L);
        assertThat(proxy.stats().get("cluster.grpc.upstream_rq_2xx")).isGreaterThanOrEqualTo(20);
    }

    @Test
    void aTrailersOnlyErrorFromTheServerReachesTheClient() {
        ManagedChannel channel = channel("grpc.example.com");
        try {
            AtomicReference<Metadata> trailers = new AtomicReference<>();
            Status status = failure(() -> call(channel, "missing", trailers));
            assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(status.getDescription()).isEqualTo("no such thing");
            assertThat(trailers.get().get(TRAILER)).isEqualTo("sent");
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void localRepliesAreGrpcStatuses() {
        ManagedChannel noRoute = channel("nowhere.example.com");
        ManagedChannel noHealthy = channel("empty.example.com");
        try {
            Status unimplemented = failure(() -> call(noRoute, "x", new AtomicReference<>()));
            assertThat(unimplemented.getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
            Status unavailable = failure(() -> call(noHealthy, "x", new AtomicReference<>()));
            assertThat(unavailable.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(unavailable.getDescription()).isEqualTo("no healthy upstream");
        } finally {
            noRoute.shutdownNow();
            noHealthy.shutdownNow();
        }
    }

    @Test
    void grpcTimeoutIsCappedByTheRoutesGrpcTimeoutHeaderMax() {
        ManagedChannel channel = channel("capped.example.com");
        try {
            // The client allows 20 s (grpc-timeout); the route caps it at 300 ms: the proxy answers first.
            Status status = failure(() -> call(channel, "slow", new AtomicReference<>()));
            assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(status.getDescription()).isEqualTo("upstream request timeout");
        } finally {
            channel.shutdownNow();
        }
        assertThat(proxy.stats().get("cluster.grpc.upstream_rq_timeout")).isEqualTo(1);
    }

    @Test
    void aClusterUsingTheClientsProtocolTakesHttp2ForAnHttp2Client() {
        ManagedChannel channel = channel("client-protocol.example.com");
        try {
            assertThat(call(channel, "again", new AtomicReference<>())).isEqualTo("hello again");
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void theHttp2PoolIsBoundedByStreamsPerConnectionConnectionsAndPendingRequests() throws Exception {
        ManagedChannel channel = channel("bounded.example.com");
        try {
            assertThat(call(channel, "warm", new AtomicReference<>())).isEqualTo("hello warm");
            // max_concurrent_streams 2 on the one connection max_connections allows, 1 pending request.
            var first = ClientCalls.futureUnaryCall(channel.newCall(SAY, CallOptions.DEFAULT
                    .withDeadlineAfter(30, TimeUnit.SECONDS)), "hold");
            Await.until("first call held", WAIT, () -> held.get() == 1);
            var second = ClientCalls.futureUnaryCall(channel.newCall(SAY, CallOptions.DEFAULT
                    .withDeadlineAfter(30, TimeUnit.SECONDS)), "hold");
            Await.until("second call held", WAIT, () -> held.get() == 2);
            long pendingBefore = under.stat("cluster.bounded.upstream_rq_pending_total");
            var third = ClientCalls.futureUnaryCall(channel.newCall(SAY, CallOptions.DEFAULT
                    .withDeadlineAfter(30, TimeUnit.SECONDS)), "after");
            Await.until("third call pending", WAIT,
                    () -> under.stat("cluster.bounded.upstream_rq_pending_total") == pendingBefore + 1);
            Status overflow = failure(() -> call(channel, "fourth", new AtomicReference<>()));
            assertThat(overflow.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(overflow.getDescription()).endsWith("reset reason: overflow");
            release.countDown();
            assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo("released");
            assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo("released");
            assertThat(third.get(30, TimeUnit.SECONDS)).isEqualTo("hello after");
        } finally {
            release.countDown();
            channel.shutdownNow();
        }
        assertThat(under.stat("cluster.bounded.upstream_cx_total")).isEqualTo(1);
        assertThat(under.stat("http.ingress.rs_flag.UO")).isEqualTo(1);
    }
}
