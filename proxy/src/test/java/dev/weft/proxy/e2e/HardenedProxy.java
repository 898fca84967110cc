package dev.weft.proxy.e2e;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static dev.weft.controlplane.xds.ResourceType.ENDPOINT;
import static dev.weft.controlplane.xds.ResourceType.LISTENER;
import static dev.weft.controlplane.xds.ResourceType.ROUTE;

import com.google.protobuf.Any;
import dev.weft.controlplane.xds.server.XdsServer;
import dev.weft.controlplane.xds.server.XdsServerOptions;
import dev.weft.proxy.Proxy;
import dev.weft.proxy.bootstrap.Bootstrap;
import dev.weft.proxy.config.ProxyLimits;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * One proxy fed by a real xDS server, with one listener ("edge", every host to the cluster
 * "backend") in front of a {@link RecordingBackend}: what the hardening tests attack.
 */
final class HardenedProxy implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(60);
    private static final String NODE_ID = "router~127.0.0.1~edge.weft-system~weft-system.svc.cluster.local";

    final RecordingBackend backend;
    final XdsServer xds;
    final Proxy proxy;

    HardenedProxy(ProxyLimits limits, UnaryOperator<HttpConnectionManager.Builder> hcm) throws IOException {
        backend = new RecordingBackend();
        MutableSource source = new MutableSource()
                .put(CLUSTER, "backend", Envoy.edsCluster("backend"))
                .put(ENDPOINT, "backend", Envoy.endpoints("backend", backend.port()))
                .put(LISTENER, "edge", Envoy.httpListener("edge", 0, "edge-routes", hcm))
                .put(ROUTE, "edge-routes", Any.pack(RouteConfiguration.newBuilder().setName("edge-routes")
                        .addVirtualHosts(Envoy.virtualHost("all", "*").addRoutes(Envoy.toCluster("/", "backend")))
                        .build()));
        int xdsPort = freePort();
        xds = new XdsServer(source, XdsServerOptions.defaults().withAddress("127.0.0.1", xdsPort)
                .withDebounce(Duration.ZERO, Duration.ZERO)).start();
        proxy = Proxy.start(Bootstrap.of(NODE_ID, "127.0.0.1", xdsPort).withAdminPort(0)
                .withReconnect(Duration.ofMillis(100), Duration.ofMillis(500)), 2, limits);
        Await.until("/ready 200", WAIT, () -> Admin.get(proxy.adminPort(), "/ready").statusCode() == 200);
    }

    InetSocketAddress address() {
        return proxy.listenerAddress("edge").orElseThrow();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException {
        proxy.close();
        xds.stop();
        backend.close();
    }
}
