package dev.weft.controlplane.xds.server;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static dev.weft.controlplane.xds.ResourceType.ENDPOINT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.controlplane.xds.ConfigChange;
import dev.weft.controlplane.xds.ResourceType;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Incremental (delta) ADS through a hand-written client. */
class DeltaProtocolTest {

    private static final Duration WAIT = Duration.ofSeconds(20); // a hang guard: waits end as soon as the condition holds
    private static final Duration NOTHING = Duration.ofMillis(300);
    private static final Node NODE = AdsClient.node("sidecar~10.0.0.1~reviews-1.default~default.svc.cluster.local");

    private final TestSource source = new TestSource()
            .put(CLUSTER, "a", TestResources.edsCluster("a"))
            .put(CLUSTER, "b", TestResources.edsCluster("b"))
            .put(ENDPOINT, "a", TestResources.endpoints("a", 9001))
            .put(ENDPOINT, "b", TestResources.endpoints("b", 9002));
    private XdsServer server;

    @BeforeEach
    void start() throws Exception {
        server = new XdsServer(source, XdsServerOptions.defaults().withAddress("127.0.0.1", 0)
                .withDebounce(Duration.ZERO, Duration.ZERO)).start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private static List<String> names(DeltaDiscoveryResponse response) {
        return response.getResourcesList().stream().map(Resource::getName).toList();
    }

    private static Map<String, String> versions(DeltaDiscoveryResponse response) {
        return response.getResourcesList().stream().collect(Collectors.toMap(Resource::getName, Resource::getVersion));
    }

    private TypeStatus status(ResourceType type) {
        return server.proxyStatus(NODE.getId()).orElseThrow().types().get(type);
    }

    private void awaitState(ResourceType type, SyncState state) {
        Await.until(type + " " + state, WAIT, () -> server.proxyStatus(NODE.getId())
                .map(s -> s.state(type) == state).orElse(false));
    }

    @Test
    void subscribeUnsubscribeRemovedResourcesAndAcks() throws Exception {
        try (var client = AdsClient.delta(server.port())) {
            // An initial CDS request naming nothing is a wildcard subscription.
            client.send(AdsClient.deltaRequest(NODE, CLUSTER, List.of(), List.of(), Map.of()));
            DeltaDiscoveryResponse cds = client.next();
            assertThat(names(cds)).containsExactly("a", "b");
            assertThat(cds.getRemovedResourcesList()).isEmpty();
            assertThat(cds.getResources(0).getResource().getTypeUrl()).isEqualTo(CLUSTER.typeUrl());
            assertThat(status(CLUSTER).state()).isEqualTo(SyncState.STALE);
            client.send(AdsClient.deltaAck(cds));
            awaitState(CLUSTER, SyncState.SYNCED);
            assertThat(status(CLUSTER).ackedVersion()).isEqualTo(cds.getSystemVersionInfo());

            // EDS by name; a name that does not exist comes back in removed_resources.
            client.send(AdsClient.deltaRequest(null, ENDPOINT, List.of("a", "ghost"), List.of(), Map.of()));
            DeltaDiscoveryResponse eds = client.next();
            assertThat(names(eds)).containsExactly("a");
            assertThat(eds.getRemovedResourcesList()).containsExactly("ghost");
            client.send(AdsClient.deltaAck(eds));
            awaitState(ENDPOINT, SyncState.SYNCED);

            // Subscribing to one more sends only that one.
            client.send(AdsClient.deltaRequest(null, ENDPOINT, List.of("b"), List.of(), Map.of()));
            DeltaDiscoveryResponse edsB = client.next();
            assertThat(names(edsB)).containsExactly("b");
            assertThat(edsB.getRemovedResourcesList()).isEmpty();
            client.send(AdsClient.deltaAck(edsB));

            // Unsubscribing sends nothing; later changes to it are not sent either.
            client.send(AdsClient.deltaRequest(null, ENDPOINT, List.of(), List.of("a"), Map.of()));
            assertThat(client.poll(NOTHING)).isNull();
            source.put(ENDPOINT, "a", TestResources.endpoints("a", 9101))
                    .put(ENDPOINT, "b", TestResources.endpoints("b", 9102));
            server.configChanged(ConfigChange.all("both moved"));
            DeltaDiscoveryResponse moved = client.next();
            assertThat(moved.getTypeUrl()).isEqualTo(ENDPOINT.typeUrl());
            assertThat(names(moved)).containsExactly("b");
            assertThat(versions(moved).get("b")).isNotEqualTo(versions(edsB).get("b"));

            // NACK of the newest response: recorded with the proxy's text.
            client.send(AdsClient.deltaNack(moved, "b: no healthy endpoints"));
            awaitState(ENDPOINT, SyncState.NACKED);
            assertThat(status(ENDPOINT).lastNack().orElseThrow().message()).isEqualTo("b: no healthy endpoints");
            assertThat(status(ENDPOINT).lastNack().orElseThrow().version()).isEqualTo(moved.getSystemVersionInfo());
            assertThat(status(ENDPOINT).ackedVersion()).isEqualTo(edsB.getSystemVersionInfo());

            // A deleted cluster and its endpoints are named in removed_resources, CDS first.
            source.remove(CLUSTER, "b").remove(ENDPOINT, "b");
            server.configChanged(ConfigChange.all("b deleted"));
            DeltaDiscoveryResponse cdsRemoval = client.next();
            DeltaDiscoveryResponse edsRemoval = client.next();
            assertThat(cdsRemoval.getTypeUrl()).isEqualTo(CLUSTER.typeUrl());
            assertThat(cdsRemoval.getResourcesList()).isEmpty();
            assertThat(cdsRemoval.getRemovedResourcesList()).containsExactly("b");
            assertThat(edsRemoval.getTypeUrl()).isEqualTo(ENDPOINT.typeUrl());
            assertThat(edsRemoval.getRemovedResourcesList()).containsExactly("b");
            client.send(AdsClient.deltaAck(cdsRemoval));
            client.send(AdsClient.deltaAck(edsRemoval));
            awaitState(CLUSTER, SyncState.SYNCED);
            awaitState(ENDPOINT, SyncState.SYNCED);
            assertThat(server.lastSent(NODE.getId(), CLUSTER).orElseThrow()).containsOnlyKeys("a");
            assertThat(status(ENDPOINT).subscribed()).containsExactly("b", "ghost");

            // It comes back: sent again although the proxy was told it was gone.
            source.put(ENDPOINT, "b", TestResources.endpoints("b", 9202));
            server.configChanged(ConfigChange.all("b back").onlyTypes(java.util.Set.of(ENDPOINT)));
            DeltaDiscoveryResponse back = client.next();
            assertThat(names(back)).containsExactly("b");
            assertThat(back.getRemovedResourcesList()).isEmpty();
        }
    }

    @Test
    void aReconnectingProxyIsNotSentWhatItAlreadyHas() throws Exception {
        Map<String, String> had;
        try (var first = AdsClient.delta(server.port())) {
            first.send(AdsClient.deltaRequest(NODE, CLUSTER, List.of(), List.of(), Map.of()));
            had = versions(first.next());
        }
        source.put(CLUSTER, "b", TestResources.edsCluster("b", io.envoyproxy.envoy.config.cluster.v3.Cluster.LbPolicy.LEAST_REQUEST))
                .put(CLUSTER, "c", TestResources.edsCluster("c"));
        try (var second = AdsClient.delta(server.port())) {
            second.send(AdsClient.deltaRequest(NODE, CLUSTER, List.of("*"), List.of(), had));
            DeltaDiscoveryResponse response = second.next();
            assertThat(names(response)).containsExactly("b", "c");
            assertThat(response.getRemovedResourcesList()).isEmpty();
            assertThat(status(CLUSTER).wildcard()).isTrue();
        }
    }
}
