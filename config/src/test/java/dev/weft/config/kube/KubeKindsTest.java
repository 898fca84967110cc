package dev.weft.config.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.config.testing.Loaded;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KubeKindsTest {

  @Test
  void serviceReadsPortsWithNumberOrNamedTargetPorts() {
    var r = Loaded.of("""
        apiVersion: v1
        kind: Service
        metadata:
          name: reviews
          labels: {app: reviews}
        spec:
          selector:
            app: reviews
          type: NodePort
          clusterIP: 10.0.0.12
          sessionAffinity: None
          ports:
          - name: http
            port: 9080
            targetPort: 9081
            appProtocol: http
            nodePort: 30080
          - name: grpc
            port: 9090
            targetPort: grpc-port
            protocol: TCP
        """).single(Service.class);
    Service s = r.spec();
    assertThat(r.meta().labels()).isEqualTo(Map.of("app", "reviews"));
    assertThat(s.selector()).isEqualTo(Map.of("app", "reviews"));
    assertThat(s.type()).isEqualTo("NodePort");
    assertThat(s.clusterIP()).isEqualTo("10.0.0.12");
    assertThat(s.headless()).isFalse();
    assertThat(s.ports()).containsExactly(
        new Service.Port("http", 9080, new IntOrString.Number(9081), null, "http", 30080),
        new Service.Port("grpc", 9090, new IntOrString.Name("grpc-port"), "TCP", null, null));
  }

  @Test
  void serviceChecks() {
    String service = """
        apiVersion: v1
        kind: Service
        metadata:
          name: s
        spec:
          ports:
          - name: http
            port: 70000
          - name: http
            port: 80
          - port: 81
            targetPort: 0
        """;
    assertThat(Loaded.of(service).messages()).containsExactly(
        "t.yaml:8: Service default/s: spec.ports[0].port: port must be 1..65535, got 70000",
        "t.yaml:9: Service default/s: spec.ports[1].name: duplicate port name \"http\"",
        "t.yaml:11: Service default/s: spec.ports[2].name: port name is required when a service has more than one port",
        "t.yaml:12: Service default/s: spec.ports[2].targetPort: port must be 1..65535, got 0");
  }

  @Test
  void typeErrorsAreReportedThoughUnknownFieldsAreNot() {
    assertThat(Loaded.of("""
        apiVersion: v1
        kind: Service
        metadata:
          name: s
        spec:
          whatever: 1
          ports:
          - port: "80"
            targetPort: [1]
        """).messages()).containsExactly(
            "t.yaml:8: Service default/s: spec.ports[0].port: expected integer, got string \"80\"",
            "t.yaml:9: Service default/s: spec.ports[0].targetPort: expected integer or string, got list");
  }

  @Test
  void podWithContainersAndStatus() {
    var r = Loaded.of("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: httpbin-1
          namespace: httpbin
          labels: {app: httpbin, version: v1}
          annotations: {sidecar.istio.io/status: "{}"}
        spec:
          serviceAccountName: httpbin
          nodeName: node-1
          containers:
          - name: httpbin
            image: docker.io/mccutchen/go-httpbin:v2.15.0
            imagePullPolicy: IfNotPresent
            ports:
            - containerPort: 8080
              name: http
          - name: istio-proxy
            image: docker.io/istio/proxyv2:1.24.0
        status:
          phase: Running
          podIP: 10.244.0.7
        """).single(Pod.class);
    assertThat(r.meta().labels()).containsEntry("version", "v1");
    assertThat(r.meta().annotations()).containsKey("sidecar.istio.io/status");
    assertThat(r.spec().podIP()).isEqualTo("10.244.0.7");
    assertThat(r.spec().spec().serviceAccountName()).isEqualTo("httpbin");
    assertThat(r.spec().spec().nodeName()).isEqualTo("node-1");
    assertThat(r.spec().spec().containers()).containsExactly(
        new PodSpec.Container("httpbin", "docker.io/mccutchen/go-httpbin:v2.15.0", List.of(new PodSpec.ContainerPort("http", 8080, null))),
        new PodSpec.Container("istio-proxy", "docker.io/istio/proxyv2:1.24.0", List.of()));
  }

  @Test
  void podChecks() {
    assertThat(Loaded.of("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
        spec:
          containers:
          - name: c
            ports:
            - containerPort: 0
            - containerPort: 80
              name: Not_A_Name
        status:
          podIP: 10.0.0
        """).messages()).containsExactly(
            "t.yaml:9: Pod default/p: spec.containers[0].ports[0].containerPort: port must be 1..65535, got 0",
            "t.yaml:11: Pod default/p: spec.containers[0].ports[1].name: invalid port name \"Not_A_Name\": at most 15 lower case letters, digits and '-', with at least one letter",
            "t.yaml:13: Pod default/p: status.podIP: invalid IP address \"10.0.0\"");
  }

  @Test
  void deploymentTemplate() {
    Deployment d = Loaded.of("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: reviews-v1
        spec:
          replicas: 2
          selector:
            matchLabels: {app: reviews, version: v1}
          template:
            metadata:
              labels: {app: reviews, version: v1, extra: x}
              annotations: {sidecar.istio.io/inject: "true"}
            spec:
              serviceAccountName: bookinfo-reviews
              containers:
              - name: reviews
                image: reviews:v1
                ports:
                - containerPort: 9080
        """).single(Deployment.class).spec();
    assertThat(d.replicas()).isEqualTo(2);
    assertThat(d.selector()).isEqualTo(Map.of("app", "reviews", "version", "v1"));
    assertThat(d.template().labels()).containsEntry("extra", "x");
    assertThat(d.template().annotations()).containsEntry("sidecar.istio.io/inject", "true");
    assertThat(d.template().spec().serviceAccountName()).isEqualTo("bookinfo-reviews");
    assertThat(d.template().spec().containers().getFirst().ports().getFirst().containerPort()).isEqualTo(9080);
  }

  @Test
  void deploymentSelectorMustMatchTemplate() {
    assertThat(Loaded.of("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: d
        spec:
          selector:
            matchLabels: {app: a}
          template:
            metadata:
              labels: {app: b}
        """).messages()).containsExactly(
            "t.yaml:10: Deployment default/d: spec.template.metadata.labels: selector does not match template labels: missing app=a");
  }

  @Test
  void namespaceIsClusterScopedWithLabels() {
    var r = Loaded.of("""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: httpbin
          labels:
            istio-injection: "enabled"
        spec: {}
        """).single(Namespace.class);
    assertThat(r.key().toString()).isEqualTo("Namespace httpbin");
    assertThat(r.meta().labels()).isEqualTo(Map.of("istio-injection", "enabled"));
  }

  @Test
  void nodeIsClusterScopedWithItsTopologyLabels() {
    var r = Loaded.of("""
        apiVersion: v1
        kind: Node
        metadata:
          name: test-node
          labels:
            topology.kubernetes.io/region: us-west-1
        status:
          capacity: {cpu: "4"}
        """).single(Node.class);
    assertThat(r.key().toString()).isEqualTo("Node test-node");
    assertThat(r.meta().labels()).isEqualTo(Map.of("topology.kubernetes.io/region", "us-west-1"));
  }

  @Test
  void secretKeepsBase64AndDecodesOnRequest() {
    Secret s = Loaded.of("""
        apiVersion: v1
        kind: Secret
        metadata:
          name: cert
          namespace: istio-system
        type: kubernetes.io/tls
        data:
          tls.crt: aHVzaCBodXNoIGh1c2gK
          tls.key: c2VjcmV0IHNlY3JldAo=
        stringData:
          ca.crt: clear
        """).single(Secret.class).spec();
    assertThat(s.type()).isEqualTo(Secret.TLS);
    assertThat(s.data()).containsEntry("tls.crt", "aHVzaCBodXNoIGh1c2gK");
    assertThat(s.bytes("tls.key")).hasValueSatisfying(b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("secret secret\n"));
    assertThat(s.bytes("ca.crt")).hasValueSatisfying(b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("clear"));
    assertThat(s.has("tls.crt")).isTrue();
    assertThat(s.bytes("missing")).isEmpty();
  }

  @Test
  void secretDataMustBeBase64WithValidKeys() {
    assertThat(Loaded.of("""
        apiVersion: v1
        kind: Secret
        metadata:
          name: s
        data:
          "bad key": YQ==
          ok: "not base64!"
        """).messages()).containsExactly(
            "t.yaml:6: Secret default/s: data[\"bad key\"]: invalid key \"bad key\": letters, digits, '-', '_' and '.' only",
            "t.yaml:7: Secret default/s: data.ok: illegal base64 data: Illegal base64 character 20");
  }

  @Test
  void configMapData() {
    ConfigMap cm = Loaded.of("""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: istio
          namespace: istio-system
        data:
          mesh: |-
            defaultConfig:
              discoveryAddress: istiod.istio-system.svc:15012
        """).single(ConfigMap.class).spec();
    assertThat(cm.data().get("mesh")).startsWith("defaultConfig:");
    assertThat(Loaded.of("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  n: 1\n").messages()).containsExactly(
        "t.yaml:6: ConfigMap default/c: data.n: expected string, got integer 1 (quote it: \"1\")");
  }
}
