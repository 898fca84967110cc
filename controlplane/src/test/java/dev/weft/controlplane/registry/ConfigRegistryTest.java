package dev.weft.controlplane.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.config.model.Protocol;
import dev.weft.controlplane.store.ConfigStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigRegistryTest {
  private final ConfigStore store = ConfigStore.inMemory();

  private void apply(String yaml) {
    assertThat(store.apply("t.yaml", yaml).diagnostics()).isEmpty();
  }

  @Test
  void inlineEndpointsDnsAndSelectedWorkloadEntries() {
    apply("""
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: legacy, namespace: shop, labels: {team: a}}
        spec:
          hosts: [legacy.shop.internal]
          addresses: [240.0.0.1]
          location: MESH_INTERNAL
          resolution: STATIC
          ports:
          - {number: 8080, name: http, protocol: HTTP, targetPort: 9090}
          endpoints:
          - {address: 10.0.0.1, locality: eu/eu-1a, weight: 3}
          - {address: 10.0.0.2, ports: {http: 9999}, serviceAccount: legacy}
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: google, namespace: shop}
        spec:
          hosts: [www.google.com]
          location: MESH_EXTERNAL
          resolution: DNS
          ports:
          - {number: 443, name: tls, protocol: TLS}
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: vms, namespace: shop}
        spec:
          hosts: [vms.shop.internal]
          location: MESH_INTERNAL
          resolution: STATIC
          ports:
          - {number: 80, name: http-web}
          workloadSelector:
            labels: {app: vm}
        ---
        apiVersion: networking.istio.io/v1
        kind: WorkloadEntry
        metadata: {name: vm-1, namespace: shop}
        spec: {address: 10.1.0.1, labels: {app: vm}, serviceAccount: vm-sa}
        ---
        apiVersion: networking.istio.io/v1
        kind: WorkloadEntry
        metadata: {name: other, namespace: shop}
        spec: {address: 10.1.0.9, labels: {app: other}}
        """);
    try (ConfigRegistry registry = new ConfigRegistry(store)) {
      assertThat(registry.services()).extracting(Service::hostname).containsExactly("legacy.shop.internal", "vms.shop.internal", "www.google.com");
      assertThat(registry.service("legacy.shop.internal").orElseThrow()).isEqualTo(new Service("legacy.shop.internal", "shop",
          List.of(new ServicePort("http", 8080, Protocol.HTTP)), Map.of("team", "a"), Map.of(), Resolution.STATIC,
          MeshLocation.MESH_INTERNAL, List.of("240.0.0.1"), "config"));
      assertThat(registry.endpoints("legacy.shop.internal")).containsExactly(
          new Endpoint("legacy.shop.internal", "10.0.0.1", Map.of("http", 9090), Map.of(), "", Health.HEALTHY, new Locality("eu", "eu-1a", ""), 3, "shop/legacy"),
          new Endpoint("legacy.shop.internal", "10.0.0.2", Map.of("http", 9999), Map.of(), "legacy", Health.HEALTHY, Locality.UNKNOWN, 1, "shop/legacy"));
      assertThat(registry.endpoints("www.google.com")).singleElement()
          .satisfies(e -> assertThat(e.address()).isEqualTo("www.google.com"));
      assertThat(registry.service("vms.shop.internal").orElseThrow().ports()).containsExactly(new ServicePort("http-web", 80, Protocol.HTTP));
      assertThat(registry.endpoints("vms.shop.internal")).extracting(Endpoint::address, Endpoint::workload, Endpoint::serviceAccount)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("10.1.0.1", "shop/vm-1", "vm-sa"));

      List<RegistryChange> changes = new ArrayList<>();
      registry.addListener(changes::add);
      apply("""
          apiVersion: networking.istio.io/v1
          kind: WorkloadEntry
          metadata: {name: vm-2, namespace: shop}
          spec: {address: 10.1.0.2, labels: {app: vm}}
          """);
      assertThat(registry.endpoints("vms.shop.internal")).hasSize(2);
      assertThat(changes).containsExactly(new RegistryChange("config", Set.of("vms.shop.internal")));
      apply("""
          apiVersion: networking.istio.io/v1
          kind: Gateway
          metadata: {name: gw, namespace: shop}
          spec: {servers: [{hosts: ["*"], port: {number: 80, name: http, protocol: HTTP}}]}
          """);
      assertThat(changes).as("a Gateway is no registry change").hasSize(1);
    }
  }
}
