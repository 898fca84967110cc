package dev.weft.proxy.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.Any;
import dev.weft.proxy.config.ClusterConfig;
import dev.weft.proxy.config.ConfigSnapshot;
import dev.weft.proxy.config.EndpointsConfig;
import dev.weft.proxy.config.HttpConnectionManagerConfig;
import dev.weft.proxy.config.ListenerConfig;
import dev.weft.proxy.config.RouteSource;
import dev.weft.proxy.http.filter.RouterConfig;
import dev.weft.proxy.route.ClusterSpecifier;
import dev.weft.proxy.route.PathMatcher;
import dev.weft.proxy.route.Route;
import dev.weft.proxy.route.RouteAction;
import dev.weft.proxy.route.RouteMatch;
import dev.weft.proxy.route.RouteTable;
import dev.weft.proxy.route.VirtualHost;
import dev.weft.proxy.xds.XdsResourceType.Resource;
import dev.weft.proxy.config.DownstreamTlsSocket;
import dev.weft.proxy.config.FilterChainMatchConfig;
import dev.weft.proxy.config.TransportSocketConfig;
import dev.weft.proxy.network.ConnectionInfo;
import dev.weft.proxy.tls.TlsContextConfig;
import dev.weft.proxy.tls.TlsSecret;
import dev.weft.proxy.tls.TlsTransportSockets;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Warming: nothing is served before what it refers to has arrived; the old version serves meanwhile. */
class SnapshotAssemblerTest {

    private final XdsState state = new XdsState();

    private static ListenerConfig listener(String routeName) {
        HttpConnectionManagerConfig http = new HttpConnectionManagerConfig("in", new RouteSource.Rds(routeName),
                List.of(new RouterConfig("envoy.filters.http.router")), false, 60, Duration.ZERO, Duration.ZERO);
        return new ListenerConfig("l", "127.0.0.1", 0, true,
                List.of(new ListenerConfig.FilterChainConfig("", http)));
    }

    private static RouteTable routes(String name, String cluster) {
        return new RouteTable(name, List.of(new VirtualHost("v", List.of("*"), List.of(new Route("",
                new RouteMatch(new PathMatcher.Prefix("/", true), List.of(), List.of()),
                new RouteAction.Forward(new ClusterSpecifier.Single(cluster), null, null, Duration.ZERO))))));
    }

    private static ClusterConfig eds(String name) {
        return new ClusterConfig(name, ClusterConfig.Discovery.EDS, name, ClusterConfig.LbPolicy.ROUND_ROBIN,
                Duration.ofSeconds(1), ClusterConfig.Limits.DEFAULTS, 0, Optional.empty());
    }

    private static <T> void put(XdsState.TypeState<T> type, String name, T config) {
        type.resources.put(name, new Resource<>(name, Any.getDefaultInstance(), config));
        type.received = true;
    }

    @Test
    void aListenerWaitsForItsRoutesClustersAndEndpoints() {
        state.listeners.received = true;
        state.clusters.received = true;
        put(state.listeners, "l", listener("r1"));
        ConfigSnapshot snapshot = SnapshotAssembler.assemble(state, ConfigSnapshot.EMPTY);
        assertThat(snapshot.listeners()).isEmpty();
        assertThat(snapshot.complete()).isFalse();

        put(state.routes, "r1", routes("r1", "c1"));
        put(state.clusters, "c1", eds("c1"));
        snapshot = SnapshotAssembler.assemble(state, snapshot);
        assertThat(snapshot.listeners()).isEmpty(); // c1 has no endpoints yet
        assertThat(snapshot.clusters()).isEmpty();

        put(state.endpoints, "c1", new EndpointsConfig("c1", List.of()));
        snapshot = SnapshotAssembler.assemble(state, snapshot);
        assertThat(snapshot.listeners()).containsKey("l");
        assertThat(snapshot.clusters()).containsKey("c1");
        assertThat(snapshot.complete()).isTrue();

        // The listener now wants r2 (not there yet): the warmed version keeps serving.
        ConfigSnapshot warm = snapshot;
        put(state.listeners, "l", listener("r2"));
        snapshot = SnapshotAssembler.assemble(state, warm);
        assertThat(snapshot.listeners().get("l")).isSameAs(warm.listeners().get("l"));
        assertThat(snapshot.complete()).isFalse();
    }

