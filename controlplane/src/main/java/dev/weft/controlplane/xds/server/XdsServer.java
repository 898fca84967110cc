package dev.weft.controlplane.xds.server;

import dev.weft.envoy.EnvoyJson;
import com.google.protobuf.Any;
import dev.weft.controlplane.xds.ConfigChange;
import dev.weft.controlplane.xds.ConfigChangeSink;
import dev.weft.controlplane.xds.ProxyConfigSource;
import dev.weft.controlplane.xds.ProxyNode;
import dev.weft.controlplane.xds.ResourceType;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Weft's xDS server: Envoy's Aggregated Discovery Service (state-of-the-world and delta) over gRPC,
 * serving each connected proxy what a {@link ProxyConfigSource} computes for it.
 *
 * <pre>
 * XdsServer server = new XdsServer(translation, XdsServerOptions.defaults()).start();
 * store.onChange(() -> server.configChanged(ConfigChange.all("store")));
 * server.proxyStatus();          // weft proxy-status
 * server.proxyConfigJson(id, t); // weft proxy-config
 * server.stop();
 * </pre>
 */
public final class XdsServer implements ConfigChangeSink, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(XdsServer.class.getName());
    /**
     * Streams a push sends to at once ({@link PushWindow}): enough to keep the event loops and the
     * proxies busy, few enough that a large response is not queued a thousand times over.
     */
    static final int PUSH_WINDOW = 32;
    /** How long a stream that does not take its response holds a slot of the window. */
    static final java.time.Duration PUSH_WINDOW_MAX_HOLD = java.time.Duration.ofSeconds(1);

    private final XdsServerOptions options;
    private final Connections connections;
    private final HealthStatusManager health = new HealthStatusManager();
    private final ScheduledExecutorService timer;
    private final ExecutorService pushers;
    private final PushDebouncer debouncer;
    private final PushWindow window;
    private final AtomicLong changesReceived = new AtomicLong();
    private final AtomicLong pushes = new AtomicLong();
    private Server server;

    /** How this server listens and pushes, as it was started. */
    public XdsServerOptions options() {
        return options;
    }

    public XdsServer(ProxyConfigSource source, XdsServerOptions options) {
        this(source, options, Clock.systemUTC());
    }

    XdsServer(ProxyConfigSource source, XdsServerOptions options, Clock clock) {
        this.options = options;
        this.connections = new Connections(source, clock, options.vhdsMinVirtualHosts());
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                .name("xds-debounce").daemon(true).factory());
        this.pushers = Executors.newFixedThreadPool(options.pushThreads(), Thread.ofPlatform()
                .name("xds-push-", 0).daemon(true).factory());
        this.window = new PushWindow(PUSH_WINDOW, PUSH_WINDOW_MAX_HOLD, pushers, timer);
        this.debouncer = new PushDebouncer(options.debounceQuiet(), options.debounceMax(), timer, this::push,
                System::nanoTime);
    }

    /** Binds and starts serving. */
    public synchronized XdsServer start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        server = NettyServerBuilder.forAddress(new InetSocketAddress(options.host(), options.port()))
                .addService(ServerInterceptors.intercept(new AdsService(connections).serviceDefinition(), AdsService.peerInterceptor()))
                .addService(health.getHealthService())
                .maxInboundMessageSize(options.maxInboundMessageBytes())
                .keepAliveTime(options.keepAliveTime().toNanos(), TimeUnit.NANOSECONDS)
                .keepAliveTimeout(options.keepAliveTimeout().toNanos(), TimeUnit.NANOSECONDS)
                .permitKeepAliveTime(options.permitKeepAliveTime().toNanos(), TimeUnit.NANOSECONDS)
                .permitKeepAliveWithoutCalls(true)
                .maxConnectionAge(options.maxConnectionAge().toNanos(), TimeUnit.NANOSECONDS)
                .maxConnectionAgeGrace(options.maxConnectionAgeGrace().toNanos(), TimeUnit.NANOSECONDS)
                .build()
                .start();
        health.setStatus("", ServingStatus.SERVING);
        LOG.log(System.Logger.Level.INFO, "xDS server listening on " + options.host() + ":" + port());
        return this;
    }

    /** The bound port (the chosen one when started with port 0). */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return server.getPort();
    }

    /** Queues a push; bursts are merged (see {@link XdsServerOptions#debounceQuiet()}). */
    @Override
    public void configChanged(ConfigChange change) {
        changesReceived.incrementAndGet();
        debouncer.add(change);
    }

    private void push(ConfigChange change) {
        pushes.incrementAndGet();
        Set<ResourceType> types = change.typesOrAll();
        for (ProxyConnection<?> connection : connections.all()) {
            if (change.affects(connection.node().id())) {
                window.submit(drained -> connection.pushThenDrained(types, drained));
            }
        }
    }

    /**
     * The nodes of the open streams (a reconnecting proxy may briefly appear twice): what the control
     * plane scopes changes against. Cheap, and never waits for a push in progress.
     */
    public List<ProxyNode> connectedProxies() {
        return connections.all().stream().map(ProxyConnection::node).toList();
    }

    /** Every open stream, oldest first. */
    public List<ProxyStatus> proxyStatus() {
        return connections.all().stream()
                .sorted(Comparator.comparing(ProxyConnection<?>::connectedSince)
                        .thenComparing(ProxyConnection::connectionId))
                .map(ProxyConnection::status)
                .toList();
    }

    /**
     * Per open stream's proxy id, what it acknowledged of each type it asked for: cheaper than
     * {@link #proxyStatus()} (no name lists), for pollers such as the push benchmark.
     */
    public Map<String, Map<ResourceType, Acknowledged>> acknowledged() {
        Map<String, Map<ResourceType, Acknowledged>> out = new java.util.HashMap<>();
        for (ProxyConnection<?> connection : connections.all()) {
            out.put(connection.node().id(), connection.acknowledged());
        }
        return out;
    }

    /** The newest open stream of a proxy (a reconnecting proxy may briefly have two). */
    public Optional<ProxyStatus> proxyStatus(String proxyId) {
        return newest(proxyId).map(ProxyConnection::status);
    }

    /** The resources of a type the proxy was last given, by name (empty if it is not connected). */
    public Optional<Map<String, Any>> lastSent(String proxyId, ResourceType type) {
        return newest(proxyId).map(connection -> connection.given(type));
    }

    /**
     * What the proxy was last given of a type, as the JSON of a DiscoveryResponse (version, type URL,
     * resources with their nested typed configs expanded): the data of {@code weft proxy-config}.
     */
    public Optional<String> proxyConfigJson(String proxyId, ResourceType type) {
        return newest(proxyId).map(connection -> {
            Map<String, Any> given = connection.given(type);
            if (type == ResourceType.ROUTE) {
                // VHDS: show the route configurations with the virtual hosts the proxy was given.
                given = dev.weft.controlplane.xds.translate.VhdsSplit.merge(given,
                        connection.given(ResourceType.VIRTUAL_HOST));
            }
            return EnvoyJson.print(DiscoveryResponse.newBuilder()
                    .setTypeUrl(type.typeUrl())
                    .setVersionInfo(connection.sentVersion(type))
                    .addAllResources(given.values())
                    .build());
        });
    }

    public PushStats pushStats() {
        return new PushStats(changesReceived.get(), pushes.get(), connections.responsesSent.sum(),
                connections.all().size());
    }

    private Optional<ProxyConnection<?>> newest(String proxyId) {
        return connections.all().stream()
                .filter(connection -> connection.proxyId().equals(proxyId))
                .max(Comparator.comparing(ProxyConnection<?>::connectedSince)
                        .thenComparing(ProxyConnection::connectionId));
    }

    /**
     * Stops within {@link XdsServerOptions#shutdownGrace()}: refuses new streams, ends the open ones
     * with UNAVAILABLE (proxies reconnect, to another replica if there is one, and keep their config
     * meanwhile), then waits for the transport to drain and forces it if it does not.
     */
    public synchronized void stop() {
        if (connections.shuttingDown()) {
            return;
        }
        connections.startShutdown();
        debouncer.stop();
        if (server == null) {
            pushers.shutdownNow();
            timer.shutdownNow();
            return;
        }
        health.enterTerminalState();
        server.shutdown();
        for (ProxyConnection<?> connection : connections.all()) {
            connection.close(Status.UNAVAILABLE.withDescription("xDS server is shutting down"));
        }
        pushers.shutdown();
        timer.shutdownNow();
        long deadline = System.nanoTime() + options.shutdownGrace().toNanos();
        try {
            if (!server.awaitTermination(options.shutdownGrace().toNanos(), TimeUnit.NANOSECONDS)) {
                server.shutdownNow();
                server.awaitTermination(1, TimeUnit.SECONDS);
            }
            long left = Math.max(0, deadline - System.nanoTime());
            if (!pushers.awaitTermination(left, TimeUnit.NANOSECONDS)) {
                pushers.shutdownNow();
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            pushers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** For callers that cannot throw IOException (e.g. a lambda wiring the control plane). */
    public static XdsServer started(ProxyConfigSource source, XdsServerOptions options) {
        try {
            return new XdsServer(source, options).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the xDS server on " + options.host() + ":"
                    + options.port() + ": " + e.getMessage(), e);
        }
    }
}
