package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.controlplane.ControlPlane;
import dev.weft.controlplane.registry.Workload;
import dev.weft.controlplane.testing.SimulatedDeltaProxy;
import dev.weft.controlplane.testing.SimulatedProxy;
import dev.weft.controlplane.testing.TestTranslator;
import dev.weft.controlplane.testing.Wait;
import dev.weft.controlplane.xds.ResourceType;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** weft proxy-status and proxy-config against an in-process control plane with a connected ADS client. */
class ProxyCommandsTest {
  private static final String ID = "sidecar~10.1.0.9~productpage-1.default~default.svc.cluster.local";

  @TempDir Path dir;
  private ControlPlane cp;
  private String server;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private SimulatedProxy proxy;

  @BeforeEach
  void start() throws IOException {
    cp = ControlPlane.start(ControlPlane.Options.defaults(dir.resolve("data")).withEphemeralPorts().withTranslator(new TestTranslator()));
    server = cp.url();
    proxy = SimulatedProxy.connect(cp.xdsPort(), SimulatedProxy.sidecar("productpage-1", "default", "10.1.0.9",
        Map.of("app", "productpage")), timer, Duration.ofMillis(100), Duration.ofSeconds(1));
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    cp.close();
    timer.shutdownNow();
  }

  private void registerRatings() {
    cp.workloads().register(new Workload("ratings-1", "default", "ratings", null, Map.of("app", "ratings"), "10.1.0.7",
        List.of(new Workload.WorkloadPort("http", 9080, null)), null, null, 0), null);
  }

  private void awaitSynced() {
    Wait.until("the proxy synced", Duration.ofSeconds(20), () -> proxy.synced()
        && cp.xds().proxyStatus(ID).map(s -> s.types().values().stream().noneMatch(t -> t.state().name().equals("STALE"))).orElse(false));
  }

  @Test
  void proxyStatusShowsEachTypesSyncState() {
    awaitSynced();
    // No services yet: no clusters or listeners, so the proxy never asked for endpoints or routes.
    CliRun empty = CliRun.of("proxy-status", "--server", server);
    assertThat(empty.exitCode()).as(empty.all()).isZero();
    assertThat(empty.out()).isEqualTo("""
        NAME                                                               TYPE      CDS      LDS      EDS        RDS        VERSION
        sidecar~10.1.0.9~productpage-1.default~default.svc.cluster.local   SIDECAR   SYNCED   SYNCED   NOT SENT   NOT SENT   1.28.0
        """);

    registerRatings();
    Wait.until("endpoints and routes sent", Duration.ofSeconds(20), () -> proxy.responses(ResourceType.ROUTE) > 0
        && proxy.responses(ResourceType.ENDPOINT) > 0);
    awaitSynced();
    assertThat(CliRun.of("ps", "--server", server).out()).isEqualTo("""
        NAME                                                               TYPE      CDS      LDS      EDS      RDS      VERSION
        sidecar~10.1.0.9~productpage-1.default~default.svc.cluster.local   SIDECAR   SYNCED   SYNCED   SYNCED   SYNCED   1.28.0
        """);

    // The proxy rejects the next routes: NACKED, and its reason under the table.
    proxy.nackNext(ResourceType.ROUTE, "route ratings: unknown cluster");
    assertThat(cp.store().apply("vs.yaml", """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: ratings}
        spec:
          hosts: [ratings]
          http:
          - route:
            - destination: {host: ratings}
        """).accepted()).isTrue();
    Wait.until("the NACK", Duration.ofSeconds(20), () -> CliRun.of("ps", "--server", server).out().contains("NACKED"));
    String rdsVersion = cp.xds().proxyStatus(ID).orElseThrow().types().get(ResourceType.ROUTE).sentVersion();
    assertThat(CliRun.of("ps", "--server", server).out()).isEqualTo("""
        NAME                                                               TYPE      CDS      LDS      EDS      RDS      VERSION
        sidecar~10.1.0.9~productpage-1.default~default.svc.cluster.local   SIDECAR   SYNCED   SYNCED   SYNCED   NACKED   1.28.0

        Rejected (NACK) configuration:
          %s RDS version %s: route ratings: unknown cluster
        """.formatted(ID, rdsVersion));

    CliRun json = CliRun.of("proxy-status", "-o", "json", "--server", server);
    assertThat(json.out()).contains("\"id\" : \"" + ID + "\"").contains("\"message\" : \"route ratings: unknown cluster\"");
  }

