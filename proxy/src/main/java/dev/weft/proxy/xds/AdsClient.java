package dev.weft.proxy.xds;

import com.google.rpc.Status;
import dev.weft.proxy.bootstrap.Bootstrap;
import dev.weft.proxy.config.ConfigSnapshot;
import dev.weft.proxy.net.Transport;
import dev.weft.proxy.xds.XdsResourceType.Resource;
import dev.weft.proxy.xds.XdsResourceType.ResourceException;
import dev.weft.proxy.xds.XdsState.TypeState;
import dev.weft.proxy.bootstrap.XdsApi;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * ADS client, state of the world (the default) or delta (bootstrap {@code xds.api_type: DELTA_GRPC}).
 * Subscribes to all listeners and clusters, then to the route configurations and endpoint
 * assignments they name; converts every resource at the edge and answers each response with an
 * ACK, or a NACK naming each resource it refused and why (valid resources of the same response are
 * still taken; a refused one keeps its last good version). When the stream breaks it reconnects
 * with backoff and keeps serving what it has. Each accepted response yields a new
 * {@link ConfigSnapshot} (warming applied) for the {@link SnapshotListener}.
 *
 * <p>Delta: a response carries only changed resources (each with its version) and the names of
 * removed ones; as listeners and clusters come and go the client subscribes and unsubscribes route
 * configurations and endpoint assignments by name; on reconnect it tells the server the versions
 * it holds ({@code initial_resource_versions}) so that only what changed meanwhile is sent again.
 *
 * <p>All state lives on one thread ({@code xds-client}); gRPC callbacks hop onto it.
 */
