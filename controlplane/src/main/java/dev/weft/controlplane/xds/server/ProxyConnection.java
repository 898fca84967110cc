package dev.weft.controlplane.xds.server;

import com.google.protobuf.Any;
import dev.weft.controlplane.xds.ProxyNode;
import dev.weft.controlplane.xds.ResourceType;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One ADS stream. Requests (gRPC's thread for the call), pushes (the push threads) and flow control
 * (onReady) all run under this object's lock, so the per-type state needs no further care.
 *
 * <p>Sending is pull-based: a push or a new subscription only marks a type dirty; {@link #flush}
 * computes and sends dirty types, in push order, while the transport has room. A slow proxy
 * therefore holds at most one pending update per type, always computed from the latest
 * configuration: the per-stream queue is bounded by the number of types.
 */
abstract sealed class ProxyConnection<R> permits SotwConnection, DeltaConnection {

    private static final System.Logger LOG = System.getLogger(ProxyConnection.class.getName());

    protected final Connections connections;
    protected final ServerCallStreamObserver<R> out;
    private final long serial;
    private final String peer;
    private final Instant connectedSince;
    protected final Map<ResourceType, TypeState> states = new EnumMap<>(ResourceType.class);
    private final Set<ResourceType> dirty = EnumSet.noneOf(ResourceType.class);
    protected ProxyNode proxy;
    private String connectionId;
    private boolean closed;
    /** Set while a push's response is queued in the transport: told once the stream is ready again ({@link PushWindow}). */
    private Runnable onDrained;

    ProxyConnection(Connections connections, ServerCallStreamObserver<R> out, String peer) {
        this.connections = connections;
        this.out = out;
        this.peer = peer;
        this.serial = connections.nextSerial();
        this.connectedSince = connections.clock.instant();
        this.connectionId = "stream-" + serial;
        for (ResourceType type : ResourceType.values()) {
            states.put(type, new TypeState(type));
        }
    }

    final synchronized String connectionId() {
        return connectionId;
    }

    final synchronized String proxyId() {
        return proxy == null ? "" : proxy.id();
    }

    /**
     * The node, without taking the lock (a push may hold it while translating): it is set once, in
     * {@link #identify}, before the stream is published in {@link Connections}, and never changes.
     */
    final ProxyNode node() {
        return proxy;
    }

    abstract ProxyStatus.Protocol protocol();

    /** Recomputes {@code types} for this proxy and sends what changed. */
    final synchronized void push(Set<ResourceType> types) {
        if (closed || proxy == null) {
            return;
        }
        for (ResourceType type : types) {
            if (states.get(type).requested) {
                dirty.add(type);
            }
        }
        if (types.contains(ResourceType.ROUTE) && states.get(ResourceType.VIRTUAL_HOST).requested) {
            dirty.add(ResourceType.VIRTUAL_HOST); // virtual hosts are cut from the route configurations
        }
        flush();
    }

    /**
     * {@link #push}, then whether nothing it sent is still queued in the transport; if something is,
     * {@code drained} runs once the stream is ready again or ends.
     */
    final synchronized boolean pushThenDrained(Set<ResourceType> types, Runnable drained) {
        push(types);
        if (closed || out.isReady()) {
            return true;
        }
        onDrained = drained;
        return false;
    }

    private void tellDrained() {
        Runnable r = onDrained;
        if (r != null && (closed || out.isReady())) {
            onDrained = null;
            r.run(); // only frees a slot and hands the next job to an executor: takes no stream's lock
        }
    }

    /** Sends dirty types while the transport has room; called again by gRPC when it has room. */
    final synchronized void flush() {
        tellDrained();
        while (!closed && !dirty.isEmpty() && out.isReady()) {
            ResourceType type = dirty.iterator().next();
            dirty.remove(type);
            Map<String, Any> generated;
            try {
                generated = generate(type);
            } catch (RuntimeException e) {
                // Keep the proxy on what it has: a translation bug must not empty its config.
                LOG.log(System.Logger.Level.ERROR, "generating " + type.shortName() + " for " + proxy.id()
                        + " failed; nothing sent", e);
                continue;
            }
            TypeState state = states.get(type);
            if (generated == state.flushedFrom && state.subscriptionChanges == state.flushedAtChange) {
                continue; // the same translated map for the same subscription: what was sent still holds
            }
            Map<String, Any> from = generated;
            Selection selection = connections.selections.get(type, from, state.wildcard, state.names,
                    () -> new Selection(state.type, subscribedPart(state, from)));
            if (sendIfChanged(state, selection)) {
                connections.responsesSent.increment();
            }
            state.flushedFrom = generated;
            state.flushedAtChange = state.subscriptionChanges;
        }
    }

    /**
     * What translation gives this proxy of a type. State of the world has no VHDS (Envoy requires the
     * delta protocol for it): its virtual hosts stay inside the route configurations.
     */
    protected Map<String, Any> generate(ResourceType type) {
        if (type == ResourceType.VIRTUAL_HOST) {
            return Map.of();
        }
        return connections.source.resources(proxy, type);
    }

    /** Sends the proxy what differs from what it has. Returns whether a response went out. */
    protected abstract boolean sendIfChanged(TypeState state, Selection desired);

    protected final void markDirty(ResourceType type) {
        dirty.add(type);
    }

    private TreeMap<String, Any> subscribedPart(TypeState state, Map<String, Any> generated) {
        TreeMap<String, Any> desired = new TreeMap<>();
        generated.forEach((name, resource) -> {
            if (!state.wants(name)) {
                return;
            }
            if (!resource.getTypeUrl().equals(state.type.typeUrl())) {
                LOG.log(System.Logger.Level.ERROR, "translation gave " + state.type.shortName() + " resource "
                        + name + " of type " + resource.getTypeUrl() + "; not sent");
                return;
            }
            desired.put(name, resource);
        });
        return desired;
    }

    /**
     * Reads the node of the first request and makes the stream visible to pushes and status.
     * Returns false (and ends the stream) when the first request has no node.
     */
    /**
     * The state of the type a request is about, once the stream is identified (its first request
     * names the node) and the type is one the server serves; empty means "ignore this request".
     */
    protected final java.util.Optional<TypeState> stateFor(boolean hasNode, io.envoyproxy.envoy.config.core.v3.Node node,
            String typeUrl) {
        if (isClosed() || !identify(hasNode, node)) {
            return java.util.Optional.empty();
        }
        java.util.Optional<ResourceType> type = ResourceType.ofTypeUrl(typeUrl);
        if (type.isEmpty()) {
            System.getLogger(ProxyConnection.class.getName()).log(System.Logger.Level.DEBUG,
                    () -> proxy.id() + " asked for unserved type " + typeUrl);
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(states.get(type.get()));
    }

    protected final boolean identify(boolean hasNode, io.envoyproxy.envoy.config.core.v3.Node node) {
        if (proxy != null) {
            return true;
        }
        if (!hasNode || node.getId().isEmpty()) {
            close(Status.INVALID_ARGUMENT.withDescription("the first request of a stream must carry node.id"));
            return false;
        }
        proxy = ProxyNode.of(node);
        connectionId = proxy.id() + "-" + serial;
        connections.opened(this);
        return true;
    }

    protected final Instant now() {
        return connections.clock.instant();
    }

    /** Ends the stream from the server side (shutdown, protocol error). */
    final synchronized void close(Status status) {
        if (closed) {
            return;
        }
        closed = true;
        connections.closed(this);
        tellDrained();
        try {
            out.onError(status.asRuntimeException());
        } catch (RuntimeException alreadyGone) {
            // the client went away at the same moment
        }
    }

    /** The client cancelled, failed, or closed its side. */
    final synchronized void clientGone(boolean halfClosed) {
        if (closed) {
            return;
        }
        closed = true;
        connections.closed(this);
        tellDrained();
        if (halfClosed) {
            try {
                out.onCompleted();
            } catch (RuntimeException alreadyGone) {
                // cancelled meanwhile
            }
        }
    }

    final synchronized boolean isClosed() {
        return closed;
    }

    final synchronized ProxyStatus status() {
        Map<ResourceType, TypeStatus> types = new EnumMap<>(ResourceType.class);
        states.forEach((type, state) -> {
            // VHDS only exists for delta clients that use it: other proxies' status stays as it was.
            if (type != ResourceType.VIRTUAL_HOST || state.requested) {
                types.put(type, state.status());
            }
        });
        return new ProxyStatus(connectionId, proxy, protocol(), peer, connectedSince, types);
    }

    /**
     * What the proxy acknowledged, for each type it was sent. Without the lock (a poller must not hold
     * up pushes): each type's value is consistent, the types need not be from one moment.
     */
    final Map<ResourceType, Acknowledged> acknowledged() {
        Map<ResourceType, Acknowledged> out = new EnumMap<>(ResourceType.class);
        states.forEach((type, state) -> {
            Acknowledged a = state.acknowledged();
            if (a != null) {
                out.put(type, a);
            }
        });
        return out;
    }

    /** The resources of {@code type} the proxy was last given, by name. */
    final synchronized Map<String, Any> given(ResourceType type) {
        return java.util.Collections.unmodifiableSortedMap(new TreeMap<>(states.get(type).given));
    }

    final synchronized String sentVersion(ResourceType type) {
        return states.get(type).sentVersion;
    }

    final Instant connectedSince() {
        return connectedSince;
    }
}
