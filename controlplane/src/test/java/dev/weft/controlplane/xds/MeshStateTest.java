package dev.weft.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.weft.controlplane.registry.AggregateRegistry;
import dev.weft.controlplane.registry.ConfigRegistry;
import dev.weft.controlplane.registry.Workload;
import dev.weft.controlplane.registry.WorkloadRegistry;
import dev.weft.controlplane.store.ConfigStore;
import dev.weft.controlplane.store.WriteResult;
import dev.weft.controlplane.xds.translate.MeshSettings;
import dev.weft.controlplane.xds.translate.MeshSnapshot;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Snapshot versions and which proxies each kind of change reaches (no server: a recording sink). */
class MeshStateTest {
  private final ConfigStore store = ConfigStore.inMemory();
  private final WorkloadRegistry workloads = new WorkloadRegistry();
  private ConfigRegistry fromConfig;
  private MeshState state;
  private final List<ConfigChange> changes = new CopyOnWriteArrayList<>();
  private final List<ProxyNode> proxies = new ArrayList<>();

  // Sidecars in "default" (app reviews, at 10.0.0.1) and "other", a gateway in "istio-system".
  private final ProxyNode reviews = node("sidecar~10.0.0.1~reviews-1.default~default.svc.cluster.local", "default", "reviews");
  private final ProxyNode other = node("sidecar~10.0.0.2~client-1.other~other.svc.cluster.local", "other", "client");
  private final ProxyNode gateway = node("router~10.0.0.3~ingress-1.istio-system~istio-system.svc.cluster.local", "istio-system",
      "ingress");

  @BeforeEach
  void open() {
    fromConfig = new ConfigRegistry(store);
    state = MeshState.open(store, new AggregateRegistry(List.of(fromConfig, workloads)), MeshSettings.DEFAULT);
    proxies.addAll(List.of(reviews, other, gateway));
    state.publishTo(changes::add, () -> proxies);
  }

  @AfterEach
  void close() {
    state.close();
    fromConfig.close();
    workloads.close();
  }

  private static ProxyNode node(String id, String namespace, String app) {
    return ProxyNode.of(Node.newBuilder().setId(id).setMetadata(Struct.newBuilder()
        .putFields("NAMESPACE", Value.newBuilder().setStringValue(namespace).build())
        .putFields("LABELS", Value.newBuilder().setStructValue(Struct.newBuilder()
            .putFields("app", Value.newBuilder().setStringValue(app).build())).build())).build());
  }

  private void apply(String yaml) {
    WriteResult r = store.apply("test.yaml", yaml);
    assertThat(r.accepted()).as(r.diagnostics().toString()).isTrue();
    assertThat(r.revision()).isPositive();
  }

