package dev.weft.controlplane.testing;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.weft.controlplane.xds.ResourceType;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The delta (incremental) counterpart of {@link SimulatedProxy}, behaving like an Envoy sidecar with
 * {@code ads_config.api_type: DELTA_GRPC}: CDS and LDS wildcard, then EDS and RDS by the names its
 * clusters and listeners use, and VHDS (type VirtualHost) by the names of the route configurations
 * that carry {@code vhds} (Envoy's VhdsSubscription). It parses every resource it is sent before
 * ACKing, as Envoy does, keeps each resource's version, and on reconnect sends them as
 * {@code initial_resource_versions}.
 */
public final class SimulatedDeltaProxy implements SimulatedXdsClient {
  private static final List<ResourceType> TYPES = List.of(ResourceType.CLUSTER, ResourceType.ENDPOINT, ResourceType.LISTENER,
      ResourceType.ROUTE, ResourceType.VIRTUAL_HOST);

  private final ManagedChannel channel;
  private final Node node;
  private final ScheduledExecutorService timer;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Map<ResourceType, TypeState> states = new EnumMap<>(ResourceType.class);
  private StreamObserver<DeltaDiscoveryRequest> requests;
  private int generation;
  private int attempt;
  private boolean closed;
  private boolean nodeSent;

  /** What the proxy holds of one type. */
  private static final class TypeState {
    final ResourceType type;
    final TreeSet<String> names = new TreeSet<>();
    /** Resource name -> version. */
    final Map<String, String> versions = new HashMap<>();
    /** Resource name -> the names it makes the proxy subscribe to (EDS of a cluster, RDS of a listener, VHDS of a route). */
    final Map<String, Set<String>> refs = new HashMap<>();
    String ackedVersion = "";
    boolean awaiting;
    int responses;
    long lastAckNanos;

    TypeState(ResourceType type) {
      this.type = type;
    }

    boolean subscribed() {
      return type.wildcardByDefault() || !names.isEmpty();
    }
  }

  public SimulatedDeltaProxy(ManagedChannel channel, Node node, ScheduledExecutorService timer, Duration initialBackoff,
      Duration maxBackoff) {
    this.channel = channel;
    this.node = node;
    this.timer = timer;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    for (ResourceType t : TYPES) {
      states.put(t, new TypeState(t));
    }
  }

  @Override
  public String id() {
    return node.getId();
  }

  @Override
  public synchronized void start() {
    openStream();
  }

  private synchronized void openStream() {
    if (closed) {
      return;
    }
    int gen = ++generation;
    nodeSent = false;
    requests = AggregatedDiscoveryServiceGrpc.newStub(channel).deltaAggregatedResources(new StreamObserver<>() {
      @Override
      public void onNext(DeltaDiscoveryResponse response) {
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
    });
    for (ResourceType t : TYPES) {
      TypeState s = states.get(t);
      if (s.subscribed()) {
        send(s, "", null, s.type.wildcardByDefault() ? Set.of() : s.names, Set.of(), s.versions);
        s.awaiting = true;
      }
    }
  }

  private void send(TypeState s, String nonce, String error, Set<String> subscribe, Set<String> unsubscribe,
      Map<String, String> initialVersions) {
    DeltaDiscoveryRequest.Builder b = DeltaDiscoveryRequest.newBuilder()
        .setTypeUrl(s.type.typeUrl())
        .setResponseNonce(nonce)
        .addAllResourceNamesSubscribe(subscribe)
        .addAllResourceNamesUnsubscribe(unsubscribe)
        .putAllInitialResourceVersions(initialVersions);
    if (!nodeSent) {
      b.setNode(node);
      nodeSent = true;
    }
    if (error != null) {
      b.setErrorDetail(com.google.rpc.Status.newBuilder().setCode(3).setMessage(error));
    }
    try {
      requests.onNext(b.build());
    } catch (RuntimeException streamGone) {
      // onError follows and reconnects
    }
  }

  private synchronized void received(int gen, DeltaDiscoveryResponse response) {
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
    Map<String, Set<String>> refs = new HashMap<>();
    try {
      for (Resource r : response.getResourcesList()) {
        refs.put(r.getName(), parse(type, r.getResource()));
      }
    } catch (InvalidProtocolBufferException e) {
      // As Envoy: a response it cannot read is rejected, and it keeps what it had.
      send(s, response.getNonce(), type.shortName() + " resource does not parse: " + e.getMessage(), Set.of(), Set.of(), Map.of());
      return;
    }
    for (String removed : response.getRemovedResourcesList()) {
      s.versions.remove(removed);
      s.refs.remove(removed);
    }
    for (Resource r : response.getResourcesList()) {
      s.versions.put(r.getName(), r.getVersion());
    }
    s.refs.putAll(refs);
    s.ackedVersion = response.getSystemVersionInfo();
    s.lastAckNanos = System.nanoTime();
    send(s, response.getNonce(), null, Set.of(), Set.of(), Map.of());
    switch (type) {
      case CLUSTER -> resubscribe(states.get(ResourceType.ENDPOINT), s);
      case LISTENER -> resubscribe(states.get(ResourceType.ROUTE), s);
      case ROUTE -> resubscribe(states.get(ResourceType.VIRTUAL_HOST), s);
      default -> {
        // endpoints and virtual hosts name nothing further
      }
    }
  }

  /** Subscribes {@code target} to what the resources of {@code from} reference. */
  private void resubscribe(TypeState target, TypeState from) {
    TreeSet<String> wanted = new TreeSet<>();
    from.refs.values().forEach(wanted::addAll);
    if (wanted.equals(target.names)) {
      return;
    }
    TreeSet<String> added = new TreeSet<>(wanted);
    added.removeAll(target.names);
    TreeSet<String> removed = new TreeSet<>(target.names);
    removed.removeAll(wanted);
    target.names.clear();
    target.names.addAll(wanted);
    if (target.type == ResourceType.VIRTUAL_HOST) {
      // a namespace: dropping it drops its virtual hosts
      target.versions.keySet().removeIf(n -> removed.stream().anyMatch(ns -> n.startsWith(ns + "/")));
    } else {
      target.versions.keySet().retainAll(wanted);
    }
    target.refs.keySet().retainAll(target.versions.keySet());
    send(target, "", null, added, removed, Map.of());
    target.awaiting = !added.isEmpty();
  }

  /** Parses a resource (every one, as Envoy does) and returns the names it makes the proxy subscribe to. */
  private static Set<String> parse(ResourceType type, Any a) throws InvalidProtocolBufferException {
    switch (type) {
      case CLUSTER -> {
        return SimulatedProxy.edsServiceName(a.unpack(Cluster.class)).map(Set::of).orElse(Set.of());
      }
      case LISTENER -> {
        return SimulatedProxy.rdsNames(List.of(a));
      }
      case ROUTE -> {
        RouteConfiguration config = a.unpack(RouteConfiguration.class);
        return config.hasVhds() ? Set.of(config.getName()) : Set.of();
      }
      case ENDPOINT -> {
        a.unpack(io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment.class);
        return Set.of();
      }
      case VIRTUAL_HOST -> {
        a.unpack(io.envoyproxy.envoy.config.route.v3.VirtualHost.class);
        return Set.of();
      }
      default -> {
        return Set.of();
      }
    }
  }

  private synchronized void ended(int gen) {
    if (gen != generation || closed) {
      return;
    }
    long delay = SimulatedProxy.reconnectDelayMillis(initialBackoff, maxBackoff, attempt);
    attempt++;
    timer.schedule(this::openStream, delay, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized String ackedVersion(ResourceType type) {
    TypeState s = states.get(type);
    return s == null ? "" : s.ackedVersion;
  }

  @Override
  public synchronized long lastAckNanos(ResourceType type) {
    TypeState s = states.get(type);
    return s == null ? 0 : s.lastAckNanos;
  }

  /** The resource names held of a type. */
  public synchronized Set<String> names(ResourceType type) {
    return Set.copyOf(states.get(type).versions.keySet());
  }

  @Override
  public synchronized boolean synced() {
    for (TypeState s : states.values()) {
      if (s.subscribed() && (s.awaiting || s.responses == 0)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    StreamObserver<DeltaDiscoveryRequest> r;
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
  }
}
