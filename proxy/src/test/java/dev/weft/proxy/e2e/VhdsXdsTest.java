package dev.weft.proxy.e2e;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static dev.weft.controlplane.xds.ResourceType.ENDPOINT;
import static dev.weft.controlplane.xds.ResourceType.LISTENER;
import static dev.weft.controlplane.xds.ResourceType.ROUTE;
import static dev.weft.controlplane.xds.ResourceType.VIRTUAL_HOST;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import dev.weft.controlplane.xds.ConfigChange;
import dev.weft.controlplane.xds.server.SyncState;
import dev.weft.controlplane.xds.server.XdsServer;
import dev.weft.proxy.Proxy;
import dev.weft.proxy.bootstrap.Bootstrap;
import dev.weft.proxy.bootstrap.XdsApi;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * VHDS end to end: the proxy on delta ADS against the real xDS server, which sends the route
 * configuration without its virtual hosts and each virtual host as its own VirtualHost resource.
 * Requests through the proxy's listener show which virtual host answered: routing by Host across
 * VHDS virtual hosts, a change arriving as one VirtualHost update and traffic following it, a
 * removed virtual host, and a reconnect that sends only the virtual host that changed meanwhile.
 */
class VhdsXdsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NODE_ID = "router~127.0.0.1~vhds-1.weft-system~weft-system.svc.cluster.local";

    private final HttpBackend a = new HttpBackend("a");
    private final HttpBackend b = new HttpBackend("b");
    private final MutableSource source = new MutableSource();
    private RestartableXds xds;
    private Proxy proxy;

    @BeforeEach
    void start() throws IOException {
        source.put(CLUSTER, "a", Envoy.edsCluster("a"))
                .put(CLUSTER, "b", Envoy.edsCluster("b"))
                .put(ENDPOINT, "a", Envoy.endpoints("a", a.port()))
                .put(ENDPOINT, "b", Envoy.endpoints("b", b.port()))
                .put(ROUTE, "routes", routes(Map.of("one.example.com", "a", "two.example.com", "b", "three.example.com", "a")))
                .put(LISTENER, "ingress", Envoy.httpListener("ingress", 0, "routes"));
        xds = new RestartableXds(source, NODE_ID, options -> options.withVhdsMinVirtualHosts(2),
                bootstrap -> bootstrap.withXdsApi(XdsApi.DELTA_GRPC));
        proxy = xds.proxy;
    }

    private XdsServer server() {
        return xds.server();
    }

    @AfterEach
    void stop() {
        if (xds != null) {
            xds.close();
        }
        a.close();
        b.close();
    }

    /** One virtual host per domain, every request to its cluster. */
    private static Any routes(Map<String, String> clusterByHost) {
        RouteConfiguration.Builder routes = RouteConfiguration.newBuilder().setName("routes");
        new TreeMap<>(clusterByHost).forEach((host, cluster) ->
                routes.addVirtualHosts(Envoy.virtualHost(host, host).addRoutes(Envoy.toCluster("/", cluster))));
        return Any.pack(routes.build());
    }

    /** "status body" of one request, or the error. */
    private String get(String host) {
        try (Http1Client client = new Http1Client(proxy.listenerAddress("ingress").orElseThrow())) {
            Http1Client.Response response = client.get(host, "/d");
            return response.status() + " " + response.body();
        } catch (IOException e) {
            return e.toString();
        }
    }

    private long responses(dev.weft.controlplane.xds.ResourceType type) {
        return XdsSync.responsesSent(server(), NODE_ID, type);
    }

    /** Announces a route change and waits until the proxy ACKed a VHDS response sent for it. */
    private void pushRoutesAndAwaitVhdsAck() {
        long before = responses(VIRTUAL_HOST);
        server().configChanged(ConfigChange.all("test").onlyTypes(Set.of(ROUTE)));
        Await.until("VHDS pushed and ACKed", WAIT, () -> responses(VIRTUAL_HOST) > before
                && server().proxyStatus(NODE_ID).map(s -> s.state(VIRTUAL_HOST) == SyncState.SYNCED).orElse(false));
    }

    @Test
    void routesByHostAcrossVhdsVirtualHostsAndFollowsOneVirtualHostUpdates() throws Exception {
        // The route configuration came without virtual hosts; they came through VHDS, by namespace.
        RouteConfiguration sent = server().lastSent(NODE_ID, ROUTE).orElseThrow().get("routes").unpack(RouteConfiguration.class);
        assertThat(sent.hasVhds()).isTrue();
        assertThat(sent.getVirtualHostsList()).isEmpty();
        assertThat(server().proxyStatus(NODE_ID).orElseThrow().types().get(VIRTUAL_HOST).subscribed())
                .containsExactly("routes");
        assertThat(server().lastSent(NODE_ID, VIRTUAL_HOST).orElseThrow().keySet())
                .containsExactly("routes/one.example.com", "routes/three.example.com", "routes/two.example.com");
        assertThat(get("one.example.com")).isEqualTo("200 a /d");
        assertThat(get("two.example.com")).isEqualTo("200 b /d");
        assertThat(get("three.example.com")).isEqualTo("200 a /d");
        assertThat(get("other.example.com")).startsWith("404");
        assertThat(Admin.get(proxy.adminPort(), "/config_dump").body()).contains("\"VHDS\"", "routes/two.example.com");

        // One virtual host changes: one VirtualHost goes out, no route configuration, and traffic follows.
        long rdsBefore = responses(ROUTE);
        source.put(ROUTE, "routes", routes(Map.of("one.example.com", "a", "two.example.com", "a", "three.example.com", "a")));
        pushRoutesAndAwaitVhdsAck();
        assertThat(responses(ROUTE)).isEqualTo(rdsBefore);
        Await.until("two.example.com on a", WAIT, () -> get("two.example.com").equals("200 a /d"));
        assertThat(get("one.example.com")).isEqualTo("200 a /d");

        // A removed virtual host: its Host is no longer routed.
        source.put(ROUTE, "routes", routes(Map.of("one.example.com", "a", "two.example.com", "a")));
        pushRoutesAndAwaitVhdsAck();
        Await.until("three.example.com gone", WAIT, () -> get("three.example.com").startsWith("404"));
        assertThat(get("two.example.com")).isEqualTo("200 a /d");
        assertThat(Admin.get(proxy.adminPort(), "/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void aReconnectGetsOnlyTheVirtualHostThatChangedWhileAway() throws Exception {
        xds.stopServer();
        source.put(ROUTE, "routes", routes(Map.of("one.example.com", "a", "two.example.com", "a", "three.example.com", "b")));
        xds.startServer();
        Await.until("resynced", WAIT, () -> XdsSync.allSynced(server(), NODE_ID)
                && server().proxyStatus(NODE_ID).map(s -> s.state(VIRTUAL_HOST) == SyncState.SYNCED).orElse(false));
        // The proxy said which versions it held: only the two changed virtual hosts were sent again.
        assertThat(server().lastSent(NODE_ID, VIRTUAL_HOST).orElseThrow().keySet())
                .containsExactly("routes/three.example.com", "routes/two.example.com");
        assertThat(server().lastSent(NODE_ID, ROUTE).orElseThrow()).isEmpty();
        Await.until("two.example.com on a", WAIT, () -> get("two.example.com").equals("200 a /d"));
        assertThat(get("three.example.com")).isEqualTo("200 b /d");
        assertThat(get("one.example.com")).isEqualTo("200 a /d");
    }

    @Test
    void aStateOfTheWorldProxyGetsWholeRouteConfigurations() throws Exception {
        String sotwId = "router~127.0.0.1~sotw-1.weft-system~weft-system.svc.cluster.local";
        try (Proxy sotw = Proxy.start(Bootstrap.of(sotwId, "127.0.0.1", xds.port).withAdminPort(0), 2, Duration.ofSeconds(1))) {
            Await.until("SotW proxy ready", WAIT, sotw::ready);
            RouteConfiguration whole = server().lastSent(sotwId, ROUTE).orElseThrow().get("routes").unpack(RouteConfiguration.class);
            assertThat(whole.hasVhds()).isFalse();
            assertThat(whole.getVirtualHostsCount()).isEqualTo(3);
            assertThat(server().proxyStatus(sotwId).orElseThrow().types()).doesNotContainKey(VIRTUAL_HOST);
        }
    }
}
