package dev.weft.controlplane.xds.server;

import static dev.weft.controlplane.xds.ResourceType.ROUTE;
import static dev.weft.controlplane.xds.ResourceType.VIRTUAL_HOST;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import dev.weft.controlplane.xds.ConfigChange;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** VHDS over delta ADS, through a hand-written client: what Envoy's VhdsSubscription expects. */
class VhdsProtocolTest {

    private static final Duration NOTHING = Duration.ofMillis(300);
    private static final Node NODE = AdsClient.node("sidecar~10.0.0.1~reviews-1.default~default.svc.cluster.local");

    private final TestSource source = new TestSource()
            .put(ROUTE, "80", routes("80", Map.of("a.example", "a", "b.example", "b", "c.example", "c")))
            .put(ROUTE, "small", routes("small", Map.of("s.example", "s")));
    private XdsServer server;

    @BeforeEach
    void start() throws Exception {
        server = new XdsServer(source, XdsServerOptions.defaults().withAddress("127.0.0.1", 0)
                .withDebounce(Duration.ZERO, Duration.ZERO).withVhdsMinVirtualHosts(2)).start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private static Any routes(String name, Map<String, String> clusterByDomain) {
        RouteConfiguration.Builder config = RouteConfiguration.newBuilder().setName(name);
        new java.util.TreeMap<>(clusterByDomain).forEach((domain, cluster) -> config.addVirtualHosts(
                virtualHost(domain, cluster)));
        return Any.pack(config.build());
    }

    private static VirtualHost virtualHost(String domain, String cluster) {
        return VirtualHost.newBuilder().setName(domain).addDomains(domain).addDomains(domain + ":80")
                .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
                        .setRoute(RouteAction.newBuilder().setCluster(cluster)))
                .build();
    }

    private static List<String> names(DeltaDiscoveryResponse response) {
        return response.getResourcesList().stream().map(Resource::getName).toList();
    }