  private static String vs(String name, String namespace, String host, String extra) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: %s, namespace: %s}
        spec:
          hosts: [%s]
        %s
          http:
          - route:
            - destination: {host: %s}
        """.formatted(name, namespace, host, extra, host);
  }

  private static String sidecar(String namespace, String... hosts) {
    return """
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: default, namespace: %s}
        spec:
          egress:
          - hosts: [%s]
        """.formatted(namespace, String.join(", ", List.of(hosts).stream().map(h -> "\"" + h + "\"").toList()));
  }

  private static Workload workload(String name, String service, String address) {
    return new Workload(name, "default", service, null, Map.of("app", service), address,
        List.of(new Workload.WorkloadPort("http", 9080, null)), null, null, 0);
  }

  private ConfigChange onlyChange() {
    assertThat(changes).hasSize(1);
    ConfigChange c = changes.getFirst();
    changes.clear();
    return c;
  }

  @Test
  void everyChangeMakesANewSnapshotWithAHigherVersion() {
    MeshSnapshot first = state.snapshot();
    assertThat(first.config().size()).isZero();
    apply(vs("reviews", "default", "reviews", ""));
    MeshSnapshot second = state.snapshot();
    assertThat(second.version()).isGreaterThan(first.version());
    assertThat(second.config().size()).isEqualTo(1);
    assertThat(first.config().size()).as("snapshots are immutable").isZero();

    workloads.register(workload("reviews-1", "reviews", "10.1.0.1"), null);
    MeshSnapshot third = state.snapshot();
    assertThat(third.version()).isGreaterThan(second.version());
    assertThat(third.endpointsOf("reviews.default.svc.cluster.local")).extracting(e -> e.address()).containsExactly("10.1.0.1");
    assertThat(third.services()).extracting(s -> s.hostname()).containsExactly("reviews.default.svc.cluster.local");

    // Nothing changed: no new version, nothing pushed.
    changes.clear();
    workloads.heartbeat("default", "reviews-1", null);
    workloads.register(workload("reviews-1", "reviews", "10.1.0.1"), null);
    assertThat(state.snapshot()).isSameAs(third);
    assertThat(changes).isEmpty();
  }

  @Test
  void aVirtualServiceReachesTheSidecarsItIsExportedTo() {
    apply(vs("reviews", "default", "reviews", ""));
    assertThat(onlyChange().proxyIds()).containsExactlyInAnyOrder(reviews.id(), other.id());

    apply(vs("reviews", "default", "reviews", "  exportTo: [\".\"]"));
    // The old version was visible to both, so both may lose it; from now on only "default" sees it.
    assertThat(onlyChange().proxyIds()).containsExactlyInAnyOrder(reviews.id(), other.id());
    apply(vs("reviews", "default", "reviews", "  exportTo: [\".\"]\n  gateways: [mesh]"));
    assertThat(onlyChange().proxyIds()).containsExactly(reviews.id());

    apply(vs("ratings", "default", "ratings", "  exportTo: [other]"));
    assertThat(onlyChange().proxyIds()).containsExactly(other.id());
  }

  @Test
  void aVirtualServiceBoundToGatewaysReachesOnlyGateways() {
    apply(vs("web", "default", "web.example.com", "  gateways: [istio-system/ingress]"));
    ConfigChange c = onlyChange();
    assertThat(c.allProxies()).isFalse();
    assertThat(c.proxyIds()).containsExactly(gateway.id());
    assertThat(c.reason()).isEqualTo("VirtualService default/web");
  }

  @Test
  void aSidecarsEgressHostsNarrowWhatReachesItsProxies() {
    apply(sidecar("other", "./*", "istio-system/*"));
    assertThat(onlyChange().proxyIds()).as("a Sidecar concerns the sidecars of its namespace").containsExactly(other.id());

    apply(vs("reviews", "default", "reviews", ""));
    assertThat(onlyChange().proxyIds()).containsExactly(reviews.id());

    apply(sidecar("other", "default/reviews.default.svc.cluster.local"));
    changes.clear();
    apply(vs("reviews", "default", "reviews", "  gateways: [mesh]"));
    assertThat(onlyChange().proxyIds()).containsExactlyInAnyOrder(reviews.id(), other.id());

    // A Sidecar in the root namespace is everyone's default.
    apply(sidecar("istio-system", "./*"));
    assertThat(onlyChange().proxyIds()).containsExactlyInAnyOrder(reviews.id(), other.id());
  }

  @Test
  void endpointChangesReachTheProxiesThatSeeTheServiceEdsOnlyWhenOnlyEndpointsChanged() {
    apply(sidecar("other", "./*"));
    changes.clear();
    workloads.register(workload("ratings-1", "ratings", "10.1.0.1"), null);
    // A new service: a full push to those who see it; "other" imports only its own namespace.
    ConfigChange created = onlyChange();
    assertThat(created.proxyIds()).containsExactlyInAnyOrder(reviews.id(), gateway.id());
    assertThat(created.types()).isEmpty();

    workloads.register(workload("ratings-2", "ratings", "10.1.0.2"), null);
    List<ConfigChange> scaled = List.copyOf(changes);
    changes.clear();
    assertThat(scaled).hasSize(1);
    assertThat(scaled.getFirst().proxyIds()).containsExactlyInAnyOrder(reviews.id(), gateway.id());
    assertThat(scaled.getFirst().types()).containsExactly(ResourceType.ENDPOINT);

    // The proxy that is itself the changed endpoint gets everything (its inbound side).
    workloads.register(workload("reviews-1", "ratings", "10.0.0.1"), null);
    assertThat(changes).hasSize(2);
    ConfigChange full = changes.stream().filter(c -> c.types().isEmpty()).findFirst().orElseThrow();
    ConfigChange eds = changes.stream().filter(c -> !c.types().isEmpty()).findFirst().orElseThrow();
    assertThat(full.proxyIds()).containsExactly(reviews.id());
    assertThat(eds.proxyIds()).containsExactly(gateway.id());
  }

  @Test
  void aProxyThatImportsAVirtualServiceSeesItsDestinations() {
    apply(sidecar("other", "default/frontend.default.svc.cluster.local"));
    apply(vs("frontend", "default", "frontend", "  gateways: [mesh]").replace("destination: {host: frontend}",
        "destination: {host: ratings}"));
    changes.clear();
    workloads.register(workload("ratings-1", "ratings", "10.1.0.1"), null);
    assertThat(onlyChange().proxyIds()).containsExactlyInAnyOrder(reviews.id(), other.id(), gateway.id());
  }

  @Test
  void serviceEntryExportToLimitsWhoSeesItsEndpoints() {
    apply("""
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: api, namespace: default}
        spec:
          hosts: [api.internal]
          exportTo: ["."]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{name: http, number: 80, protocol: HTTP}]
          endpoints: [{address: 10.2.0.1}]
        """);
    // The config side and the registry side both name proxies of "default" only.
    assertThat(changes).isNotEmpty().allSatisfy(c -> {
      assertThat(c.allProxies()).isFalse();
      assertThat(c.proxyIds()).containsExactly(reviews.id());
    });
    assertThat(state.snapshot().endpointsOf("api.internal")).hasSize(1);
  }

  @Test
  void kindsWithMeshWideEffectReachEveryone() {
    apply("""
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: default, namespace: default}
        spec:
          mtls: {mode: STRICT}
        """);
    assertThat(onlyChange().allProxies()).isTrue();

    apply("""
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: deny, namespace: other}
        spec: {}
        """);
    assertThat(onlyChange().proxyIds()).containsExactly(other.id());
  }

  @Test
  void changesBeforeAServerIsConnectedOnlyUpdateTheSnapshot() {
    ConfigStore lone = ConfigStore.inMemory();
    try (MeshState s = MeshState.open(lone, new AggregateRegistry(List.of()), MeshSettings.DEFAULT)) {
      long v = s.snapshot().version();
      lone.apply("vs.yaml", vs("a", "default", "a", ""));
      assertThat(s.snapshot().version()).isGreaterThan(v);
      assertThat(s.snapshot().config().size()).isEqualTo(1);
    }
  }
}
