package dev.weft.proxy.e2e;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static dev.weft.controlplane.xds.ResourceType.ENDPOINT;
import static dev.weft.controlplane.xds.ResourceType.LISTENER;
import static dev.weft.controlplane.xds.ResourceType.ROUTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import dev.weft.controlplane.xds.ResourceType;
import dev.weft.controlplane.xds.server.SyncState;
import dev.weft.controlplane.xds.server.XdsServer;
import dev.weft.controlplane.xds.server.XdsServerOptions;
import dev.weft.proxy.Proxy;
import dev.weft.proxy.bootstrap.Bootstrap;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 4, "a freshly started proxy is not ready until it has its config": the control plane
 * withholds one of CDS, EDS or RDS. The proxy has the rest (ACKed), yet /ready answers 503 and the
 * listener's port refuses connections; once the withheld type is sent, /ready says 200 and traffic
 * flows.
 */
class WarmingTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NODE_ID = "router~127.0.0.1~warming-1.weft-system~weft-system.svc.cluster.local";

    @ParameterizedTest
    @EnumSource(value = ResourceType.class, names = {"CLUSTER", "ENDPOINT", "ROUTE"})
    void notReadyAndNotListeningUntilTheWithheldTypeArrives(ResourceType withheld) throws Exception {
        int listenerPort = ProxyUnderTest.freePort();
        Map<ResourceType, Map.Entry<String, Any>> config = Map.of(
                CLUSTER, Map.entry("a", Envoy.edsCluster("a")),
                ROUTE, Map.entry("routes", Any.pack(RouteConfiguration.newBuilder().setName("routes")
                        .addVirtualHosts(Envoy.virtualHost("app", "*").addRoutes(Envoy.toCluster("/", "a")))
                        .build())),
                LISTENER, Map.entry("ingress", Envoy.httpListener("ingress", listenerPort, "routes")));
        try (HttpBackend backend = new HttpBackend("a")) {
            MutableSource source = new MutableSource();
            config.forEach((type, resource) -> {
                if (type != withheld) {
                    source.put(type, resource.getKey(), resource.getValue());
                }
            });
            Any endpoints = Envoy.endpoints("a", backend.port());
            if (withheld != ENDPOINT) {
                source.put(ENDPOINT, "a", endpoints);
            }
            XdsServer server = new XdsServer(source, XdsServerOptions.defaults().withAddress("127.0.0.1", 0)
                    .withDebounce(Duration.ZERO, Duration.ZERO)).start();
            try (Proxy proxy = Proxy.start(Bootstrap.of(NODE_ID, "127.0.0.1", server.port()).withAdminPort(0)
                    .withReconnect(Duration.ofMillis(100), Duration.ofMillis(500)), 2, Duration.ofSeconds(1))) {
                // The listener (and, for EDS/RDS, the cluster or route config) reached the proxy and was ACKed.
                Await.until("LDS ACKed", WAIT, () -> server.proxyStatus(NODE_ID)
                        .map(status -> status.state(LISTENER) == SyncState.SYNCED).orElse(false));
                if (withheld != CLUSTER) {
                    Await.until("CDS ACKed", WAIT, () -> server.proxyStatus(NODE_ID)
                            .map(status -> status.state(CLUSTER) == SyncState.SYNCED).orElse(false));
                }
                // Give a wrongly eager proxy time to bind: the ACKs above are sent after applying.
                Thread.sleep(300);
                assertThat(Admin.get(proxy.adminPort(), "/ready").statusCode()).isEqualTo(503);
                assertThat(proxy.ready()).isFalse();
                assertThat(proxy.listenerAddress("ingress")).isEmpty();
                assertThatThrownBy(() -> new Http1Client(new InetSocketAddress("127.0.0.1", listenerPort)).close())
                        .isInstanceOf(ConnectException.class);

                if (withheld == ENDPOINT) {
                    source.put(ENDPOINT, "a", endpoints);
                } else {
                    source.put(withheld, config.get(withheld).getKey(), config.get(withheld).getValue());
                }
                server.configChanged(dev.weft.controlplane.xds.ConfigChange.all("test")
                        .onlyTypes(java.util.Set.of(withheld)));
                Await.until("/ready 200", WAIT, () -> Admin.get(proxy.adminPort(), "/ready").statusCode() == 200);
                try (Http1Client client = new Http1Client(new InetSocketAddress("127.0.0.1", listenerPort))) {
                    Http1Client.Response response = client.get("app.example.com", "/warm");
                    assertThat(response.status()).isEqualTo(200);
                    assertThat(response.body()).isEqualTo("a /warm");
                }
            } finally {
                server.stop();
            }
        }
    }
}
