package dev.weft.controlplane.xds.server;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static dev.weft.controlplane.xds.ResourceType.ENDPOINT;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import dev.weft.controlplane.xds.ConfigChange;
import dev.weft.controlplane.xds.ResourceType;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** State-of-the-world ADS through a hand-written client: subscriptions, ACK/NACK bookkeeping. */
class SotwProtocolTest {

    private static final Duration WAIT = Duration.ofSeconds(20); // a hang guard: waits end as soon as the condition holds
    private static final Duration NOTHING = Duration.ofMillis(300);

    private final TestSource source = new TestSource()
            .put(CLUSTER, "a", TestResources.edsCluster("a"))
            .put(CLUSTER, "b", TestResources.edsCluster("b"))
            .put(ENDPOINT, "a", TestResources.endpoints("a", 9001))
            .put(ENDPOINT, "b", TestResources.endpoints("b", 9002));
    private XdsServer server;

    @BeforeEach
    void start() throws Exception {
        // No debounce: each test step is one push.
        server = new XdsServer(source, XdsServerOptions.defaults().withAddress("127.0.0.1", 0)
                .withDebounce(Duration.ZERO, Duration.ZERO)).start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private static List<String> names(DiscoveryResponse response) {
        return response.getResourcesList().stream().map(SotwProtocolTest::name).toList();
    }

    private static String name(Any resource) {
        try {
            return resource.is(Cluster.class) ? resource.unpack(Cluster.class).getName()
                    : resource.unpack(ClusterLoadAssignment.class).getClusterName();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private TypeStatus status(String proxyId, ResourceType type) {
        return server.proxyStatus(proxyId).orElseThrow().types().get(type);
    }

    private void awaitState(String proxyId, ResourceType type, SyncState state) {
        Await.until(type + " " + state, WAIT, () -> server.proxyStatus(proxyId)
                .map(s -> s.state(type) == state).orElse(false));
    }

    @Test
    void subscribeAckNackAndRemoval() throws Exception {
        Node node = AdsClient.node("sidecar~10.0.0.1~reviews-1.default~default.svc.cluster.local");
        String id = node.getId();
        try (var client = AdsClient.sotw(server.port())) {
            // CDS is wildcard: an empty name list means every cluster.
            client.send(AdsClient.request(node, CLUSTER, List.of(), "", ""));
            DiscoveryResponse cds = client.next();
            assertThat(cds.getTypeUrl()).isEqualTo(CLUSTER.typeUrl());
            assertThat(names(cds)).containsExactly("a", "b");
            assertThat(cds.getControlPlane().getIdentifier()).isEqualTo("weftd");
            assertThat(status(id, CLUSTER).state()).isEqualTo(SyncState.STALE);
            assertThat(status(id, ENDPOINT).state()).isEqualTo(SyncState.NOT_SENT);

            client.send(AdsClient.ack(cds, List.of()));
            awaitState(id, CLUSTER, SyncState.SYNCED);
            assertThat(status(id, CLUSTER).ackedVersion()).isEqualTo(cds.getVersionInfo());
            assertThat(status(id, CLUSTER).wildcard()).isTrue();

            // EDS by name: only what was asked for.
            client.send(AdsClient.request(null, ENDPOINT, List.of("a"), "", ""));
            DiscoveryResponse eds = client.next();
            assertThat(names(eds)).containsExactly("a");
            client.send(AdsClient.ack(eds, List.of("a")));
            awaitState(id, ENDPOINT, SyncState.SYNCED);

            // A change to endpoints the proxy did not subscribe to sends it nothing.
            source.put(ENDPOINT, "b", TestResources.endpoints("b", 9003));
            server.configChanged(ConfigChange.all("b moved"));
            assertThat(client.poll(NOTHING)).isNull();

            // Subscribing to more names is answered with the whole subscribed set.
            client.send(AdsClient.ack(eds, List.of("a", "b")));
            DiscoveryResponse eds2 = client.next();
            assertThat(names(eds2)).containsExactly("a", "b");
            assertThat(eds2.getVersionInfo()).isNotEqualTo(eds.getVersionInfo());

            // The proxy rejects it: NACKED with its text, the accepted version stays the old one.
            client.send(AdsClient.nack(eds2, List.of("a", "b"), eds.getVersionInfo(), "endpoint b: bad port"));
            awaitState(id, ENDPOINT, SyncState.NACKED);
            TypeStatus nacked = status(id, ENDPOINT);
            assertThat(nacked.lastNack().orElseThrow().message()).isEqualTo("endpoint b: bad port");
            assertThat(nacked.lastNack().orElseThrow().version()).isEqualTo(eds2.getVersionInfo());
            assertThat(nacked.lastNack().orElseThrow().code()).isEqualTo(3);
            assertThat(nacked.ackedVersion()).isEqualTo(eds.getVersionInfo());
            assertThat(nacked.sentVersion()).isEqualTo(eds2.getVersionInfo());
            // A NACK is not answered with the same config again.
            assertThat(client.poll(NOTHING)).isNull();

            // A removed cluster: the next CDS response no longer has it.
            source.remove(CLUSTER, "b");
            server.configChanged(ConfigChange.all("b deleted").onlyTypes(java.util.Set.of(CLUSTER)));
            DiscoveryResponse cds2 = client.next();
            assertThat(cds2.getTypeUrl()).isEqualTo(CLUSTER.typeUrl());
            assertThat(names(cds2)).containsExactly("a");
            assertThat(status(id, CLUSTER).state()).isEqualTo(SyncState.STALE);

            // An answer with an old nonce is stale: ignored, even with new names.
            client.send(AdsClient.request(null, CLUSTER, List.of(), cds.getVersionInfo(), cds.getNonce()));
            assertThat(client.poll(NOTHING)).isNull();
            assertThat(status(id, CLUSTER).state()).isEqualTo(SyncState.STALE);
            client.send(AdsClient.ack(cds2, List.of()));
            awaitState(id, CLUSTER, SyncState.SYNCED);

            assertThat(server.proxyConfigJson(id, CLUSTER).orElseThrow())
                    .contains("\"name\": \"a\"").doesNotContain("\"name\": \"b\"");
            assertThat(server.lastSent(id, ENDPOINT).orElseThrow()).containsOnlyKeys("a", "b");
        }
    }

    @Test
    void pushesReachOnlyProxiesWhoseResourcesChanged() throws Exception {
        Node one = AdsClient.node("sidecar~10.0.0.1~one.default~default.svc.cluster.local");
        Node two = AdsClient.node("sidecar~10.0.0.2~two.default~default.svc.cluster.local");
        try (var clientOne = AdsClient.sotw(server.port()); var clientTwo = AdsClient.sotw(server.port())) {
            clientOne.send(AdsClient.request(one, CLUSTER, List.of(), "", ""));
            clientTwo.send(AdsClient.request(two, CLUSTER, List.of(), "", ""));
            clientOne.send(AdsClient.ack(clientOne.next(), List.of()));
            clientTwo.send(AdsClient.ack(clientTwo.next(), List.of()));

            source.putFor(one.getId(), CLUSTER, "only-one", TestResources.edsCluster("only-one"));
            server.configChanged(ConfigChange.all("something changed"));

            assertThat(names(clientOne.next())).containsExactly("a", "b", "only-one");
            assertThat(clientTwo.poll(NOTHING)).isNull();
            assertThat(status(two.getId(), CLUSTER).responsesSent()).isEqualTo(1);
            assertThat(status(one.getId(), CLUSTER).responsesSent()).isEqualTo(2);

            // A change notice naming a proxy does not recompute the others.
            int calls = source.calls.get();
            source.putFor(one.getId(), CLUSTER, "only-one-again", TestResources.edsCluster("only-one-again"));
            server.configChanged(ConfigChange.proxies(java.util.Set.of(one.getId()), "one's config"));
            assertThat(names(clientOne.next())).contains("only-one-again");
            assertThat(source.calls.get() - calls).isEqualTo(1);
        }
    }

    @Test
    void aStreamWithoutNodeIsRefused() throws Exception {
        try (var client = AdsClient.sotw(server.port())) {
            client.send(AdsClient.request(null, CLUSTER, List.of(), "", ""));
            Throwable error = client.errors.poll(5, TimeUnit.SECONDS);
            assertThat(error).isInstanceOf(StatusRuntimeException.class);
            Status status = ((StatusRuntimeException) error).getStatus();
            assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(status.getDescription()).contains("node.id");
            assertThat(server.proxyStatus()).isEmpty();
        }
    }

    @Test
    void cancelledStreamsDisappearAndShutdownEndsStreams() throws Exception {
        Node node = AdsClient.node("router~10.0.0.9~gw.istio-system~istio-system.svc.cluster.local");
        try (var leaving = AdsClient.sotw(server.port()); var staying = AdsClient.sotw(server.port())) {
            leaving.send(AdsClient.request(AdsClient.node("sidecar~1.1.1.1~x.default~default.svc.cluster.local"),
                    CLUSTER, List.of(), "", ""));
            leaving.next();
            staying.send(AdsClient.request(node, CLUSTER, List.of(), "", ""));
            staying.next();
            assertThat(server.proxyStatus()).hasSize(2);
            assertThat(server.proxyStatus(node.getId()).orElseThrow().proxy().type())
                    .isEqualTo(dev.weft.controlplane.xds.ProxyType.ROUTER);
            assertThat(server.proxyStatus(node.getId()).orElseThrow().proxy().namespace())
                    .isEqualTo("default");

            leaving.cancel();
            Await.until("cancelled stream gone", WAIT, () -> server.proxyStatus().size() == 1);

            long start = System.nanoTime();
            server.stop();
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(6));
            Throwable error = staying.errors.poll(5, TimeUnit.SECONDS);
            assertThat(error).isInstanceOf(StatusRuntimeException.class);
            assertThat(((StatusRuntimeException) error).getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(server.proxyStatus()).isEmpty();
        }
    }

}
