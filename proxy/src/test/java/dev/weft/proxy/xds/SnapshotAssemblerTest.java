package dev.weft.proxy.xds;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

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
}
