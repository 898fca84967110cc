package dev.weft.controlplane.testing;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.weft.controlplane.xds.ResourceType;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A hand-written state-of-the-world ADS client that behaves like an Envoy sidecar: subscribes to CDS
 * and LDS (wildcard), then to the EDS of its EDS clusters and the RDS its listeners name, ACKs every
 * response (or NACKs one when told to), and when its stream fails reconnects with exponential
 * backoff and jitter, resending the versions and names it has (so the server can resync it).
 *
 * <p>Lean enough that the xDS benchmark runs a thousand of them on a few shared channels; tests use
 * {@link #keepResources} to look at what was received.
 */
public final class SimulatedProxy implements SimulatedXdsClient {
  private static final List<ResourceType> TYPES =
      List.of(ResourceType.CLUSTER, ResourceType.ENDPOINT, ResourceType.LISTENER, ResourceType.ROUTE);

  private final ManagedChannel channel;
  private final boolean ownsChannel;
  private final Node node;
  private final ScheduledExecutorService timer;
  private final boolean keepResources;
  private final boolean parseAll;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Map<ResourceType, TypeState> states = new EnumMap<>(ResourceType.class);
  private final List<Long> backoffMillis = new ArrayList<>();
  private StreamObserver<DiscoveryRequest> requests;
  private int generation;
  private int attempt;
  private int streamsOpened;
  private boolean closed;
  private final Map<ResourceType, String> nackNext = new EnumMap<>(ResourceType.class);

  /** What the proxy holds of one type. */
  private static final class TypeState {
    final ResourceType type;
    TreeSet<String> names = new TreeSet<>();
    String ackedVersion = "";
    String lastNonce = "";
    boolean awaiting; // a request went out that no response has answered yet
    boolean nacked; // the last response was rejected
    int responses;
    long lastAckNanos;
    Map<String, Any> resources = Map.of();

    TypeState(ResourceType type) {
      this.type = type;
    }

    boolean subscribed() {
      return type.wildcardByDefault() || !names.isEmpty();
    }
  }

  /**
   * @param channel shared by several proxies, or owned ({@link #connect})
   * @param timer runs reconnect attempts; shared by several proxies
   * @param keepResources keep the last resources of each type (tests); off, only versions are kept
   */
  public SimulatedProxy(ManagedChannel channel, Node node, ScheduledExecutorService timer, boolean keepResources, Duration initialBackoff,
      Duration maxBackoff) {
    this(channel, false, node, timer, keepResources, initialBackoff, maxBackoff, true);
  }

  /**
   * @param parseAll parse every route configuration and endpoint assignment before ACKing, as Envoy
   *     does (the default); false reads only what subscriptions need (cluster and listener names), for
   *     comparing with benchmark runs made before clients parsed everything
   */
  public SimulatedProxy(ManagedChannel channel, Node node, ScheduledExecutorService timer, boolean keepResources, Duration initialBackoff,
      Duration maxBackoff, boolean parseAll) {
    this(channel, false, node, timer, keepResources, initialBackoff, maxBackoff, parseAll);
  }

  private SimulatedProxy(ManagedChannel channel, boolean ownsChannel, Node node, ScheduledExecutorService timer, boolean keepResources,
      Duration initialBackoff, Duration maxBackoff, boolean parseAll) {
    this.parseAll = parseAll;
    this.channel = channel;
    this.ownsChannel = ownsChannel;
    this.node = node;
    this.timer = timer;
    this.keepResources = keepResources;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    for (ResourceType t : TYPES) {
      states.put(t, new TypeState(t));
    }
  }

  /** A proxy with its own channel to 127.0.0.1:port that keeps what it receives. */
  public static SimulatedProxy connect(int port, Node node, ScheduledExecutorService timer, Duration initialBackoff, Duration maxBackoff) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    SimulatedProxy p = new SimulatedProxy(channel, true, node, timer, true, initialBackoff, maxBackoff, true);
    p.start();
    return p;
  }

  /** An Istio-style sidecar node: {@code sidecar~IP~NAME.NS~NS.svc.cluster.local} with NAMESPACE and LABELS metadata. */
  public static Node sidecar(String name, String namespace, String ip, Map<String, String> labels) {
    Struct.Builder labelStruct = Struct.newBuilder();
    labels.forEach((k, v) -> labelStruct.putFields(k, Value.newBuilder().setStringValue(v).build()));
    return Node.newBuilder()
        .setId("sidecar~" + ip + "~" + name + "." + namespace + "~" + namespace + ".svc.cluster.local")
        .setCluster(labels.getOrDefault("app", name) + "." + namespace)
        .setMetadata(Struct.newBuilder()
            .putFields("NAMESPACE", Value.newBuilder().setStringValue(namespace).build())
            .putFields("LABELS", Value.newBuilder().setStructValue(labelStruct).build())
            .putFields("ISTIO_VERSION", Value.newBuilder().setStringValue("1.28.0").build()))
        .build();
  }

  @Override
  public String id() {
    return node.getId();
  }

  /** Opens the stream. */
  @Override
  public synchronized void start() {
    openStream();
  }

  private synchronized void openStream() {
    if (closed) {
      return;
    }
    int gen = ++generation;
    streamsOpened++;
    StreamObserver<DiscoveryResponse> observer = new StreamObserver<>() {
      @Override
      public void onNext(DiscoveryResponse response) {
        received(gen, response);
      }

      @Override
      public void onError(Throwable t) {
        ended(gen);
      }

      @Override
      public void onCompleted() {
        ended(gen);
      }
    };
    requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(observer);
    boolean first = true;
    for (ResourceType t : TYPES) {
      TypeState s = states.get(t);
      if (s.subscribed()) {
        // As Envoy does on a new stream: what it has (version, names), no nonce.
        send(request(s, s.ackedVersion, "", first));
        s.awaiting = true;
        first = false;
      }
    }
  }

  private DiscoveryRequest request(TypeState s, String version, String nonce, boolean withNode) {
    DiscoveryRequest.Builder b = DiscoveryRequest.newBuilder()
        .setTypeUrl(s.type.typeUrl())
        .addAllResourceNames(s.names)
        .setVersionInfo(version)
        .setResponseNonce(nonce);
    if (withNode) {
      b.setNode(node);
    }
    return b.build();
  }

  private void send(DiscoveryRequest r) {
    try {
      requests.onNext(r);
    } catch (RuntimeException streamGone) {
      // onError follows and reconnects
    }
  }

  private synchronized void received(int gen, DiscoveryResponse response) {
    if (gen != generation || closed) {
      return;
    }
    attempt = 0;
    ResourceType type = ResourceType.ofTypeUrl(response.getTypeUrl()).orElse(null);
    TypeState s = type == null ? null : states.get(type);
    if (s == null) {
      return;
    }
    s.responses++;
    s.awaiting = false;
    s.lastNonce = response.getNonce();
    String nack = nackNext.remove(type);
    if (nack != null) {
      s.nacked = true;
      send(request(s, s.ackedVersion, response.getNonce(), false).toBuilder()
          .setErrorDetail(com.google.rpc.Status.newBuilder().setCode(3).setMessage(nack)).build());
      return;
    }
    String invalid = parseAll ? unparseable(type, response.getResourcesList()) : null;
    if (invalid != null) {
      // As Envoy: a response it cannot read is rejected, and it keeps what it had.
      s.nacked = true;
      send(request(s, s.ackedVersion, response.getNonce(), false).toBuilder()
          .setErrorDetail(com.google.rpc.Status.newBuilder().setCode(3).setMessage(invalid)).build());
      return;
    }
    TreeSet<String> wantEds = null;
    TreeSet<String> wantRds = null;
    if (type == ResourceType.CLUSTER) {
      wantEds = edsNames(response.getResourcesList());
    } else if (type == ResourceType.LISTENER) {
      wantRds = rdsNames(response.getResourcesList());
    }
    if (keepResources) {
      Map<String, Any> byName = new TreeMap<>();
      for (Any a : response.getResourcesList()) {
        byName.put(name(type, a), a);
      }
      s.resources = byName;
    }
    s.nacked = false;
    s.ackedVersion = response.getVersionInfo();
    s.lastAckNanos = System.nanoTime();
    send(request(s, s.ackedVersion, s.lastNonce, false));
    if (wantEds != null) {
      resubscribe(states.get(ResourceType.ENDPOINT), wantEds);
    }
    if (wantRds != null) {
      resubscribe(states.get(ResourceType.ROUTE), wantRds);
    }
  }

  private void resubscribe(TypeState s, TreeSet<String> names) {
    if (names.equals(s.names)) {
      return;
    }
    s.names = names;
    send(request(s, s.ackedVersion, s.lastNonce, false));
    s.awaiting = !names.isEmpty();
    if (names.isEmpty()) {
      s.resources = Map.of();
    }
  }

  private synchronized void ended(int gen) {
    if (gen != generation || closed) {
      return;
    }
    long delay = reconnectDelayMillis(initialBackoff, maxBackoff, attempt);
    attempt++;
    backoffMillis.add(delay);
    timer.schedule(this::openStream, delay, TimeUnit.MILLISECONDS);
  }

  /**
   * Parses every route configuration and endpoint assignment of a response into its message, as
   * Envoy does before it ACKs (clusters and listeners are parsed below, for the names they
   * subscribe to): the ACK then means the bytes were read, not only received. Returns the error of
   * the first resource that does not parse, else null.
   */
  private static String unparseable(ResourceType type, List<Any> resources) {
    for (Any a : resources) {
      try {
        switch (type) {
          case ROUTE -> a.unpack(io.envoyproxy.envoy.config.route.v3.RouteConfiguration.class);
          case ENDPOINT -> a.unpack(io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment.class);
          default -> {
            // parsed where their names are read
          }
        }
      } catch (InvalidProtocolBufferException e) {
        return type.shortName() + " resource does not parse: " + e.getMessage();
      }
    }
    return null;
  }

  /** Envoy's reconnect delay: the backoff doubles per attempt up to the maximum, half fixed, half jitter. */
  static long reconnectDelayMillis(Duration initial, Duration max, int attempt) {
    long base = Math.min(max.toMillis(), initial.toMillis() << Math.min(attempt, 20));
    return base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
  }

  /** The EDS service an EDS cluster subscribes to (its own name when unset); empty for other clusters. */
  static java.util.Optional<String> edsServiceName(Cluster c) {
    if (c.getType() != Cluster.DiscoveryType.EDS) {
      return java.util.Optional.empty();
    }
    String service = c.getEdsClusterConfig().getServiceName();
    return java.util.Optional.of(service.isEmpty() ? c.getName() : service);
  }

  private static TreeSet<String> edsNames(List<Any> clusters) {
    TreeSet<String> out = new TreeSet<>();
    for (Any a : clusters) {
      try {
        edsServiceName(a.unpack(Cluster.class)).ifPresent(out::add);
      } catch (InvalidProtocolBufferException e) {
        // not a cluster: nothing to subscribe to
      }
    }
    return out;
  }

  static TreeSet<String> rdsNames(List<Any> listeners) {
    TreeSet<String> out = new TreeSet<>();
    for (Any a : listeners) {
      try {
        Listener l = a.unpack(Listener.class);
        if (l.hasApiListener()) {
          addRds(out, l.getApiListener().getApiListener());
        }
        List<FilterChain> chains = new ArrayList<>(l.getFilterChainsList());
        if (l.hasDefaultFilterChain()) {
          chains.add(l.getDefaultFilterChain());
        }
        for (FilterChain chain : chains) {
          for (Filter f : chain.getFiltersList()) {
            if (f.hasTypedConfig()) {
              addRds(out, f.getTypedConfig());
            }
          }
        }
      } catch (InvalidProtocolBufferException e) {
        // not a listener
      }
    }
    return out;
  }

  private static void addRds(TreeSet<String> out, Any config) throws InvalidProtocolBufferException {
    if (config.is(HttpConnectionManager.class)) {
      HttpConnectionManager hcm = config.unpack(HttpConnectionManager.class);
      if (hcm.hasRds()) {
        out.add(hcm.getRds().getRouteConfigName());
      }
    }
  }

  private static String name(ResourceType type, Any a) {
    try {
      return switch (type) {
        case CLUSTER -> a.unpack(Cluster.class).getName();
        case LISTENER -> a.unpack(Listener.class).getName();
        case ROUTE -> a.unpack(io.envoyproxy.envoy.config.route.v3.RouteConfiguration.class).getName();
        case ENDPOINT -> a.unpack(io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment.class).getClusterName();
        case VIRTUAL_HOST -> a.unpack(io.envoyproxy.envoy.config.route.v3.VirtualHost.class).getName();
        case SECRET -> a.unpack(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret.class).getName();
      };
    } catch (InvalidProtocolBufferException e) {
      return "?" + a.getTypeUrl();
    }
  }

  // ---- what the proxy holds

  /** The next response of {@code type} is rejected with {@code message}. */
  public synchronized void nackNext(ResourceType type, String message) {
    nackNext.put(type, message);
  }

  @Override
  public synchronized String ackedVersion(ResourceType type) {
    return states.get(type).ackedVersion;
  }

  /** System.nanoTime() of the last ACK of a type (0 if none). */
  @Override
  public synchronized long lastAckNanos(ResourceType type) {
    return states.get(type).lastAckNanos;
  }

  public synchronized int responses(ResourceType type) {
    return states.get(type).responses;
  }

  /** The last resources of a type, by name (empty unless {@code keepResources}). */
  public synchronized Map<String, Any> resources(ResourceType type) {
    return Map.copyOf(states.get(type).resources);
  }

  /** Every subscribed type has had a response to its latest request, and it was ACKed. */
  @Override
  public synchronized boolean synced() {
    for (TypeState s : states.values()) {
      if (s.subscribed() && (s.awaiting || s.nacked || s.responses == 0)) {
        return false;
      }
    }
    return true;
  }

  public synchronized int streamsOpened() {
    return streamsOpened;
  }

  /** The reconnect delays used so far, in order. */
  public synchronized List<Long> backoffMillis() {
    return List.copyOf(backoffMillis);
  }

  @Override
  public void close() {
    StreamObserver<DiscoveryRequest> r;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      r = requests;
    }
    try {
      r.onCompleted();
    } catch (RuntimeException alreadyGone) {
      // nothing to close
    }
    if (ownsChannel) {
      try {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
