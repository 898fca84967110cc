package dev.weft.proxy.e2e;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static dev.weft.controlplane.xds.ResourceType.ENDPOINT;
import static dev.weft.controlplane.xds.ResourceType.LISTENER;
import static dev.weft.controlplane.xds.ResourceType.ROUTE;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import dev.weft.controlplane.xds.ResourceType;
import dev.weft.controlplane.xds.server.Nack;
import dev.weft.controlplane.xds.server.ProxyStatus;
import dev.weft.controlplane.xds.server.TypeStatus;
import dev.weft.controlplane.xds.server.XdsServer;
import dev.weft.proxy.Proxy;
import dev.weft.proxy.bootstrap.XdsApi;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The proxy speaking delta ADS ({@code xds.api_type: DELTA_GRPC}) to the real Weft control plane:
 * warm-up and traffic, an update, subscribing and unsubscribing route configurations as listeners
 * come and go, a removed cluster, a NACK with the reason and the old version serving on, and a
 * reconnect to a new server instance that sends only what changed while the proxy was away
 * (initial_resource_versions).
 */
class DeltaXdsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NODE_ID = "router~127.0.0.1~delta-1.weft-system~weft-system.svc.cluster.local";

    private final HttpBackend a = new HttpBackend("a");
    private final HttpBackend b = new HttpBackend("b");
    private final MutableSource source = new MutableSource();
    private RestartableXds xds;
    private Proxy proxy;

    @BeforeEach
    void start() throws IOException {
        source.put(CLUSTER, "a", Envoy.edsCluster("a"))
                .put(CLUSTER, "b", Envoy.edsCluster("b"))
                .put(CLUSTER, "spare", Envoy.edsCluster("spare"))
                .put(ENDPOINT, "a", Envoy.endpoints("a", a.port()))
                .put(ENDPOINT, "b", Envoy.endpoints("b", b.port()))
                .put(ENDPOINT, "spare", Envoy.endpoints("spare", a.port()))
                .put(ROUTE, "routes", routes("routes", "a", null))
                .put(ROUTE, "routes2", routes("routes2", "b", null))
                .put(LISTENER, "ingress", Envoy.httpListener("ingress", 0, "routes"));
        xds = new RestartableXds(source, NODE_ID, options -> options, bootstrap -> bootstrap.withXdsApi(XdsApi.DELTA_GRPC));
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

    private static Any routes(String name, String cluster, VirtualHost extra) {
        RouteConfiguration.Builder routes = RouteConfiguration.newBuilder().setName(name)
                .addVirtualHosts(Envoy.virtualHost("app", "app.example.com").addRoutes(Envoy.toCluster("/", cluster)));
        if (extra != null) {
            routes.addVirtualHosts(extra);
        }
        return Any.pack(routes.build());
    }

    /** "status body" of one request, or the error. */
    private String get(String listener, String host) {
        try (Http1Client client = new Http1Client(proxy.listenerAddress(listener).orElseThrow())) {
            Http1Client.Response response = client.get(host, "/d");
            return response.status() + " " + response.body();
        } catch (IOException e) {
            return e.toString();
        }
    }

    private TypeStatus status(ResourceType type) {
        return server().proxyStatus(NODE_ID).orElseThrow().types().get(type);
    }

    private void push(ResourceType type) {
        XdsSync.pushAndAwaitAck(server(), NODE_ID, type, WAIT);
    }

    @Test
    void warmsUpdatesSubscribesRemovesAndNacksOverDelta() throws IOException {
        ProxyStatus connected = server().proxyStatus(NODE_ID).orElseThrow();
        assertThat(connected.protocol()).isEqualTo(ProxyStatus.Protocol.DELTA);
        assertThat(status(ROUTE).subscribed()).containsExactly("routes");
        assertThat(status(ENDPOINT).subscribed()).containsExactlyInAnyOrder("a", "b", "spare");
        assertThat(get("ingress", "app.example.com")).isEqualTo("200 a /d");

        // An update: only the changed route configuration travels.
        source.put(ROUTE, "routes", routes("routes", "b", null));
        push(ROUTE);
        Await.until("app on b", WAIT, () -> get("ingress", "app.example.com").equals("200 b /d"));

        // A new listener names another route configuration: the proxy subscribes to it...
        source.put(LISTENER, "second", Envoy.httpListener("second", 0, "routes2"));
        push(LISTENER);
        Await.until("routes2 subscribed and ACKed", WAIT, () -> status(ROUTE).subscribed().contains("routes2")
                && XdsSync.allSynced(server(), NODE_ID));
        Await.until("second listener bound", WAIT, () -> proxy.listenerAddress("second").isPresent());
        assertThat(get("second", "app.example.com")).isEqualTo("200 b /d");
        // ...and unsubscribes when the listener is removed (removed_resources).
        source.remove(LISTENER, "second");
        push(LISTENER);
        Await.until("routes2 unsubscribed", WAIT, () -> status(ROUTE).subscribed().equals(List.of("routes")));
        Await.until("second listener gone", WAIT, () -> proxy.listenerAddress("second").isEmpty());

        // A removed cluster: gone from the proxy, and its endpoints unsubscribed.
        source.remove(CLUSTER, "spare").remove(ENDPOINT, "spare");
        push(CLUSTER);
        Await.until("spare gone from /clusters", WAIT,
                () -> !Admin.get(proxy.adminPort(), "/clusters").body().contains("spare::"));
        Await.until("spare endpoints unsubscribed", WAIT,
                () -> !status(ENDPOINT).subscribed().contains("spare"));

        // A NACK: the reason reaches the control plane; the last good version keeps serving.
        var bad = Envoy.virtualHost("bad", "bad.example.com").addRoutes(Envoy.regexToCluster("(", "a")).build();
        source.put(ROUTE, "routes", routes("routes", "a", bad));
        server().configChanged(dev.weft.controlplane.xds.ConfigChange.all("test").onlyTypes(java.util.Set.of(ROUTE)));
        Await.until("RDS NACK", WAIT, () -> lastNack(ROUTE).isPresent());
        assertThat(lastNack(ROUTE).orElseThrow().message())
                .contains("RouteConfiguration routes: virtual_hosts[1].routes[0].match.safe_regex.regex: "
                        + "invalid regex '(': missing closing )");
        assertThat(get("ingress", "app.example.com")).isEqualTo("200 b /d");
        assertThat(get("ingress", "bad.example.com")).startsWith("404");
        // Fixed: accepted.
        source.put(ROUTE, "routes", routes("routes", "a", null));
        push(ROUTE);
        Await.until("app back on a", WAIT, () -> get("ingress", "app.example.com").equals("200 a /d"));
        assertThat(Admin.get(proxy.adminPort(), "/ready").statusCode()).isEqualTo(200);
    }

    private Optional<Nack> lastNack(ResourceType type) {
        return server().proxyStatus(NODE_ID).flatMap(status -> status.types().get(type).lastNack());
    }

    @Test
    void aReconnectGetsOnlyWhatChangedWhileAway() throws Exception {
        xds.stopServer();
        // While away: cluster b changes, spare is removed, the rest stays.
        source.put(CLUSTER, "b", Any.pack(Envoy.edsCluster("b").unpack(Cluster.class).toBuilder()
                .setConnectTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(2)).build()))
                .remove(CLUSTER, "spare").remove(ENDPOINT, "spare");
        xds.startServer();
        Await.until("resynced", WAIT, () -> XdsSync.allSynced(server(), NODE_ID));
        // The proxy said which versions it held: only the changed cluster was sent again...
        assertThat(server().lastSent(NODE_ID, CLUSTER).orElseThrow().keySet()).containsExactly("b");
        assertThat(server().lastSent(NODE_ID, LISTENER).orElseThrow()).isEmpty();
        assertThat(server().lastSent(NODE_ID, ROUTE).orElseThrow()).isEmpty();
        assertThat(server().lastSent(NODE_ID, ENDPOINT).orElseThrow()).isEmpty();
        // ...and the removed one was removed.
        Await.until("spare gone from /clusters", WAIT,
                () -> !Admin.get(proxy.adminPort(), "/clusters").body().contains("spare::"));
        assertThat(Admin.get(proxy.adminPort(), "/clusters").body()).contains("b::default_priority");
        assertThat(get("ingress", "app.example.com")).isEqualTo("200 a /d");
        assertThat(Admin.get(proxy.adminPort(), "/ready").statusCode()).isEqualTo(200);
    }
}
