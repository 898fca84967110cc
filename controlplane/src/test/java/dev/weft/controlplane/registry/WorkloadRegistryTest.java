package dev.weft.controlplane.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.config.model.Protocol;
import dev.weft.controlplane.registry.Workload.WorkloadPort;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadRegistryTest {
  /** A clock the test moves by hand. */
  static final class ManualClock implements InstantSource {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }
  }

  private final ManualClock clock = new ManualClock();
  private final WorkloadRegistry registry = new WorkloadRegistry(clock, Duration.ofSeconds(30), 3);
  private final List<RegistryChange> changes = new ArrayList<>();

  static Workload vm(String name, String address, String app) {
    return new Workload(name, "shop", null, "reviews-sa", Map.of("app", app, "version", "v1"), address,
        List.of(new WorkloadPort("http", 9080, null), new WorkloadPort("metrics", 15020, Protocol.TCP)), null, Locality.parse("eu/eu-1a"), 0);
  }

  @Test
  void workloadsOfOneServiceMakeOneServiceWithAnEndpointEach() {
    registry.addListener(changes::add);
    assertThat(registry.register(vm("reviews-1", "10.0.0.1", "reviews"), null)).isEqualTo(WorkloadRegistry.Outcome.CREATED);
    registry.register(vm("reviews-2", "10.0.0.2", "reviews"), null);

    String host = "reviews.shop.svc.cluster.local";
    assertThat(registry.services()).containsExactly(new Service(host, "shop",
        List.of(new ServicePort("http", 9080, Protocol.HTTP), new ServicePort("metrics", 15020, Protocol.TCP)),
        Map.of(), Map.of(), Resolution.STATIC, MeshLocation.MESH_INTERNAL, List.of(), "workloads"));
    assertThat(registry.endpoints(host)).extracting(Endpoint::address).containsExactly("10.0.0.1", "10.0.0.2");
    Endpoint e = registry.endpoints(host).getFirst();
    assertThat(e.ports()).isEqualTo(Map.of("http", 9080, "metrics", 15020));
    assertThat(e.serviceAccount()).isEqualTo("reviews-sa");
    assertThat(e.health()).isEqualTo(Health.HEALTHY);
    assertThat(e.locality()).isEqualTo(new Locality("eu", "eu-1a", ""));
    assertThat(e.weight()).isEqualTo(1);
    assertThat(changes).hasSize(2).allSatisfy(c -> assertThat(c.hostnames()).containsExactly(host));
  }

  @Test
  void aWorkloadWithoutHeartbeatsExpiresAfterItsTtl() {
    registry.register(vm("reviews-1", "10.0.0.1", "reviews"), Duration.ofSeconds(10));
    registry.register(vm("reviews-2", "10.0.0.2", "reviews"), Duration.ofSeconds(10));
    registry.addListener(changes::add);

    clock.advance(Duration.ofSeconds(6));
    assertThat(registry.heartbeat("shop", "reviews-1", null)).isTrue();
    assertThat(registry.sweep()).isZero();

    clock.advance(Duration.ofSeconds(4)); // reviews-2: 10 s without a heartbeat
    assertThat(registry.sweep()).isEqualTo(1);
    assertThat(registry.endpoints("reviews.shop.svc.cluster.local")).extracting(Endpoint::workload).containsExactly("shop/reviews-1");
    assertThat(changes).containsExactly(new RegistryChange("workloads", java.util.Set.of("reviews.shop.svc.cluster.local")));

    clock.advance(Duration.ofSeconds(10));
    assertThat(registry.sweep()).isEqualTo(1);
    assertThat(registry.services()).isEmpty();
    assertThat(registry.heartbeat("shop", "reviews-1", null)).as("expired: must register again").isFalse();
  }

  @Test
  void ttlIsCappedAndHeartbeatCanChangeHealth() {
    registry.register(vm("r", "10.0.0.1", "reviews"), Duration.ofHours(1));
    assertThat(registry.registration("shop", "r").orElseThrow().ttl()).isEqualTo(Duration.ofSeconds(30));
    registry.addListener(changes::add);
    registry.heartbeat("shop", "r", Health.DRAINING);
    assertThat(registry.endpoints("reviews.shop.svc.cluster.local").getFirst().health()).isEqualTo(Health.DRAINING);
    assertThat(changes).hasSize(1);
    registry.heartbeat("shop", "r", Health.DRAINING);
    assertThat(changes).as("nothing changed").hasSize(1);
  }

  @Test
  void theSweeperThreadRemovesExpiredWorkloads() throws InterruptedException {
    WorkloadRegistry real = new WorkloadRegistry(InstantSource.system(), Duration.ofMillis(100), 10);
    try (real) {
      real.register(vm("r", "10.0.0.1", "reviews"), null);
      real.startSweeper(Duration.ofMillis(20));
      dev.weft.controlplane.testing.Wait.until("expiry", Duration.ofSeconds(10), () -> real.registrations().isEmpty());
    }
  }

  @Test
  void invalidRegistrationsAndAFullRegistryAreRefused() {
    Workload bad = new Workload("Bad_Name", "shop", null, null, Map.of(), "10.0.0.300",
        List.of(new WorkloadPort("http", 70000, null), new WorkloadPort("http", 80, null)), null, null, 0);
    assertThatThrownBy(() -> registry.register(bad, null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name: \"Bad_Name\" is not a valid name: lower case letters, digits, '-' and '.'; "
            + "address: \"10.0.0.300\" is neither an IP address nor a host name; "
            + "ports[0].number: port must be 1..65535, got 70000; ports[1].name: \"http\" is used twice");
    registry.register(vm("a", "10.0.0.1", "x"), null);
    registry.register(vm("b", "10.0.0.2", "x"), null);
    registry.register(vm("c", "10.0.0.3", "x"), null);
    assertThatThrownBy(() -> registry.register(vm("d", "10.0.0.4", "x"), null)).hasMessageContaining("maximum of 3");
    assertThat(registry.register(vm("c", "10.0.0.9", "x"), null)).isEqualTo(WorkloadRegistry.Outcome.UPDATED);
  }

  @Test
  void theAggregateTakesTheFirstDefinitionAndEveryEndpoint() {
    WorkloadRegistry other = new WorkloadRegistry(clock, Duration.ofSeconds(30), 10);
    registry.register(vm("r1", "10.0.0.1", "reviews"), null);
    other.register(new Workload("r2", "shop", "reviews", null, Map.of(), "10.0.0.2", List.of(new WorkloadPort("grpc", 7070, null)),
        null, null, 0), null);
    AggregateRegistry all = new AggregateRegistry(List.of(registry, other));
    assertThat(all.services()).singleElement().satisfies(s -> assertThat(s.ports()).extracting(ServicePort::name).containsExactly("http", "metrics"));
    assertThat(all.endpoints("reviews.shop.svc.cluster.local")).extracting(Endpoint::address).containsExactly("10.0.0.1", "10.0.0.2");
    all.addListener(changes::add);
    other.deregister("shop", "r2");
    assertThat(changes).hasSize(1);
  }
}