    @Test
    void largeRouteConfigurationsComeThroughVhdsOneVirtualHostPerChange() throws Exception {
        try (var client = AdsClient.delta(server.port())) {
            client.send(AdsClient.deltaRequest(NODE, ROUTE, List.of("80", "small"), List.of(), Map.of()));
            DeltaDiscoveryResponse rds = client.next();
            assertThat(names(rds)).containsExactly("80", "small");
            RouteConfiguration split = rds.getResources(0).getResource().unpack(RouteConfiguration.class);
            assertThat(split.getVirtualHostsList()).isEmpty();
            assertThat(split.getVhds().getConfigSource().hasAds()).isTrue();
            assertThat(split.getVhds().getConfigSource().getResourceApiVersion()).isEqualTo(ApiVersion.V3);
            // Below the threshold a route configuration stays whole.
            RouteConfiguration small = rds.getResources(1).getResource().unpack(RouteConfiguration.class);
            assertThat(small.hasVhds()).isFalse();
            assertThat(small.getVirtualHostsCount()).isEqualTo(1);
            client.send(AdsClient.deltaAck(rds));

            // Envoy subscribes to VirtualHost with the route configuration's name (namespace matching).
            client.send(AdsClient.deltaRequest(null, VIRTUAL_HOST, List.of("80"), List.of(), Map.of()));
            DeltaDiscoveryResponse vhds = client.next();
            assertThat(vhds.getTypeUrl()).isEqualTo("type.googleapis.com/envoy.config.route.v3.VirtualHost");
            assertThat(names(vhds)).containsExactly("80/a.example", "80/b.example", "80/c.example");
            assertThat(vhds.getRemovedResourcesList()).isEmpty(); // a namespace is no missing resource
            VirtualHost b = vhds.getResources(1).getResource().unpack(VirtualHost.class);
            assertThat(b.getName()).isEqualTo("80/b.example"); // Envoy keys VHDS virtual hosts by name
            assertThat(b.getDomainsList()).containsExactly("b.example", "b.example:80");
            client.send(AdsClient.deltaAck(vhds));
            Await.until("VHDS ACKed", Duration.ofSeconds(20), () -> server.proxyStatus(NODE.getId())
                    .map(s -> s.state(VIRTUAL_HOST) == SyncState.SYNCED).orElse(false));

            // One virtual host changes: only it moves, and the route configuration is not sent again.
            source.put(ROUTE, "80", routes("80", Map.of("a.example", "a", "b.example", "b2", "c.example", "c")));
            server.configChanged(ConfigChange.all("b moved").onlyTypes(Set.of(ROUTE)));
            DeltaDiscoveryResponse moved = client.next();
            assertThat(moved.getTypeUrl()).isEqualTo(VIRTUAL_HOST.typeUrl());
            assertThat(names(moved)).containsExactly("80/b.example");
            assertThat(moved.getResources(0).getResource().unpack(VirtualHost.class).getRoutes(0).getRoute()
                    .getCluster()).isEqualTo("b2");
            client.send(AdsClient.deltaAck(moved));
            assertThat(client.poll(NOTHING)).isNull();

            // proxy-config routes shows the virtual hosts the proxy has, inside their route configuration.
            String json = server.proxyConfigJson(NODE.getId(), ROUTE).orElseThrow();
            assertThat(json).contains("80/a.example", "80/b.example", "\"b2\"", "\"vhds\"");

            // A removed virtual host is named in removed_resources.
            source.put(ROUTE, "80", routes("80", Map.of("a.example", "a", "b.example", "b2")));
            server.configChanged(ConfigChange.all("c deleted").onlyTypes(Set.of(ROUTE)));
            DeltaDiscoveryResponse removal = client.next();
            assertThat(removal.getTypeUrl()).isEqualTo(VIRTUAL_HOST.typeUrl());
            assertThat(removal.getResourcesList()).isEmpty();
            assertThat(removal.getRemovedResourcesList()).containsExactly("80/c.example");
            client.send(AdsClient.deltaAck(removal));

            // Unsubscribing the namespace: nothing more is sent for it.
            client.send(AdsClient.deltaRequest(null, VIRTUAL_HOST, List.of(), List.of("80"), Map.of()));
            Await.until("VHDS unsubscribed", Duration.ofSeconds(20), () -> server.proxyStatus(NODE.getId())
                    .map(s -> s.types().get(VIRTUAL_HOST).subscribed().isEmpty()).orElse(false));
            source.put(ROUTE, "80", routes("80", Map.of("a.example", "a2", "b.example", "b2")));
            server.configChanged(ConfigChange.all("a moved").onlyTypes(Set.of(ROUTE)));
            assertThat(client.poll(NOTHING)).isNull();
            assertThat(server.lastSent(NODE.getId(), VIRTUAL_HOST).orElseThrow()).isEmpty();
        }
    }

    @Test
    void aReconnectingProxyGetsOnlyTheVirtualHostsThatChanged() throws Exception {
        Map<String, String> had;
        try (var first = AdsClient.delta(server.port())) {
            first.send(AdsClient.deltaRequest(NODE, VIRTUAL_HOST, List.of("80"), List.of(), Map.of()));
            DeltaDiscoveryResponse vhds = first.next();
            had = new java.util.HashMap<>();
            vhds.getResourcesList().forEach(r -> had.put(r.getName(), r.getVersion()));
        }
        source.put(ROUTE, "80", routes("80", Map.of("a.example", "a", "b.example", "b", "c.example", "c3")));
        try (var second = AdsClient.delta(server.port())) {
            second.send(AdsClient.deltaRequest(NODE, VIRTUAL_HOST, List.of("80"), List.of(), had));
            DeltaDiscoveryResponse resumed = second.next();
            assertThat(names(resumed)).containsExactly("80/c.example");
        }
    }

    @Test
    void stateOfTheWorldStreamsKeepWholeRouteConfigurations() throws Exception {
        try (var client = AdsClient.sotw(server.port())) {
            client.send(AdsClient.request(NODE, ROUTE, List.of("80"), "", ""));
            DiscoveryResponse rds = client.next();
            RouteConfiguration whole = rds.getResources(0).unpack(RouteConfiguration.class);
            assertThat(whole.hasVhds()).isFalse();
            assertThat(whole.getVirtualHostsList()).extracting(VirtualHost::getName)
                    .containsExactly("a.example", "b.example", "c.example");
        }
    }
}