public final class AdsClient implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(AdsClient.class.getName());
    private static final int INVALID_ARGUMENT = 3;
    private static final int MAX_NACK_CHARS = 4096;

    private final Bootstrap bootstrap;
    private final SnapshotListener listener;
    private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
            Thread.ofPlatform().name("xds-client").daemon(true).factory());
    private final ManagedChannel channel;
    private final Backoff backoff;
    private final XdsState state = new XdsState();
    private volatile ConfigSnapshot snapshot = ConfigSnapshot.EMPTY;
    private volatile XdsDump dump = XdsDump.EMPTY;
    private volatile boolean connected;
    private final boolean delta;
    private ClientCallStreamObserver<DiscoveryRequest> stream;
    private ClientCallStreamObserver<DeltaDiscoveryRequest> deltaStream;
    private long streamId;
    private boolean closed;
    private boolean nodeSent;

    /**
     * The stream to the control plane runs on the proxy's own event loops and channel type (no
     * second Netty, allocator or I/O threads for one connection: measured in
     * bench/results/proxy-2026-11-27-jvmflags.md).
     */
    public AdsClient(Bootstrap bootstrap, SnapshotListener listener, Transport transport) {
        this.bootstrap = bootstrap;
        this.listener = listener;
        this.delta = bootstrap.xdsApi() == XdsApi.DELTA_GRPC;
        // A pending reconnect must not keep close() waiting.
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.backoff = new Backoff(bootstrap.reconnectInitial(), bootstrap.reconnectMax(), ThreadLocalRandom.current());
        // An IP address is used as is (gRPC's direct-address resolver): no DNS resolver and no
        // resolver thread for a control plane on 127.0.0.1; a host name is still resolved by DNS.
        String host = bootstrap.xdsHost();
        NettyChannelBuilder builder = NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host)
                ? NettyChannelBuilder.forAddress(new InetSocketAddress(
                        NetUtil.createInetAddressFromIpAddressString(host), bootstrap.xdsPort()))
                : NettyChannelBuilder.forAddress(host, bootstrap.xdsPort());
        // gRPC's callbacks (and response parsing) run on the xds-client thread instead of gRPC's own
        // cached pool: three threads less per proxy, and every callback already hops there. After
        // close() the executor refuses work; the callbacks then run where they are (they do nothing).
        java.util.concurrent.Executor callbacks = task -> {
            try {
                executor.execute(task);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                task.run();
            }
        };
        this.channel = builder
                .executor(callbacks)
                .offloadExecutor(callbacks)
                .eventLoopGroup(transport.workers())
                .channelType(transport.clientChannel())
                .usePlaintext()
                .keepAliveTime(30, TimeUnit.SECONDS)
                .keepAliveTimeout(10, TimeUnit.SECONDS)
                .maxInboundMessageSize(64 * 1024 * 1024)
                .build();
    }

    public void start() {
        executor.execute(this::connect);
    }

    /** The current snapshot (what the data plane serves). */
    public ConfigSnapshot snapshot() {
        return snapshot;
    }

    /** The accepted resources as received, for /config_dump. */
    public XdsDump dump() {
        return dump;
    }

    /** Whether a stream to the control plane is open right now. */
    public boolean connected() {
        return connected;
    }

    private void connect() {
        if (closed) {
            return;
        }
        long id = ++streamId;
        nodeSent = false;
        if (id > 1) {
            // Our backoff (with the bootstrap's bounds) decides when to try again, not the
            // channel's own (1 s growing to 2 min): a control plane back after an outage of minutes
            // is found within xds.reconnect.max.
            channel.resetConnectBackoff();
        }
        var stub = AggregatedDiscoveryServiceGrpc.newStub(channel);
        if (delta) {
            stub.deltaAggregatedResources(this.<DeltaDiscoveryRequest, DeltaDiscoveryResponse>observer(id,
                    this::onDeltaResponse, started -> deltaStream = started));
        } else {
            stub.streamAggregatedResources(this.<DiscoveryRequest, DiscoveryResponse>observer(id,
                    this::onResponse, started -> stream = started));
        }
        // Envoy's order: clusters (and their endpoints) before listeners (and their routes).
        for (XdsResourceType<?> type : XdsResourceType.ALL) {
            TypeState<?> typeState = state.of(type);
            if (type.wildcard() || !typeState.subscribed.isEmpty()) {
                if (delta) {
                    // Resuming: the versions we hold let the server send only what changed.
                    sendDelta(typeState, "", null, type.wildcard() ? Set.of() : typeState.subscribed, Set.of(),
                            typeState.versions);
                } else {
                    // Resuming: the versions we hold let the server skip what we already have.
                    send(typeState, typeState.acceptedVersion, "", null);
                }
            }
        }
    }

    /** The stream's callbacks, hopped onto the client thread; those of an old stream are dropped. */
    private <Q, R> ClientResponseObserver<Q, R> observer(long id, Consumer<R> onResponse,
            Consumer<ClientCallStreamObserver<Q>> started) {
        return new ClientResponseObserver<>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<Q> requestStream) {
                started.accept(requestStream);
            }

            @Override
            public void onNext(R response) {
                onClientThread(() -> {
                    if (id == streamId && !closed) {
                        connected = true;
                        backoff.reset();
                        onResponse.accept(response);
                    }
                });
            }

            @Override
            public void onError(Throwable error) {
                io.grpc.Status status = io.grpc.Status.fromThrowable(error);
                String cause = status.getCause() == null ? "" : ": " + status.getCause().getMessage();
                onClientThread(() -> streamEnded(id, status.getCode() + " " + status.getDescription() + cause));
            }

            @Override
            public void onCompleted() {
                onClientThread(() -> streamEnded(id, "closed by the server"));
            }
        };
    }

    private void streamEnded(long id, String why) {
        if (id != streamId || closed) {
            return;
        }
        connected = false;
        stream = null;
        deltaStream = null;
        Duration delay = backoff.next();
        LOG.log(System.Logger.Level.WARNING, "xDS stream to " + bootstrap.xdsHost() + ":" + bootstrap.xdsPort()
                + " ended (" + why + "); keeping the last configuration, reconnecting in " + delay.toMillis() + " ms");
        executor.schedule(this::connect, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static XdsResourceType<?> typeOf(String typeUrl) {
        XdsResourceType<?> type = XdsResourceType.ALL.stream()
                .filter(t -> t.typeUrl().equals(typeUrl))
                .findFirst().orElse(null);
        if (type == null) {
            LOG.log(System.Logger.Level.DEBUG, "ignoring xDS response of type " + typeUrl);
        }
        return type;
    }

    private void onResponse(DiscoveryResponse response) {
        XdsResourceType<?> type = typeOf(response.getTypeUrl());
        if (type == null) {
            return;
        }
        List<String> errors = apply(state.of(type), response);
        TypeState<?> typeState = state.of(type);
        typeState.lastNonce = response.getNonce();
        if (errors.isEmpty()) {
            typeState.acceptedVersion = response.getVersionInfo();
            typeState.lastError = "";
            send(typeState, typeState.acceptedVersion, response.getNonce(), null);
        } else {
            String message = nackMessage(type, response.getVersionInfo(), errors);
            typeState.lastError = message;
            LOG.log(System.Logger.Level.WARNING, message);
            send(typeState, typeState.acceptedVersion, response.getNonce(), message);
        }
        updateSubscriptions();
        publish();
    }

    /** Follows what the accepted listeners and clusters now reference (routes, endpoints, secrets). */
    private void updateSubscriptions() {
        updateSubscription(state.routes, state.wantedRoutes());
        updateSubscription(state.endpoints, state.wantedEndpoints());
        updateSubscription(state.secrets, state.wantedSecrets());
        if (delta) {
            updateSubscription(state.virtualHosts, state.wantedVirtualHosts());
        }
    }

    /** Takes the valid resources of a response; returns one error line per refused resource. */
    private <T> List<String> apply(TypeState<T> typeState, DiscoveryResponse response) {
        XdsResourceType<T> type = typeState.type;
        List<String> errors = new ArrayList<>();
        Map<String, Resource<T>> next = new LinkedHashMap<>();
        Set<String> refused = new TreeSet<>();
        for (var any : response.getResourcesList()) {
            try {
                Resource<T> resource = type.parse(any);
                if (resource.config() instanceof dev.weft.proxy.route.RouteTable table && table.vhds()) {
                    // Envoy: "vhds: ADS must use DELTA_GRPC api_type when used as VHDS config source".
                    throw new ResourceException(resource.name(), "vhds needs the delta protocol (xds.api_type: DELTA_GRPC)");
                }
                if (next.putIfAbsent(resource.name(), resource) != null) {
                    errors.add(type.kind() + " " + resource.name() + ": duplicate resource name in one response");
                }
            } catch (ResourceException e) {
                errors.add(type.kind() + " " + (e.resourceName().isEmpty() ? "(unnamed)" : e.resourceName())
                        + ": " + e.getMessage());
                refused.add(e.resourceName());
            }
        }
        Map<String, Resource<T>> result = new LinkedHashMap<>();
        if (type.wildcard()) {
            // State of the world: what is not in the response is gone, except a refused resource,
            // which keeps its last good version.
            for (String name : refused) {
                Resource<T> old = typeState.resources.get(name);
                if (old != null) {
                    result.put(name, old);
                }
            }
            result.putAll(next);
        } else {
            // RDS/EDS: the response carries the subscribed resources; keep only subscribed ones.
            result.putAll(typeState.resources);
            result.putAll(next);
            result.keySet().retainAll(typeState.subscribed);
        }
        typeState.resources.clear();
        typeState.resources.putAll(result);
        typeState.received = true;
        return errors;
    }

    private void onDeltaResponse(DeltaDiscoveryResponse response) {
        XdsResourceType<?> type = typeOf(response.getTypeUrl());
        if (type == null) {
            return;
        }
        TypeState<?> typeState = state.of(type);
        List<String> errors = applyDelta(typeState, response);
        if (type == XdsResourceType.VIRTUAL_HOST) {
            state.vhdsPending.clear(); // answered: every namespace subscribed so far has what exists of it
        }
        if (type == XdsResourceType.VIRTUAL_HOST || type == XdsResourceType.ROUTE) {
            errors.addAll(state.joinVirtualHosts());
        }
        typeState.lastNonce = response.getNonce();
        if (errors.isEmpty()) {
            typeState.acceptedVersion = response.getSystemVersionInfo();
            typeState.lastError = "";
            sendDelta(typeState, response.getNonce(), null, Set.of(), Set.of(), Map.of());
        } else {
            String message = nackMessage(type, response.getSystemVersionInfo(), errors);
            typeState.lastError = message;
            LOG.log(System.Logger.Level.WARNING, message);
            sendDelta(typeState, response.getNonce(), message, Set.of(), Set.of(), Map.of());
        }
        updateSubscriptions();
        publish();
    }

    /**
     * Takes the valid resources of a delta response and drops the removed ones; returns one error
     * line per refused resource (which keeps its last good version, and that version's number).
     */
    private <T> List<String> applyDelta(TypeState<T> typeState, DeltaDiscoveryResponse response) {
        XdsResourceType<T> type = typeState.type;
        List<String> errors = new ArrayList<>();
        Map<String, Resource<T>> next = new LinkedHashMap<>();
        Map<String, String> versions = new LinkedHashMap<>();
        for (var resource : response.getResourcesList()) {
            if (!resource.hasResource()) {
                continue; // a name and version only (on-demand heartbeat): nothing to take
            }
            try {
                Resource<T> parsed = type.parse(resource.getResource());
                if (!resource.getName().isEmpty() && !resource.getName().equals(parsed.name())) {
                    errors.add(type.kind() + " " + resource.getName() + ": the resource inside is named '"
                            + parsed.name() + "'");
                } else if (next.putIfAbsent(parsed.name(), parsed) != null) {
                    errors.add(type.kind() + " " + parsed.name() + ": duplicate resource name in one response");
                } else if (type.wildcard() || subscribedTo(typeState, parsed.name())) {
                    versions.put(parsed.name(), resource.getVersion());
                } else {
                    next.remove(parsed.name()); // not (or no longer) subscribed
                }
            } catch (ResourceException e) {
                errors.add(type.kind() + " " + (e.resourceName().isEmpty() ? resource.getName() : e.resourceName())
                        + ": " + e.getMessage());
            }
        }
        for (String name : response.getRemovedResourcesList()) {
            typeState.resources.remove(name);
            typeState.versions.remove(name);
        }
        next.keySet().retainAll(versions.keySet());
        typeState.resources.putAll(next);
        typeState.versions.putAll(versions);
        typeState.received = true;
        return errors;
    }

    /** Whether a resource is one the client subscribed to: by name, or for VHDS by its namespace. */
    private static boolean subscribedTo(TypeState<?> typeState, String name) {
        return typeState.subscribed.contains(name) || (typeState.type == XdsResourceType.VIRTUAL_HOST
                && typeState.subscribed.contains(XdsState.vhdsNamespace(name)));
    }

    private static String nackMessage(XdsResourceType<?> type, String version, List<String> errors) {
        StringBuilder message = new StringBuilder(type.shortName()).append(" version ").append(version)
                .append(" rejected: ");
        message.append(String.join("; ", errors));
        return message.length() > MAX_NACK_CHARS ? message.substring(0, MAX_NACK_CHARS - 3) + "..."
                : message.toString();
    }

    private void updateSubscription(TypeState<?> typeState, Set<String> wanted) {
        if (wanted.equals(typeState.subscribed)) {
            return;
        }
        boolean hadAny = !typeState.subscribed.isEmpty();
        Set<String> added = new TreeSet<>(wanted);
        added.removeAll(typeState.subscribed);
        Set<String> removed = new TreeSet<>(typeState.subscribed);
        removed.removeAll(wanted);
        typeState.subscribed.clear();
        typeState.subscribed.addAll(wanted);
        typeState.resources.keySet().removeIf(name -> !subscribedTo(typeState, name));
        typeState.versions.keySet().removeIf(name -> !subscribedTo(typeState, name));
        if (typeState.type == XdsResourceType.VIRTUAL_HOST) {
            // A new namespace's route configuration warms until the server answers with its virtual hosts.
            state.vhdsPending.retainAll(wanted);
            state.vhdsPending.addAll(added);
        }
        if (delta) {
            sendDelta(typeState, "", null, added, removed, Map.of());
        } else if (!wanted.isEmpty() || hadAny) {
            send(typeState, typeState.acceptedVersion, typeState.lastNonce, null);
        }
    }

    /** A delta request: an ACK/NACK of {@code nonce} (when not empty) and/or subscription changes. */
    private void sendDelta(TypeState<?> typeState, String nonce, String error, Set<String> subscribe,
            Set<String> unsubscribe, Map<String, String> initialVersions) {
        if (deltaStream == null) {
            return;
        }
        DeltaDiscoveryRequest.Builder request = DeltaDiscoveryRequest.newBuilder()
                .setTypeUrl(typeState.type.typeUrl())
                .setResponseNonce(nonce)
                .addAllResourceNamesSubscribe(subscribe)
                .addAllResourceNamesUnsubscribe(unsubscribe)
                .putAllInitialResourceVersions(initialVersions);
        if (!nodeSent) {
            request.setNode(bootstrap.node());
            nodeSent = true;
        }
        if (error != null) {
            request.setErrorDetail(Status.newBuilder().setCode(INVALID_ARGUMENT).setMessage(error));
        }
        try {
            deltaStream.onNext(request.build());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot send on the xDS stream: " + e);
        }
    }

    private void send(TypeState<?> typeState, String version, String nonce, String error) {
        if (stream == null) {
            return;
        }
        DiscoveryRequest.Builder request = DiscoveryRequest.newBuilder()
                .setTypeUrl(typeState.type.typeUrl())
                .setVersionInfo(version)
                .setResponseNonce(nonce);
        if (!typeState.type.wildcard()) {
            request.addAllResourceNames(typeState.subscribed);
        }
        if (!nodeSent) {
            request.setNode(bootstrap.node());
            nodeSent = true;
        }
        if (error != null) {
            request.setErrorDetail(Status.newBuilder().setCode(INVALID_ARGUMENT).setMessage(error));
        }
        try {
            stream.onNext(request.build());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot send on the xDS stream: " + e);
        }
    }

    private void publish() {
        ConfigSnapshot next = SnapshotAssembler.assemble(state, snapshot);
        dump = state.dump();
        if (!next.equals(snapshot)) {
            snapshot = next;
            try {
                listener.onSnapshot(next);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "applying a configuration failed", e);
            }
        }
    }

    /** Runs on the client's thread; after {@link #close} the stream's last callbacks are dropped quietly. */
    private void onClientThread(Runnable task) {
        try {
            executor.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed: nothing left to do
        }
    }

    @Override
    public void close() {
        executor.execute(() -> {
            closed = true;
            connected = false;
            if (stream != null) {
                stream.onCompleted();
            }
            if (deltaStream != null) {
                deltaStream.onCompleted();
            }
        });
        executor.shutdown();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        channel.shutdownNow();
    }
}
