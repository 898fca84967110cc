package dev.weft.controlplane.xds.server;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static dev.weft.controlplane.xds.ResourceType.ENDPOINT;
import static dev.weft.controlplane.xds.ResourceType.LISTENER;
import static dev.weft.controlplane.xds.ResourceType.ROUTE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.controlplane.xds.ConfigChange;
import dev.weft.controlplane.xds.ProxyType;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * grpc-java's own xDS client (the {@code xds:///} resolver of a proxyless gRPC application) driven
 * by the Weft xDS server: real calls go where the served configuration says.
 */
class GrpcXdsClientTest {

    private static final String NODE_ID = "sidecar~127.0.0.1~client.default~default.svc.cluster.local";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static TestSource source;
    private static XdsServer server;
    private static Backend backendA;
    private static Backend backendB;
    private ManagedChannel channel;

    @BeforeAll
    static void startServers() throws Exception {
        backendA = new Backend("backend-a");
        backendB = new Backend("backend-b");
        source = new TestSource();
        server = new XdsServer(source, XdsServerOptions.defaults().withAddress("127.0.0.1", 0)).start();
        // grpc-java reads an inline bootstrap from this property when it creates an xDS client.
        System.setProperty("io.grpc.xds.bootstrapConfig", """
                {
                  "xds_servers": [{
                    "server_uri": "127.0.0.1:%d",
                    "channel_creds": [{"type": "insecure"}],
                    "server_features": ["xds_v3"]
                  }],
                  "node": {
                    "id": "%s",
                    "cluster": "client",
                    "metadata": {"GENERATOR": "grpc", "NAMESPACE": "default"}
                  }
                }""".formatted(server.port(), NODE_ID));
    }

    @AfterAll
    static void stopServers() throws Exception {
        System.clearProperty("io.grpc.xds.bootstrapConfig");
        server.stop();
        backendA.close();
        backendB.close();
    }

    @AfterEach
    void closeChannel() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Serves {@code service} -> route -> cluster-a/cluster-b, routed to {@code cluster}. */
    private static void serve(String service, String cluster) {
        source.put(LISTENER, service, TestResources.apiListener(service, service + "-routes"))
                .put(ROUTE, service + "-routes", TestResources.route(service + "-routes", service, cluster))
                .put(CLUSTER, "cluster-a", TestResources.edsCluster("cluster-a"))
                .put(CLUSTER, "cluster-b", TestResources.edsCluster("cluster-b"))
                .put(ENDPOINT, "cluster-a", TestResources.endpoints("cluster-a", backendA.port()))
                .put(ENDPOINT, "cluster-b", TestResources.endpoints("cluster-b", backendB.port()));
    }

    @Test
    void callsFollowTheServedRoutes() {
        serve("greeter", "cluster-a");
        channel = Grpc.newChannelBuilder("xds:///greeter", InsecureChannelCredentials.create()).build();

        for (int i = 0; i < 5; i++) {
            assertThat(Backend.who(channel)).isEqualTo("backend-a");
        }
        ProxyStatus status = Await.value("every type acknowledged", WAIT,
                () -> server.proxyStatus(NODE_ID).orElseThrow(),
                s -> s.state(LISTENER) == SyncState.SYNCED && s.state(ROUTE) == SyncState.SYNCED
                        && s.state(CLUSTER) == SyncState.SYNCED && s.state(ENDPOINT) == SyncState.SYNCED);
        assertThat(status.proxy().type()).isEqualTo(ProxyType.PROXYLESS_GRPC);
        assertThat(status.proxy().namespace()).isEqualTo("default");
        assertThat(status.types().get(LISTENER).resourceNames()).contains("greeter");
        assertThat(status.types().get(ROUTE).subscribed()).containsExactly("greeter-routes");

        // Move the route to cluster-b: calls must follow within a second (debounce 100 ms included).
        source.put(ROUTE, "greeter-routes", TestResources.route("greeter-routes", "greeter", "cluster-b"));
        server.configChanged(ConfigChange.all("route greeter -> cluster-b"));
        long start = System.nanoTime();
        Set<String> seen = new HashSet<>();
        String answer = "";
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1) && !answer.equals("backend-b")) {
            answer = Backend.who(channel);
            seen.add(answer);
        }
        assertThat(answer).as("backend after 1 s").isEqualTo("backend-b");
        for (int i = 0; i < 5; i++) {
            assertThat(Backend.who(channel)).isEqualTo("backend-b");
        }
        assertThat(server.proxyConfigJson(NODE_ID, ROUTE).orElseThrow())
                .contains("\"cluster\": \"cluster-b\"")
                .contains("type.googleapis.com/envoy.config.route.v3.RouteConfiguration");
    }

    @Test
    void aRejectedClusterIsReportedAndTheClientKeepsItsConfig() {
        serve("nacked", "cluster-a");
        channel = Grpc.newChannelBuilder("xds:///nacked", InsecureChannelCredentials.create()).build();
        assertThat(Backend.who(channel)).isEqualTo("backend-a");
        Await.until("CDS acknowledged", WAIT,
                () -> server.proxyStatus().stream().anyMatch(s -> s.state(CLUSTER) == SyncState.SYNCED
                        && s.types().get(LISTENER).resourceNames().contains("nacked")));

        // gRPC supports round robin, ring hash and least request; MAGLEV is refused.
        source.put(CLUSTER, "cluster-a", TestResources.edsCluster("cluster-a", Cluster.LbPolicy.MAGLEV));
        server.configChanged(ConfigChange.all("cluster-a lb policy"));

        ProxyStatus status = Await.value("CDS rejected", WAIT,
                () -> server.proxyStatus().stream()
                        .filter(s -> s.types().get(LISTENER).resourceNames().contains("nacked"))
                        .findFirst().orElseThrow(),
                s -> s.state(CLUSTER) == SyncState.NACKED);
        TypeStatus cds = status.types().get(CLUSTER);
        Nack nack = cds.lastNack().orElseThrow();
        assertThat(nack.message()).contains("cluster-a").containsIgnoringCase("lb policy");
        assertThat(nack.version()).isEqualTo(cds.sentVersion());
        assertThat(cds.ackedVersion()).isNotEqualTo(cds.sentVersion()).isNotEmpty();

        for (int i = 0; i < 5; i++) {
            assertThat(Backend.who(channel)).isEqualTo("backend-a");
        }

        // Fixing it brings the proxy back in sync.
        source.put(CLUSTER, "cluster-a", TestResources.edsCluster("cluster-a"));
        server.configChanged(ConfigChange.all("cluster-a fixed"));
        Await.until("CDS acknowledged again", WAIT, () -> server.proxyStatus().stream()
                .filter(s -> s.types().get(LISTENER).resourceNames().contains("nacked"))
                .allMatch(s -> s.state(CLUSTER) == SyncState.SYNCED));
        assertThat(Backend.who(channel)).isEqualTo("backend-a");
    }
}
