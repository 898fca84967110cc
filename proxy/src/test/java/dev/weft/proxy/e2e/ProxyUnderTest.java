package dev.weft.proxy.e2e;

import com.google.protobuf.Any;
import dev.weft.controlplane.xds.ConfigChange;
import dev.weft.controlplane.xds.ResourceType;
import dev.weft.controlplane.xds.server.XdsServer;
import dev.weft.controlplane.xds.server.XdsServerOptions;
import dev.weft.proxy.Proxy;
import dev.weft.proxy.bootstrap.Bootstrap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;

/** A real weftd xDS server serving {@code source}, and a proxy (2 event loops) fed by it, until ready. */
final class ProxyUnderTest implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(30);

    final MutableSource source;
    final XdsServer server;
    final Proxy proxy;

    ProxyUnderTest(MutableSource source, String nodeId) {
        this.source = source;
        try {
            int xdsPort = freePort();
            server = new XdsServer(source, XdsServerOptions.defaults().withAddress("127.0.0.1", xdsPort)
                    .withDebounce(Duration.ZERO, Duration.ZERO)).start();
            proxy = Proxy.start(Bootstrap.of(nodeId, "127.0.0.1", xdsPort).withAdminPort(0)
                    .withReconnect(Duration.ofMillis(100), Duration.ofMillis(500)), 2, Duration.ofSeconds(1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Await.until("proxy ready", WAIT, proxy::ready);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    InetSocketAddress listener(String name) {
        return proxy.listenerAddress(name).orElseThrow();
    }

    long stat(String name) {
        return proxy.stats().get(name);
    }

    void push(ResourceType type, String name, Any resource) {
        source.put(type, name, resource);
        server.configChanged(ConfigChange.all("test").onlyTypes(java.util.Set.of(type)));
    }

    @Override
    public void close() {
        proxy.close();
        server.stop();
    }
}
