package dev.weft.controlplane.xds;

import dev.weft.controlplane.testing.BytesMarshaller;
import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static dev.weft.controlplane.xds.ResourceType.ENDPOINT;
import static dev.weft.controlplane.xds.ResourceType.LISTENER;
import static dev.weft.controlplane.xds.ResourceType.ROUTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.weft.controlplane.ControlPlane;
import dev.weft.controlplane.testing.Http;
import dev.weft.controlplane.testing.Wait;
import dev.weft.controlplane.xds.server.ProxyStatus;
import dev.weft.controlplane.xds.server.SyncState;
import dev.weft.controlplane.xds.translate.MeshTranslator;
import dev.weft.controlplane.xds.translate.ProxyResources;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.internal.JsonParser;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.xds.XdsNameResolverProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * grpc-java's own xDS resolver (a proxyless gRPC client dialing {@code xds:///}) against the whole
 * control plane: workloads register over the admin API, Istio config goes in through the admin
 * API's apply, the real {@code IstioTranslator} builds the xDS, and real calls go where the config
 * says. Where grpc-java rejects something, the failure message carries its NACK text.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ProxylessGrpcEndToEndTest {
  private static final String NODE_ID = "sidecar~127.0.0.1~client.default~default.svc.cluster.local";
  private static final String HOST = "greeter.default.svc.cluster.local";
  private static final String TARGET = "xds:///" + HOST + ":50051";
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Metadata.Key<String> END_USER = Metadata.Key.of("end-user", Metadata.ASCII_STRING_MARSHALLER);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String SERVICE = """
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata:
        name: greeter
        namespace: default
      spec:
        hosts: [greeter.default.svc.cluster.local]
        location: MESH_INTERNAL
        ports:
        - number: 50051
          name: grpc
          protocol: GRPC
        resolution: STATIC
        workloadSelector:
          labels:
            app: greeter
      """;

  private static final String SUBSETS = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: greeter
        namespace: default
      spec:
        host: greeter.default.svc.cluster.local
        subsets:
        - name: v1
          labels: {version: v1}
        - name: v2
          labels: {version: v2}
      """;

  /** A new snapshot (the same subsets, round robin said explicitly): makes the control plane push CDS. */
  private static final String SUBSETS_ROUND_ROBIN = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: greeter
        namespace: default
      spec:
        host: greeter.default.svc.cluster.local
        trafficPolicy:
          loadBalancer:
            simple: ROUND_ROBIN
        subsets:
        - name: v1
          labels: {version: v1}
        - name: v2
          labels: {version: v2}
      """;

  /** While set, the v1 subset cluster (the one in use) is served with an LB policy gRPC refuses (see {@link #translator}). */
  private static final AtomicBoolean corruptV1 = new AtomicBoolean();

  @TempDir static Path dir;
  private static ControlPlane controlPlane;
  private static Http http;
  private static final List<Backend> backends = new ArrayList<>();
  private static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    controlPlane = ControlPlane.start(ControlPlane.Options.defaults(dir.resolve("data")).withEphemeralPorts()
        .withWorkloadTtl(Duration.ofMinutes(10)).withTranslator(translator()));
    http = new Http(controlPlane.url());
    backends.add(new Backend("greeter-v1-a", "v1"));
    backends.add(new Backend("greeter-v1-b", "v1"));
    backends.add(new Backend("greeter-v2", "v2"));
    for (Backend b : backends) {
      Http.Response r = http.post("/api/v1/workloads", "application/json", """
          {"name": "%s", "namespace": "default", "service": "greeter",
           "labels": {"app": "greeter", "version": "%s"}, "address": "127.0.0.1",
           "ports": [{"name": "grpc", "number": %d, "protocol": "GRPC"}], "ttlSeconds": 600}
          """.formatted(b.name, b.version, b.port()));
      assertThat(r.status()).as(r.body()).isEqualTo(201);
    }
    apply(SERVICE + "---\n" + SUBSETS);

    // The bootstrap a proxyless client is given (Istio's shape: GENERATOR=grpc makes the node
    // proxyless). grpc-java caches the bootstrap of the io.grpc.xds.bootstrapConfig property for the
    // whole JVM; a per-channel resolver with this bootstrap keeps test classes independent.
    // (Grpc.newChannelBuilder picks its resolver from the global registry and ignores this factory.)
    String bootstrap = """
        {
          "xds_servers": [{
            "server_uri": "127.0.0.1:%d",
            "channel_creds": [{"type": "insecure"}],
            "server_features": ["xds_v3"]
          }],
          "node": {
            "id": "%s",
            "cluster": "client",
            "metadata": {"GENERATOR": "grpc", "NAMESPACE": "default"}
          }
        }""".formatted(controlPlane.xdsPort(), NODE_ID);
    @SuppressWarnings("unchecked")
    Map<String, ?> parsed = (Map<String, ?>) JsonParser.parse(bootstrap);
    @SuppressWarnings("deprecation")
    ManagedChannel c = NettyChannelBuilder.forTarget(TARGET).usePlaintext()
        .nameResolverFactory(XdsNameResolverProvider.createForTest("xds", parsed))
        .build();
    channel = c;
  }

  @AfterAll
  static void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    for (Backend b : backends) {
      b.close();
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  @Test
  void callsReachTheRegisteredBackends() {
    apply(virtualService("""
        - route:
          - destination: {host: greeter.default.svc.cluster.local}
        """));
    awaitRoutes(json -> !json.contains("|v1|") && !json.contains("|v2|"));
    // Round robin picks among connected endpoints: wait until each has answered once.
    backends.forEach(Backend::reset);
    awaitCalls("every backend answering", () -> {
      call(channel);
      return backends.stream().allMatch(b -> b.calls.get() > 0);
    });
    backends.forEach(Backend::reset);
    for (int i = 0; i < 30; i++) {
      assertThat(call(channel)).isIn("v1 greeter-v1-a", "v1 greeter-v1-b", "v2 greeter-v2");
    }
    // Round robin over the service's three endpoints.
    for (Backend b : backends) {
      assertThat(b.calls.get()).as(b.name).isBetween(8, 12);
    }
    ProxyStatus status = controlPlane.xds().proxyStatus(NODE_ID).orElseThrow();
    assertThat(status.proxy().type()).isEqualTo(ProxyType.PROXYLESS_GRPC);
    assertThat(status.types().get(LISTENER).resourceNames()).containsExactly(HOST + ":50051");
    assertThat(controlPlane.xds().proxyConfigJson(NODE_ID, ENDPOINT).orElseThrow())
        .contains("\"portValue\": " + backends.get(0).port())
        .contains("\"portValue\": " + backends.get(2).port());
  }

  @Test
  void weightsAreFollowed() {
    apply(virtualService("""
        - route:
          - destination: {host: greeter.default.svc.cluster.local, subset: v1}
            weight: 90
          - destination: {host: greeter.default.svc.cluster.local, subset: v2}
            weight: 10
        """));
    awaitRoutes(json -> json.contains("\"weight\": 90"));
    awaitCalls("both subsets answer", () -> call(channel).startsWith("v2"));
    int calls = 2000;
    int v1 = 0;
    for (int i = 0; i < calls; i++) {
      if (call(channel).startsWith("v1")) {
        v1++;
      }
    }
    double share = 100.0 * v1 / calls;
    System.out.printf("weights 90/10: v1 answered %d of %d calls (%.1f%%)%n", v1, calls, share);
    assertThat(share).as("v1 share, %").isBetween(87.0, 93.0);
  }

  @Test
  void headerMatchesAreFollowed() {
    apply(virtualService("""
        - match:
          - headers:
              end-user: {exact: jason}
          route:
          - destination: {host: greeter.default.svc.cluster.local, subset: v2}
        - route:
          - destination: {host: greeter.default.svc.cluster.local, subset: v1}
        """));
    awaitRoutes(json -> json.contains("end-user"));
    Metadata jason = new Metadata();
    jason.put(END_USER, "jason");
    Channel asJason = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(jason));
    Metadata other = new Metadata();
    other.put(END_USER, "json");
    Channel asOther = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(other));
    awaitCalls("jason routed to v2", () -> call(asJason).startsWith("v2"));
    for (int i = 0; i < 50; i++) {
      assertThat(call(asJason)).startsWith("v2");
      assertThat(call(asOther)).startsWith("v1");
      assertThat(call(channel)).startsWith("v1");
    }
  }

  @Test
  void anAbortFaultFailsCallsWithItsStatus() {
    apply(virtualService("""
        - fault:
            abort:
              httpStatus: 503
              percentage: {value: 100}
          route:
          - destination: {host: greeter.default.svc.cluster.local, subset: v1}
        """));
    awaitRoutes(json -> json.contains("envoy.filters.http.fault"));
    awaitCalls("calls aborted", () -> {
      try {
        call(channel);
        return false;
      } catch (StatusRuntimeException e) {
        return true;
      }
    });
    backends.forEach(Backend::reset);
    for (int i = 0; i < 20; i++) {
      StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> call(channel));
      assertThat(e).as("call %d", i).isNotNull();
      // gRPC maps HTTP 503 to UNAVAILABLE (gRFC A33, the HTTP-to-gRPC status mapping).
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(e.getStatus().getDescription()).contains("503");
    }
    assertThat(backends.stream().mapToInt(b -> b.calls.get()).sum()).as("calls that reached a backend").isZero();

    apply(virtualService("""
        - fault:
            abort:
              grpcStatus: RESOURCE_EXHAUSTED
              percentage: {value: 100}
          route:
          - destination: {host: greeter.default.svc.cluster.local, subset: v1}
        """));
    awaitRoutes(json -> json.contains("\"grpcStatus\": 8"));
    awaitCalls("calls aborted with RESOURCE_EXHAUSTED", () -> {
      try {
        call(channel);
        return false;
      } catch (StatusRuntimeException e) {
        return e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED;
      }
    });
  }

  @Test
  void aChangedRouteIsFollowedWithinASecond() {
    apply(virtualService("""
        - route:
          - destination: {host: greeter.default.svc.cluster.local, subset: v1}
        """));
    awaitRoutes(json -> json.contains("outbound|50051|v1|") && !json.contains("outbound|50051|v2|"));
    awaitCalls("all calls to v1", () -> call(channel).startsWith("v1"));
    for (int i = 0; i < 10; i++) {
      assertThat(call(channel)).startsWith("v1");
    }

    long before = System.nanoTime();
    apply(virtualService("""
        - route:
          - destination: {host: greeter.default.svc.cluster.local, subset: v2}
        """));
    long applied = System.nanoTime();
    String answer = "";
    long moved = 0;
    // Bounded: polls until one second after the apply returned.
    while (System.nanoTime() - applied < TimeUnit.SECONDS.toNanos(1)) {
      answer = call(channel);
      if (answer.startsWith("v2")) {
        moved = System.nanoTime();
        break;
      }
    }
    assertThat(answer).as("answer within 1 s of the apply").startsWith("v2");
    System.out.printf("route change: first call on the new route %d ms after the apply was sent (%d ms after it returned)%n",
        TimeUnit.NANOSECONDS.toMillis(moved - before), TimeUnit.NANOSECONDS.toMillis(moved - applied));
    for (int i = 0; i < 20; i++) {
      assertThat(call(channel)).startsWith("v2");
    }
  }

  @Test
  void aClusterGrpcRejectsIsReportedAndTheClientKeepsItsConfig() throws IOException {
    apply(virtualService("""
        - route:
          - destination: {host: greeter.default.svc.cluster.local, subset: v1}
        """));
    awaitRoutes(json -> json.contains("outbound|50051|v1|") && !json.contains("outbound|50051|v2|"));
    awaitCalls("all calls to v1", () -> call(channel).startsWith("v1"));

    corruptV1.set(true);
    try {
      apply(SUBSETS_ROUND_ROBIN);
      Wait.until("CDS rejected", WAIT, () -> controlPlane.xds().proxyStatus(NODE_ID)
          .map(st -> st.state(CLUSTER) == SyncState.NACKED).orElse(false));

      // What `weft proxy-status` shows: the admin API's view of the proxy.
      JsonNode cds = proxyView().path("types").path("CDS");
      String reason = cds.path("lastNack").path("message").asText();
      System.out.println("grpc-java rejected CDS: " + reason);
      assertThat(cds.path("state").asText()).isEqualTo("NACKED");
      assertThat(reason).contains("outbound|50051|v1|" + HOST).containsIgnoringCase("lb policy");
      assertThat(cds.path("lastNack").path("version").asText()).isEqualTo(cds.path("sentVersion").asText());
      assertThat(cds.path("ackedVersion").asText()).isNotEmpty().isNotEqualTo(cds.path("sentVersion").asText());
      // The client goes on with the config it accepted last.
      for (int i = 0; i < 20; i++) {
        assertThat(call(channel)).startsWith("v1");
      }
    } finally {
      corruptV1.set(false);
      apply(SUBSETS);
    }
    // Fixed: the next push is acknowledged (the NACK stays until then).
    Wait.until("CDS acknowledged again", WAIT, () -> controlPlane.xds().proxyStatus(NODE_ID)
        .map(st -> st.state(CLUSTER) == SyncState.SYNCED).orElse(false));
    assertThat(proxyView().path("types").path("CDS").path("state").asText()).isEqualTo("SYNCED");
    assertThat(call(channel)).startsWith("v1");
  }

  // ---- helpers

  /**
   * The control plane's own translator, unchanged unless {@link #corruptV1} is set: then the v1
   * subset cluster asks for MAGLEV, which gRPC does not implement (the real translator maps MAGLEV
   * to RING_HASH for proxyless clients, and grpc-java accepts everything else it produces here).
   */
  private static MeshTranslator translator() {
    MeshTranslator real = Translation.meshTranslator();
    return (snapshot, proxy) -> {
      ProxyResources out = real.translate(snapshot, proxy);
      if (!corruptV1.get() || proxy.type() != ProxyType.PROXYLESS_GRPC) {
        return out;
      }
      Map<ResourceType, Map<String, Any>> byType = new EnumMap<>(out.byType());
      Map<String, Any> clusters = new TreeMap<>(out.of(CLUSTER));
      clusters.computeIfPresent("outbound|50051|v1|" + HOST, (name, any) -> {
        try {
          return Any.pack(any.unpack(Cluster.class).toBuilder().setLbPolicy(Cluster.LbPolicy.MAGLEV).build());
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalStateException(e);
        }
      });
      byType.put(CLUSTER, clusters);
      return new ProxyResources(byType);
    };
  }

  private static String virtualService(String http) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: greeter
          namespace: default
        spec:
          hosts: [greeter.default.svc.cluster.local]
          http:
        """ + http.indent(2);
  }

  /** {@code weft apply}'s path: POST /api/v1/apply; the store must accept the write. */
  static void apply(String yaml) {
    Http.Response r = http.post("/api/v1/apply?name=e2e.yaml", "application/yaml", yaml);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  /**
   * Waits until the client has acknowledged every type and the routes served to it match; when it
   * rejects something instead, fails with grpc-java's own explanation (the NACK).
   */
  static void awaitRoutes(Predicate<String> routes) {
    channel.getState(true); // a channel resolves (subscribes) only once it is asked to connect
    Wait.until("the client to acknowledge the new routes; proxy status: " + describeProxy(), WAIT, () -> {
      ProxyStatus s = controlPlane.xds().proxyStatus(NODE_ID).orElse(null);
      if (s == null) {
        return false;
      }
      for (ResourceType t : List.of(LISTENER, ROUTE, CLUSTER, ENDPOINT)) {
        if (s.state(t) == SyncState.NACKED) {
          throw new AssertionError(t + " rejected by grpc-java: " + s.types().get(t).lastNack().orElseThrow().message());
        }
        if (s.state(t) != SyncState.SYNCED) {
          return false;
        }
      }
      return routes.test(controlPlane.xds().proxyConfigJson(NODE_ID, ROUTE).orElse(""));
    });
  }

  private static String describeProxy() {
    return controlPlane.xds().proxyStatus(NODE_ID).map(Object::toString).orElse("not connected");
  }

  /** Calls until {@code ok} (bounded): the resolver applies an acknowledged update asynchronously. */
  static void awaitCalls(String what, java.util.function.BooleanSupplier ok) {
    Wait.until(what, WAIT, () -> {
      try {
        return ok.getAsBoolean();
      } catch (StatusRuntimeException e) {
        return false;
      }
    });
  }

  /** The proxies as {@code weft proxy-status} reads them: GET /api/v1/proxies, by node id. */
  static JsonNode proxyView() throws IOException {
    Http.Response r = http.get("/api/v1/proxies");
    assertThat(r.status()).isEqualTo(200);
    for (JsonNode p : JSON.readTree(r.body()).path("items")) {
      if (p.path("id").asText().equals(NODE_ID)) {
        return p;
      }
    }
    throw new AssertionError("proxy " + NODE_ID + " not in " + r.body());
  }

  private static final MethodDescriptor<byte[], byte[]> HELLO = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName("weft.test.Greeter/Hello")
      .setRequestMarshaller(BytesMarshaller.INSTANCE)
      .setResponseMarshaller(BytesMarshaller.INSTANCE)
      .build();

  /** One call: "{@code <version> <backend name>}" of the backend that answered. */
  static String call(Channel ch) {
    byte[] answer = ClientCalls.blockingUnaryCall(ch, HELLO, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), new byte[0]);
    return new String(answer, StandardCharsets.UTF_8);
  }

  /** A gRPC server on 127.0.0.1 answering Greeter/Hello with its version and name; counts calls. */
  static final class Backend implements AutoCloseable {
    final String name;
    final String version;
    final AtomicInteger calls = new AtomicInteger();
    private final Server server;

    Backend(String name, String version) throws IOException {
      this.name = name;
      this.version = version;
      byte[] reply = (version + " " + name).getBytes(StandardCharsets.UTF_8);
      ServerServiceDefinition service = ServerServiceDefinition.builder("weft.test.Greeter")
          .addMethod(HELLO, ServerCalls.asyncUnaryCall((request, response) -> {
            calls.incrementAndGet();
            response.onNext(reply);
            response.onCompleted();
          }))
          .build();
      server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
    }

    int port() {
      return server.getPort();
    }

    void reset() {
      calls.set(0);
    }

    @Override
    public void close() throws InterruptedException {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
