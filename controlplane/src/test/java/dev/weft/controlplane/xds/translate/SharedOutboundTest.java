package dev.weft.controlplane.xds.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.config.model.ConfigSet;
import dev.weft.controlplane.xds.ProxyNode;
import dev.weft.controlplane.xds.ResourceType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Proxies that see the mesh alike share one translation of their outbound resources; proxies that
 * do not (labels a VirtualService's sourceLabels or a DestinationRule's workloadSelector reads,
 * another namespace, another snapshot) get their own, equal to a translation from scratch.
 */
class SharedOutboundTest {
  private static final ProxyNode REVIEWS = Mesh.sidecar("reviews-v1-1", "default", Map.of("app", "reviews", "version", "v1"));
  private static final ProxyNode RATINGS = Mesh.sidecar("ratings-v1-1", "default", Map.of("app", "ratings", "version", "v1"));
  private static final ProxyNode OTHER_NS = Mesh.sidecar("sleep-1", "other", Map.of("app", "sleep"));

  private static MeshSnapshot snapshot(String yaml) {
    return Mesh.snapshot(Mesh.load(List.of(Translated.BOOKINFO), yaml.isEmpty() ? Map.of() : Map.of("test.yaml", yaml)));
  }

  @Test
  void proxiesThatSeeTheMeshAlikeShareTheirOutboundResources() {
    MeshSnapshot snapshot = snapshot("");
    IstioTranslator translator = new IstioTranslator();
    ProxyResources reviews = translator.translate(snapshot, REVIEWS);
    ProxyResources ratings = translator.translate(snapshot, RATINGS);
    for (ResourceType type : List.of(ResourceType.ENDPOINT, ResourceType.ROUTE)) {
      assertThat(reviews.of(type)).isNotEmpty();
      reviews.of(type).forEach((name, any) -> assertThat(ratings.of(type).get(name)).as(name).isSameAs(any));
    }
    assertThat(ratings.of(ResourceType.CLUSTER).get("outbound|9080||reviews.default.svc.cluster.local"))
        .isSameAs(reviews.of(ResourceType.CLUSTER).get("outbound|9080||reviews.default.svc.cluster.local"));
    // Inbound clusters are the proxy's own.
    assertThat(reviews.of(ResourceType.CLUSTER)).isNotEqualTo(ratings.of(ResourceType.CLUSTER));
    assertThat(reviews).isEqualTo(new IstioTranslator().translate(snapshot, REVIEWS));
    assertThat(ratings).isEqualTo(new IstioTranslator().translate(snapshot, RATINGS));
  }

