package dev.weft.config.networking.workloadentry;

import dev.weft.config.testing.Loaded;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadEntryTest {

  @Test
  void readsAWorkloadEntry() {
    WorkloadEntry we = Loaded.spec("""
        apiVersion: networking.istio.io/v1
        kind: WorkloadEntry
        metadata:
          name: details-vm
        spec:
          address: 2.2.2.2
          ports: {http: 9080}
          labels: {app: details, instance-id: vm1}
          network: vm-net
          locality: us-east/zone1
          weight: 5
          serviceAccount: bookinfo-details
        """, WorkloadEntry.class);
    assertThat(we).isEqualTo(new WorkloadEntry("2.2.2.2", Map.of("http", 9080L), Map.of("app", "details", "instance-id", "vm1"),
        "vm-net", "us-east/zone1", 5L, "bookinfo-details"));
  }

  @Test
  void readsAWorkloadGroupWithEachProbeKind() {
    WorkloadGroup g = Loaded.spec("""
        apiVersion: networking.istio.io/v1
        kind: WorkloadGroup
        metadata:
          name: reviews
        spec:
          metadata:
            labels: {app: reviews}
            annotations: {team: books}
          template:
            ports: {http: 9080}
            serviceAccount: default
          probe:
            initialDelaySeconds: 5
            timeoutSeconds: 3
            periodSeconds: 4
            successThreshold: 3
            failureThreshold: 3
            httpGet:
              path: /ready
              port: 9080
              host: 127.0.0.1
              scheme: HTTPS
              httpHeaders:
              - name: Lit-Header
                value: Im-The-Best
        """, WorkloadGroup.class);
    assertThat(g.metadata()).isEqualTo(new WorkloadGroup.Metadata(Map.of("app", "reviews"), Map.of("team", "books")));
    assertThat(g.template()).isEqualTo(new WorkloadEntry(null, Map.of("http", 9080L), Map.of(), null, null, null, "default"));
    assertThat(g.probe()).isEqualTo(new WorkloadGroup.ReadinessProbe(5, 3, 4, 3, 3, new WorkloadGroup.HttpGet("/ready", 9080,
        "127.0.0.1", "HTTPS", List.of(new WorkloadGroup.HttpHeader("Lit-Header", "Im-The-Best")))));

    assertThat(probe("tcpSocket: {host: localhost, port: 3306}")).isEqualTo(new WorkloadGroup.TcpSocket("localhost", 3306));
    assertThat(probe("exec: {command: [cat, /tmp/healthy]}")).isEqualTo(new WorkloadGroup.Exec(List.of("cat", "/tmp/healthy")));
    assertThat(probe("grpc: {port: 50051, service: health}")).isEqualTo(new WorkloadGroup.Grpc(50051, "health"));
  }

  private static WorkloadGroup.HealthCheck probe(String method) {
    return Loaded.spec(group("probe: {" + method + "}"), WorkloadGroup.class)
        .probe().method();
  }

  static String group(String specLines) {
    return "apiVersion: networking.istio.io/v1\nkind: WorkloadGroup\nmetadata:\n  name: g\nspec:\n  template: {serviceAccount: default}\n"
        + specLines.lines().map(l -> "  " + l + "\n").reduce("", String::concat);
  }

  static String entry(String specLines) {
    return "apiVersion: networking.istio.io/v1\nkind: WorkloadEntry\nmetadata:\n  name: we\nspec:\n"
        + specLines.lines().map(l -> "  " + l + "\n").reduce("", String::concat);
  }

  @Test
  void workloadEntryRules() {
    assertThat(Loaded.messagesOf(entry("labels: {app: vm}")))
        .containsExactly("t.yaml:5: WorkloadEntry default/we: spec.address: address is required");
    assertThat(Loaded.messagesOf(entry("network: vm-net")))
        .containsExactly("t.yaml:5: warning: WorkloadEntry default/we: spec.address: address is unset with network \"vm-net\"");
    assertThat(Loaded.messagesOf(entry("address: \"vm_1.example.com\"")))
        .containsExactly("t.yaml:6: WorkloadEntry default/we: spec.address: endpoint address \"vm_1.example.com\" is not a valid FQDN or an IP address");
    assertThat(Loaded.messagesOf(entry("address: unix://relative.sock")))
        .containsExactly("t.yaml:6: WorkloadEntry default/we: spec.address: relative.sock is not an absolute path to a file");
    assertThat(Loaded.messagesOf(entry("address: 10.0.0.1\nports: {http: 70000}")))
        .containsExactly("t.yaml:7: WorkloadEntry default/we: spec.ports.http: port must be 1..65535, got 70000");
    assertThat(Loaded.messagesOf(entry("address: 10.0.0.1\nports: {http_port: 80}")))
        .containsExactly("t.yaml:7: WorkloadEntry default/we: spec.ports.http_port: invalid port name: http_port");
    assertThat(Loaded.messagesOf(entry("address: 10.0.0.1\nports: {http: eighty}")))
        .containsExactly("t.yaml:7: WorkloadEntry default/we: spec.ports.http: expected integer, got string \"eighty\"");
    assertThat(Loaded.messagesOf(entry("address: vm.example.com\nweight: -1")))
        .containsExactly("t.yaml:7: WorkloadEntry default/we: spec.weight: weight must be non-negative");
    assertThat(Loaded.messagesOf(entry("address: 10.0.0.1\nlabels: {\"app/\": x}")))
        .containsExactly("t.yaml:7: WorkloadEntry default/we: spec.labels: invalid label key \"app/\"");
  }

  @Test
  void workloadGroupRules() {
    assertThat(Loaded.messagesOf("apiVersion: networking.istio.io/v1\nkind: WorkloadGroup\nmetadata:\n  name: g\nspec:\n  metadata: {labels: {app: x}}\n"))
        .containsExactly("t.yaml:5: WorkloadGroup default/g: spec.template: template is required");
    assertThat(Loaded.messagesOf(group("metadata: {labels: {app: \"a b\"}}")))
        .containsExactly("t.yaml:7: WorkloadGroup default/g: spec.metadata.labels[\"app\"]: invalid label value \"a b\"");
    assertThat(Loaded.messagesOf(group("probe: {periodSeconds: -1, tcpSocket: {port: 80}}")))
        .containsExactly("t.yaml:7: WorkloadGroup default/g: spec.probe.periodSeconds: periodSeconds must be non-negative");
    assertThat(Loaded.messagesOf(group("probe: {httpGet: {port: 80, scheme: ftp}}")))
        .containsExactly("t.yaml:7: WorkloadGroup default/g: spec.probe.httpGet.scheme: httpGet.scheme must be one of \"HTTPS\", \"HTTP\"");
    assertThat(Loaded.messagesOf(group("probe: {httpGet: {path: /ready}}")))
        .containsExactly("t.yaml:7: WorkloadGroup default/g: spec.probe.httpGet.port: port must be 1..65535, got 0");
    assertThat(Loaded.messagesOf(group("probe: {httpGet: {port: 80, httpHeaders: [{name: \"bad header\"}]}}")))
        .containsExactly("t.yaml:7: WorkloadGroup default/g: spec.probe.httpGet.httpHeaders[0].name: header name bad header is not a valid header name");
    assertThat(Loaded.messagesOf(group("probe: {exec: {command: []}}")))
        .containsExactly("t.yaml:7: WorkloadGroup default/g: spec.probe.exec.command: exec.command is required");
    assertThat(Loaded.messagesOf(group("probe: {periodSeconds: 5}")))
        .containsExactly("t.yaml:7: WorkloadGroup default/g: spec.probe: probe must set one health check method: httpGet, tcpSocket, exec or grpc");
    assertThat(Loaded.messagesOf(group("probe: {exec: {command: [true]}, tcpSocket: {port: 80}}")))
        .containsExactly("t.yaml:7: WorkloadGroup default/g: spec.probe.exec: only one of httpGet, tcpSocket, exec, grpc may be set, found tcpSocket and exec",
            "t.yaml:7: WorkloadGroup default/g: spec.probe.exec.command[0]: expected string, got boolean true (quote it: \"true\")");
  }
}
