package dev.weft.config.networking.serviceentry;

import dev.weft.config.testing.Loaded;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.config.networking.workloadentry.WorkloadEntry;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ServiceEntryTest {

  @Test
  void readsEveryField() {
    ServiceEntry se = Loaded.spec("""
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata:
          name: mongo
        spec:
          hosts: [mymongodb.somedomain]
          addresses: [192.192.192.192/24]
          ports:
          - number: 27018
            name: mongodb
            protocol: MONGO
            targetPort: 27019
          location: MESH_INTERNAL
          resolution: STATIC
          endpoints:
          - address: 2.2.2.2
            ports: {mongodb: 7777}
            labels: {app: mongo}
            network: net1
            locality: us-west/zone1
            weight: 10
            serviceAccount: mongo-sa
          - address: unix:///var/run/mongo.sock
          exportTo: ["*"]
          subjectAltNames: ["spiffe://cluster.local/ns/default/sa/mongo"]
        """, ServiceEntry.class);
    assertThat(se.hosts()).containsExactly("mymongodb.somedomain");
    assertThat(se.addresses()).containsExactly("192.192.192.192/24");
    assertThat(se.ports()).containsExactly(new ServiceEntry.Port(27018, "MONGO", "mongodb", 27019));
    assertThat(se.location()).isEqualTo(ServiceEntry.Location.MESH_INTERNAL);
    assertThat(se.resolution()).isEqualTo(ServiceEntry.Resolution.STATIC);
    assertThat(se.endpoints()).containsExactly(
        new WorkloadEntry("2.2.2.2", Map.of("mongodb", 7777L), Map.of("app", "mongo"), "net1", "us-west/zone1", 10L, "mongo-sa"),
        new WorkloadEntry("unix:///var/run/mongo.sock", Map.of(), Map.of(), null, null, null, null));
    assertThat(se.workloadSelector()).isNull();
    assertThat(se.exportTo()).containsExactly("*");
    assertThat(se.subjectAltNames()).containsExactly("spiffe://cluster.local/ns/default/sa/mongo");
  }

  @Test
  void statusAddressesAreTheAllocatedOnesAndTheRestOfStatusIsIgnored() {
    ServiceEntry se = Loaded.spec("""
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata:
          name: allocated
        spec:
          hosts: [dummy.testing.io]
          ports: [{number: 22, name: tcp, protocol: TCP}]
        status:
          conditions: [{type: Reconciled, status: "True"}]
          addresses:
          - host: dummy.testing.io
            value: 240.240.0.1
          - host: dummy.testing.io
            value: 2001:2::1
        """, ServiceEntry.class);
    assertThat(se.addresses()).isEmpty();
    assertThat(se.allocatedAddresses()).containsExactly("240.240.0.1", "2001:2::1");
    assertThat(Loaded.messagesOf("""
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata:
          name: odd-status
        spec:
          hosts: [dummy.testing.io]
          ports: [{number: 80, name: http, protocol: HTTP}]
        status: pending
        """)).isEmpty();
  }

  @Test
  void locationDefaultsAndWorkloadSelectorIsUnderLabels() {
    ServiceEntry se = Loaded.spec("""
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata:
          name: vm
        spec:
          hosts: [vm.example.com]
          ports: [{number: 80, name: http, protocol: HTTP}]
          resolution: STATIC
          workloadSelector:
            labels: {app: vm}
        """, ServiceEntry.class);
    assertThat(se.location()).isEqualTo(ServiceEntry.Location.MESH_EXTERNAL);
    assertThat(se.resolution()).isEqualTo(ServiceEntry.Resolution.STATIC);
    assertThat(se.workloadSelector().labels()).containsExactly(Map.entry("app", "vm"));
  }

  static String entry(String spec) {
    return "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: se\nspec:\n"
        + spec.stripIndent().lines().map(l -> "  " + l + "\n").reduce("", String::concat);
  }

  static Stream<Arguments> cases() {
    String p = "t.yaml:%d: ServiceEntry default/se: ";
    return Stream.of(
        Arguments.of("""
            ports: [{number: 80, name: http, protocol: HTTP}]
            """, p.formatted(5) + "spec.hosts: service entry must have at least one host"),
        Arguments.of("""
            hosts: ["*"]
            """, p.formatted(6) + "spec.hosts[0]: invalid host *"),
        Arguments.of("""
            hosts: [api.example.com]
            addresses: [10.0.0.300]
            """, p.formatted(7) + "spec.addresses[0]: 10.0.0.300 is not a valid IP"),
        Arguments.of("""
            hosts: [api.example.com]
            addresses: [10.0.0.0/33]
            """, p.formatted(7) + "spec.addresses[0]: 10.0.0.0/33 is not a valid CIDR block"),
        Arguments.of("""
            hosts: [api.example.com]
            addresses: [10.0.0.0/24]
            resolution: DNS
            """, p.formatted(7) + "spec.addresses: CIDR addresses are allowed only for NONE/STATIC resolution types"),
        Arguments.of("""
            hosts: [api.example.com]
            ports:
            - {number: 80, name: http, protocol: HTTP}
            - {number: 8080, name: http, protocol: HTTP}
            """, p.formatted(9) + "spec.ports[1].name: service entry port name \"http\" already defined"),
        Arguments.of("""
            hosts: [api.example.com]
            ports:
            - {number: 80, name: http, protocol: HTTP}
            - {number: 80, name: http-alt, protocol: HTTP}
            """, p.formatted(9) + "spec.ports[1].number: service entry port 80 already defined"),
        Arguments.of("""
            hosts: [api.example.com]
            ports:
            - {number: 80, name: http, protocol: HTTPX}
            """, p.formatted(8) + "spec.ports[0].protocol: unsupported protocol: HTTPX"),
        Arguments.of("""
            hosts: [api.example.com]
            ports:
            - {number: 80, name: Http_Port, protocol: HTTP}
            """, p.formatted(8) + "spec.ports[0].name: invalid port name: Http_Port"),
        Arguments.of("""
            hosts: [api.example.com]
            ports:
            - {number: 0, name: http, protocol: HTTP}
            """, p.formatted(8) + "spec.ports[0].number: port must be 1..65535, got 0"),
        Arguments.of("""
            hosts: [api.example.com]
            ports: [{number: 80, name: http, protocol: HTTP}]
            resolution: NONE
            endpoints: [{address: 1.1.1.1}]
            """, p.formatted(9) + "spec.endpoints: no endpoints should be provided for resolution type none"),
        Arguments.of("""
            hosts: [api.example.com]
            ports: [{number: 80, name: http, protocol: HTTP}]
            resolution: STATIC
            endpoints: [{address: api.internal}]
            """, p.formatted(9) + "spec.endpoints[0].address: endpoint address \"api.internal\" is not a valid IP address"),
        Arguments.of("""
            hosts: [api.example.com]
            ports: [{number: 80, name: http, protocol: HTTP}]
            resolution: STATIC
            endpoints:
            - address: 1.1.1.1
              ports: {https: 8443}
            """, p.formatted(11) + "spec.endpoints[0].ports.https: endpoint port 8443 is not defined by the service entry (no port named \"https\")"),
        Arguments.of("""
            hosts: [api.example.com]
            ports: [{number: 80, name: http, protocol: HTTP}]
            resolution: STATIC
            endpoints:
            - address: unix:///var/run/api.sock
              ports: {http: 80}
            """, p.formatted(11) + "spec.endpoints[0].ports: unix endpoint unix:///var/run/api.sock must not include ports"),
        Arguments.of("""
            hosts: ["*.example.com"]
            ports: [{number: 443, name: https, protocol: HTTPS}]
            resolution: DNS
            """, p.formatted(6) + "spec.hosts[0]: hosts must be FQDN if no endpoints are provided for resolution mode DNS"),
        Arguments.of("""
            hosts: [api.example.com]
            ports: [{number: 443, name: https, protocol: HTTPS}]
            resolution: DNS_ROUND_ROBIN
            endpoints: [{address: a.example.com}, {address: b.example.com}]
            """, p.formatted(9) + "spec.endpoints: there must only be 0 or 1 endpoint for resolution mode DNS_ROUND_ROBIN"),
        Arguments.of("""
            hosts: [api.example.com]
            ports: [{number: 443, name: https, protocol: HTTPS}]
            resolution: DNS
            endpoints: [{address: "bad host!"}]
            """, p.formatted(9) + "spec.endpoints[0].address: endpoint address \"bad host!\" is not a valid FQDN or an IP address"),
        Arguments.of("""
            hosts: [a.example.com, b.example.com]
            ports: [{number: 5432, name: tcp-pg, protocol: TCP}]
            resolution: DNS
            """, p.formatted(7) + "spec.ports[0].protocol: multiple hosts provided with non-HTTP, non-TLS ports"),
        Arguments.of("""
            hosts: [api.example.com]
            ports: [{number: 80, name: http, protocol: HTTP}]
            resolution: STATIC
            workloadSelector: {labels: {app: api}}
            endpoints: [{address: 1.1.1.1}]
            """, p.formatted(9) + "spec.workloadSelector: only one of WorkloadSelector or Endpoints is allowed in Service Entry"),
        Arguments.of("""
            hosts: [api.example.com]
            exportTo: ["~", "prod"]
            """, p.formatted(7) + "spec.exportTo: cannot export service entry to no one (~) and someone"));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void eachRuleReportsItsError(String spec, String expected) {
    assertThat(Loaded.messagesOf(entry(spec)).stream().filter(m -> !m.contains(": warning: "))).containsExactly(expected);
  }

  @Test
  void warnsAboutTargetPortWithResolutionNoneAndEmptySelectors() {
    assertThat(Loaded.messagesOf(entry("""
        hosts: [api.example.com]
        ports: [{number: 80, name: http, protocol: HTTP, targetPort: 8080}]
        workloadSelector: {labels: {}}
        """))).containsExactly(
        "t.yaml:8: warning: ServiceEntry default/se: spec.workloadSelector.labels: service entry: workload selector specified without labels, will be applied to all services in namespace",
        "t.yaml:7: warning: ServiceEntry default/se: spec.ports[0].targetPort: targetPort has no effect when resolution mode is NONE",
        "t.yaml:8: warning: ServiceEntry default/se: spec.workloadSelector: workloadSelector should not be set when resolution mode is NONE");
  }
}