  @Test
  void sourceLabelsWorkloadSelectorsNamespacesAndSnapshotsAreNotShared() {
    MeshSnapshot snapshot = snapshot("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: details, namespace: default}
        spec:
          hosts: [details]
          http:
          - match:
            - sourceLabels: {app: reviews}
            route:
            - destination: {host: details, subset: v2}
          - route:
            - destination: {host: details, subset: v1}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: ratings-from-reviews, namespace: default}
        spec:
          host: ratings
          workloadSelector:
            matchLabels: {app: reviews}
          trafficPolicy:
            loadBalancer: {simple: RANDOM}
        """);
    IstioTranslator translator = new IstioTranslator();
    for (ProxyNode proxy : List.of(REVIEWS, RATINGS, OTHER_NS, REVIEWS, RATINGS, OTHER_NS)) {
      assertThat(translator.translate(snapshot, proxy)).as(proxy.id()).isEqualTo(new IstioTranslator().translate(snapshot, proxy));
    }
    Translated reviews = new Translated(translator.translate(snapshot, REVIEWS));
    Translated ratings = new Translated(translator.translate(snapshot, RATINGS));
    assertThat(reviews.vhost("9080", "details.default.svc.cluster.local:9080").getRoutes(0).getRoute().getCluster())
        .isEqualTo("outbound|9080|v2|details.default.svc.cluster.local");
    assertThat(ratings.vhost("9080", "details.default.svc.cluster.local:9080").getRoutes(0).getRoute().getCluster())
        .isEqualTo("outbound|9080|v1|details.default.svc.cluster.local");
    assertThat(reviews.cluster("outbound|9080||ratings.default.svc.cluster.local").getLbPolicy().name()).isEqualTo("RANDOM");
    assertThat(ratings.cluster("outbound|9080||ratings.default.svc.cluster.local").getLbPolicy().name()).isEqualTo("LEAST_REQUEST");

    // A new snapshot is translated afresh, and an older one still translates correctly.
    MeshSnapshot next = snapshot("");
    assertThat(translator.translate(next, REVIEWS)).isEqualTo(new IstioTranslator().translate(next, REVIEWS));
    assertThat(translator.translate(snapshot, REVIEWS)).isEqualTo(new IstioTranslator().translate(snapshot, REVIEWS));
  }

  @Test
  void aVirtualServiceChangeKeepsTheClustersAndEndpointsOfTheSnapshotBefore() {
    ConfigSet base = Mesh.load(List.of(Translated.BOOKINFO), Map.of());
    MeshSnapshot first = Mesh.snapshot(base);
    IstioTranslator translator = new IstioTranslator();
    ProxyResources before = translator.translate(first, REVIEWS);

    // Only a VirtualService differs (the store keeps every other resource's instance): CDS and EDS are the same maps.
    MeshSnapshot routed = next(first, 2, with(base, """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: ratings, namespace: default}
        spec:
          hosts: [ratings]
          http:
          - timeout: 3s
            route:
            - destination: {host: ratings}
        """), first.endpoints());
    ProxyResources after = translator.translate(routed, REVIEWS);
    assertThat(after.of(ResourceType.CLUSTER)).isSameAs(before.of(ResourceType.CLUSTER));
    assertThat(after.of(ResourceType.ENDPOINT)).isSameAs(before.of(ResourceType.ENDPOINT));
    assertThat(after.of(ResourceType.ROUTE)).isNotEqualTo(before.of(ResourceType.ROUTE));
    assertThat(after).isEqualTo(new IstioTranslator().translate(routed, REVIEWS));
    assertThat(translator.translate(routed, RATINGS)).isEqualTo(new IstioTranslator().translate(routed, RATINGS));

    // A DestinationRule changes clusters: translated afresh.
    MeshSnapshot policed = next(routed, 3, with(routed.config(), """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: ratings, namespace: default}
        spec:
          host: ratings
          trafficPolicy:
            loadBalancer: {simple: RANDOM}
        """), routed.endpoints());
    ProxyResources policy = translator.translate(policed, REVIEWS);
    assertThat(policy.of(ResourceType.CLUSTER)).isNotSameAs(after.of(ResourceType.CLUSTER));
    assertThat(policy).isEqualTo(new IstioTranslator().translate(policed, REVIEWS));
    assertThat(new Translated(policy).cluster("outbound|9080||ratings.default.svc.cluster.local").getLbPolicy().name())
        .isEqualTo("RANDOM");

    // Other endpoints, same config: translated afresh.
    Map<String, List<dev.weft.controlplane.registry.Endpoint>> fewer = new java.util.HashMap<>(policed.endpoints());
    fewer.put("ratings.default.svc.cluster.local", List.of());
    MeshSnapshot moved = next(policed, 4, policed.config(), fewer);
    ProxyResources endpoints = translator.translate(moved, REVIEWS);
    assertThat(endpoints.of(ResourceType.ENDPOINT)).isNotSameAs(policy.of(ResourceType.ENDPOINT));
    assertThat(endpoints).isEqualTo(new IstioTranslator().translate(moved, REVIEWS));
  }

  @Test
  void aSidecarsOwnClustersAndListenersAreBuiltAgainOnlyWhenMoreThanVirtualServicesChanged() {
    ConfigSet base = Mesh.load(List.of(Translated.BOOKINFO), Map.of());
    MeshSnapshot first = Mesh.snapshot(base);
    IstioTranslator translator = new IstioTranslator();
    ProxyResources before = translator.translate(first, REVIEWS);
    Object inbound = before.of(ResourceType.LISTENER).get("virtualInbound");
    assertThat(inbound).isNotNull();
    assertThat(before.of(ResourceType.CLUSTER).keySet()).anyMatch(name -> name.startsWith("inbound|"));

    // A VirtualService changes nothing of the proxy's own: the same messages, not built again.
    MeshSnapshot routed = next(first, 2, with(base, """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: ratings, namespace: default}
        spec:
          hosts: [ratings]
          http:
          - timeout: 3s
            route:
            - destination: {host: ratings}
        """), first.endpoints());
    ProxyResources after = translator.translate(routed, REVIEWS);
    assertThat(after.of(ResourceType.LISTENER).get("virtualInbound")).isSameAs(inbound);
    assertThat(after).isEqualTo(new IstioTranslator().translate(routed, REVIEWS));

    // The proxy's own service goes away: its inbound cluster and listener chains go with it.
    MeshSnapshot withoutReviews = new MeshSnapshot(3, routed.config(),
        routed.services().stream().filter(s -> !s.hostname().startsWith("reviews.")).toList(), routed.endpoints(), routed.mesh());
    ProxyResources alone = translator.translate(withoutReviews, REVIEWS);
    assertThat(alone.of(ResourceType.CLUSTER).keySet()).noneMatch(name -> name.startsWith("inbound|"));
    assertThat(alone.of(ResourceType.LISTENER).get("virtualInbound")).isNotEqualTo(inbound);
    assertThat(alone).isEqualTo(new IstioTranslator().translate(withoutReviews, REVIEWS));

    // The same proxy id with other labels (a new pod under the old name): built for the new node.
    ProxyNode relabelled = Mesh.sidecar("reviews-v1-1", "default", Map.of("app", "ratings", "version", "v1"));
    assertThat(relabelled.id()).isEqualTo(REVIEWS.id());
    assertThat(translator.translate(withoutReviews, relabelled)).isEqualTo(new IstioTranslator().translate(withoutReviews, relabelled));
    // And an older snapshot still translates correctly.
    assertThat(translator.translate(routed, REVIEWS)).isEqualTo(new IstioTranslator().translate(routed, REVIEWS));
  }

  private static MeshSnapshot next(MeshSnapshot before, long version, ConfigSet config,
      Map<String, List<dev.weft.controlplane.registry.Endpoint>> endpoints) {
    return new MeshSnapshot(version, config, before.services(), endpoints, before.mesh());
  }

  /** {@code config} plus (or with replaced) the resources of {@code yaml}; every other resource is the same instance. */
  private static ConfigSet with(ConfigSet config, String yaml) {
    Map<dev.weft.config.model.ResourceKey, dev.weft.config.model.Resource<?>> all = new java.util.LinkedHashMap<>();
    config.resources().forEach(r -> all.put(r.key(), r));
    Mesh.load(List.of(), Map.of("change.yaml", yaml)).resources().forEach(r -> all.put(r.key(), r));
    return ConfigSet.of(all.values());
  }
}