  @Test
  void proxyConfigPrintsShortTablesOrTheResources() {
    registerRatings();
    Wait.until("endpoints sent", Duration.ofSeconds(20), () -> proxy.responses(ResourceType.ENDPOINT) > 0);
    awaitSynced();

    CliRun clusters = CliRun.of("proxy-config", "clusters", ID, "--server", server);
    assertThat(clusters.exitCode()).as(clusters.all()).isZero();
    assertThat(clusters.out()).isEqualTo("""
        SERVICE FQDN                        PORT   SUBSET   DIRECTION   TYPE
        ratings.default.svc.cluster.local   9080   -        outbound    EDS
        """);
    assertThat(CliRun.of("pc", "listeners", ID, "--server", server).out()).isEqualTo("""
        ADDRESS   PORT   TYPE
        0.0.0.0   9080   HTTP
        """);
    assertThat(CliRun.of("pc", "routes", ID, "--server", server).out()).isEqualTo("""
        NAME   VHOSTS
        9080   1
        """);
    assertThat(CliRun.of("pc", "endpoints", ID, "--server", server).out()).isEqualTo("""
        ENDPOINT        STATUS    CLUSTER
        10.1.0.7:9080   HEALTHY   outbound|9080||ratings.default.svc.cluster.local
        """);
    CliRun all = CliRun.of("pc", "all", ID, "--server", server);
    assertThat(all.out()).startsWith("SERVICE FQDN").contains("\n\nADDRESS   PORT   TYPE\n").contains("\n\nNAME   VHOSTS\n")
        .endsWith("outbound|9080||ratings.default.svc.cluster.local\n");

    CliRun json = CliRun.of("pc", "endpoints", ID, "-o", "json", "--server", server);
    assertThat(json.exitCode()).isZero();
    assertThat(json.out()).contains("\"typeUrl\" : \"type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment\"")
        .contains("\"clusterName\" : \"outbound|9080||ratings.default.svc.cluster.local\"")
        .contains("\"address\" : \"10.1.0.7\"");
    assertThat(CliRun.of("pc", "all", ID, "-o", "json", "--server", server).out()).contains("\"clusters\" : {").contains("\"routes\" : {");
  }

  @Test
  void anUnknownProxyOrTypeIsAClearError() {
    CliRun unknown = CliRun.of("proxy-config", "clusters", "nobody", "--server", server);
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err()).isEqualTo("Error: proxy nobody is not connected\n");
    CliRun badType = CliRun.of("proxy-config", "secretz", ID, "--server", server);
    assertThat(badType.exitCode()).isEqualTo(2);
    assertThat(badType.err()).contains("Invalid value for positional parameter at index 0 (TYPE): expected one of [listeners, routes, clusters, endpoints, all]");
  }

  /**
   * A delta proxy of a control plane started with a VHDS threshold of 1 (weftd --vhds-min-virtual-hosts)
   * gets its routes through VHDS, and proxy-status shows the VHDS column.
   */
  @Test
  void proxyStatusShowsVhdsForADeltaProxyAboveTheThreshold() throws Exception {
    proxy.close();
    cp.close();
    cp = ControlPlane.start(ControlPlane.Options.defaults(dir.resolve("data-vhds")).withEphemeralPorts()
        .withTranslator(new TestTranslator()).withVhdsMinVirtualHosts(1));
    server = cp.url();
    registerRatings();
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", cp.xdsPort()).usePlaintext().build();
    SimulatedDeltaProxy delta = new SimulatedDeltaProxy(channel, SimulatedProxy.sidecar("reviews-1", "default", "10.1.0.8",
        Map.of("app", "reviews")), timer, Duration.ofMillis(100), Duration.ofSeconds(1));
    try {
      delta.start();
      String deltaId = delta.id();
      Wait.until("the delta proxy synced with its virtual hosts", Duration.ofSeconds(20), () -> delta.synced()
          && !delta.names(ResourceType.VIRTUAL_HOST).isEmpty()
          && cp.xds().proxyStatus(deltaId).map(st -> st.types().values().stream()
              .noneMatch(t -> t.state().name().equals("STALE"))).orElse(false));
      CliRun r = CliRun.of("proxy-status", "--server", server);
      assertThat(r.exitCode()).as(r.all()).isZero();
      assertThat(r.out()).isEqualTo("""
          NAME                                                           TYPE      CDS      LDS      EDS      RDS      VHDS     VERSION
          sidecar~10.1.0.8~reviews-1.default~default.svc.cluster.local   SIDECAR   SYNCED   SYNCED   SYNCED   SYNCED   SYNCED   1.28.0
          """);
    } finally {
      delta.close();
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