    /**
     * A listener with a TLS chain (its certificate by SDS) and a plain-text chain: it warms until the
     * secret arrives; then the TLS chain's transport socket carries its built context (an SslHandler
     * per connection), the plain-text chain none, and an assembly with nothing changed keeps the
     * same context (the listener stays equal: no needless update).
     */
    @Test
    void aTlsChainWarmsUntilItsSecretArrivesThenCarriesItsOwnContext(@TempDir Path dir) throws Exception {
        TlsSecret.Certificate certificate = selfSigned(dir, "a.example.com");
        TlsContextConfig tls = new TlsContextConfig(TlsContextConfig.Side.DOWNSTREAM,
                List.of(new TlsContextConfig.CertificateSource.Sds("kubernetes://a")), Optional.empty(), false, "",
                List.of("http/1.1"), List.of("TLSv1.2", "TLSv1.3"), List.of());
        FilterChainMatchConfig sni = new FilterChainMatchConfig(Optional.empty(), List.of(), List.of("a.example.com"),
                "", List.of(), List.of(), FilterChainMatchConfig.SourceType.ANY, List.of(), List.of());
        HttpConnectionManagerConfig http = listener("r1").http().orElseThrow();
        ListenerConfig mixed = new ListenerConfig("l", "127.0.0.1", 0, true, List.of(
                new ListenerConfig.FilterChainConfig("tls", sni, http, Optional.of(new DownstreamTlsSocket(tls))),
                new ListenerConfig.FilterChainConfig("plain", http)));
        assertThat(mixed.sdsNames()).containsExactly("kubernetes://a");
        state.listeners.received = true;
        state.clusters.received = true;
        put(state.listeners, "l", mixed);
        put(state.routes, "r1", routes("r1", "c1"));
        put(state.clusters, "c1", eds("c1"));
        put(state.endpoints, "c1", new EndpointsConfig("c1", List.of()));

        ConfigSnapshot snapshot = SnapshotAssembler.assemble(state, ConfigSnapshot.EMPTY);
        assertThat(snapshot.listeners()).isEmpty();
        assertThat(snapshot.complete()).isFalse();

        put(state.secrets, "kubernetes://a", certificate);
        snapshot = SnapshotAssembler.assemble(state, snapshot);
        ListenerConfig served = snapshot.listeners().get("l").config();
        TransportSocketConfig socket = served.filterChains().get(0).transportSocket().orElseThrow();
        assertThat(socket).isInstanceOfSatisfying(DownstreamTlsSocket.class,
                built -> assertThat(built.context()).isPresent());
        assertThat(served.filterChains().get(1).transportSocket()).isEmpty();
        InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 1);
        assertThat(new TlsTransportSockets().newHandler(socket,
                ConnectionInfo.of(loopback, loopback, false).withTls("a.example.com", List.of())))
                .isInstanceOf(SslHandler.class);

        ConfigSnapshot again = SnapshotAssembler.assemble(state, snapshot);
        assertThat(again.listeners().get("l")).isEqualTo(snapshot.listeners().get("l"));
        assertThat(((DownstreamTlsSocket) again.listeners().get("l").config().filterChains().get(0).transportSocket()
                .orElseThrow()).context().orElseThrow())
                .isSameAs(((DownstreamTlsSocket) socket).context().orElseThrow());
    }

    private static TlsSecret.Certificate selfSigned(Path dir, String host) throws Exception {
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        Process openssl;
        try {
            openssl = new ProcessBuilder("openssl", "req", "-x509", "-nodes", "-days", "1", "-newkey", "rsa:2048",
                    "-subj", "/CN=" + host, "-keyout", key.toString(), "-out", cert.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "openssl is not installed (Debian package openssl): " + e.getMessage());
            throw e;
        }
        assertThat(openssl.waitFor(30, TimeUnit.SECONDS)).as("openssl finished in 30 s").isTrue();
        assertThat(openssl.exitValue()).isZero();
        return new TlsSecret.Certificate(Files.readString(cert), Files.readString(key));
    }
}
