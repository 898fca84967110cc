package dev.weft.config.networking.sidecar;

import dev.weft.config.testing.Loaded;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.config.networking.PortSelector;
import dev.weft.config.networking.destinationrule.ConnectionPool;
import dev.weft.config.networking.gateway.ServerTls;
import dev.weft.config.networking.virtualservice.Destination;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SidecarTest {

  @Test
  void readsEveryField() {
    Sidecar s = Loaded.spec("""
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata:
          name: ratings
          namespace: prod-us1
        spec:
          workloadSelector:
            labels: {app: ratings}
          ingress:
          - port: {number: 9080, protocol: HTTPS, name: somename}
            bind: 172.16.1.32
            captureMode: IPTABLES
            defaultEndpoint: 127.0.0.1:8080
            tls:
              mode: SIMPLE
              privateKey: /etc/certs/privatekey.pem
              serverCertificate: /etc/certs/servercert.pem
            connectionPool:
              tcp: {maxConnections: 10}
          egress:
          - port: {number: 9080, protocol: HTTP, name: egresshttp}
            bind: 127.0.0.1
            hosts: ["prod-us1/*"]
          - hosts: ["istio-system/*", "./foo.example.com"]
          outboundTrafficPolicy:
            mode: ALLOW_ANY
            egressProxy:
              host: egress.example.com
              subset: v1
              port: {number: 3128}
          inboundConnectionPool:
            http: {http1MaxPendingRequests: 1024, idleTimeout: 5s}
        """, Sidecar.class);
    assertThat(s.workloadSelector().labels()).containsExactly(Map.entry("app", "ratings"));
    Sidecar.IngressListener in = s.ingress().getFirst();
    assertThat(in.port()).isEqualTo(new Sidecar.Port(9080, "HTTPS", "somename", null));
    assertThat(in.bind()).isEqualTo("172.16.1.32");
    assertThat(in.captureMode()).isEqualTo(Sidecar.CaptureMode.IPTABLES);
    assertThat(in.defaultEndpoint()).isEqualTo("127.0.0.1:8080");
    assertThat(in.tls().mode()).isEqualTo(ServerTls.Mode.SIMPLE);
    assertThat(in.tls().serverCertificate()).isEqualTo("/etc/certs/servercert.pem");
    assertThat(in.connectionPool().tcp().maxConnections()).isEqualTo(10);
    assertThat(s.egress()).containsExactly(
        new Sidecar.EgressListener(new Sidecar.Port(9080, "HTTP", "egresshttp", null), "127.0.0.1", Sidecar.CaptureMode.DEFAULT,
            java.util.List.of("prod-us1/*")),
        new Sidecar.EgressListener(null, null, Sidecar.CaptureMode.DEFAULT, java.util.List.of("istio-system/*", "./foo.example.com")));
    assertThat(s.outboundTrafficPolicy()).isEqualTo(new Sidecar.OutboundTrafficPolicy(Sidecar.OutboundTrafficPolicy.Mode.ALLOW_ANY,
        new Destination("egress.example.com", "v1", new PortSelector(3128))));
    assertThat(s.inboundConnectionPool().http()).isEqualTo(
        new ConnectionPool.Http(1024, null, null, null, Duration.ofSeconds(5), null, false, null));
  }

  static String sidecar(String spec) {
    return "apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: s\nspec:\n"
        + spec.stripIndent().lines().map(l -> "  " + l + "\n").reduce("", String::concat);
  }

  static Stream<Arguments> cases() {
    String p = "t.yaml:%d: Sidecar default/s: ";
    return Stream.of(
        Arguments.of("""
            workloadSelector: {labels: {app: x}}
            """, p.formatted(5) + "spec: sidecar: empty configuration provided"),
        Arguments.of("""
            egress:
            - hosts: ["*/*"]
            - hosts: ["./*"]
            """, p.formatted(7) + "spec.egress[0]: sidecar: the egress listener with empty port should be the last listener in the list"),
        Arguments.of("""
            egress:
            - port: {number: 80, protocol: HTTP, name: http}
              hosts: ["*/*"]
            - hosts: ["./*"]
            - hosts: ["istio-system/*"]
            """, p.formatted(9) + "spec.egress[1]: sidecar: the egress listener with empty port should be the last listener in the list"),
        Arguments.of("""
            egress:
            - port: {number: 80, protocol: HTTP}
            """, p.formatted(7) + "spec.egress[0].hosts: sidecar: egress listener must contain at least one host"),
        Arguments.of("""
            egress:
            - hosts: ["foo.example.com"]
            """, p.formatted(7) + "spec.egress[0].hosts[0]: host must be of form namespace/dnsName, got \"foo.example.com\""),
        Arguments.of("""
            egress:
            - hosts: ["prod_ns/*"]
            """, p.formatted(7) + "spec.egress[0].hosts[0]: invalid namespace value \"prod_ns\" in sidecar"),
        Arguments.of("""
            egress:
            - hosts: ["prod/reviews"]
            """, p.formatted(7) + "spec.egress[0].hosts[0]: short names (non FQDN) are not allowed, got \"reviews\""),
        Arguments.of("""
            egress:
            - hosts: ["prod/"]
            """, p.formatted(7) + "spec.egress[0].hosts[0]: config namespace and dnsName in host entry cannot be empty"),
        Arguments.of("""
            egress:
            - port: {number: 80, protocol: HTTP, name: http}
              hosts: ["*/*"]
            - port: {number: 80, protocol: HTTP, name: http2}
              hosts: ["*/*"]
            """, p.formatted(9) + "spec.egress[1].port.number: sidecar: ports on IP bound listeners must be unique"),
        Arguments.of("""
            egress:
            - port: {number: 0, protocol: HTTP, name: uds}
              bind: 127.0.0.1
              hosts: ["*/*"]
            """, p.formatted(8) + "spec.egress[0].bind: sidecar: ports with 0 value must have a unix domain socket bind address"),
        Arguments.of("""
            egress:
            - port: {number: 80, protocol: HTTP, name: http}
              bind: 10.0.0.300
              hosts: ["*/*"]
            """, p.formatted(8) + "spec.egress[0].bind: 10.0.0.300 is not a valid IP"),
        Arguments.of("""
            egress:
            - port: {number: 80, protocol: HTTPX, name: http}
              hosts: ["*/*"]
            """, p.formatted(7) + "spec.egress[0].port.protocol: unsupported protocol: HTTPX"),
        Arguments.of("""
            ingress:
            - defaultEndpoint: 127.0.0.1:8080
            """, p.formatted(7) + "spec.ingress[0].port: sidecar: port is required for ingress listeners"),
        Arguments.of("""
            ingress:
            - port: {number: 9080, protocol: HTTP, name: http}
              defaultEndpoint: 10.1.1.1:8080
            """, p.formatted(8) + "spec.ingress[0].defaultEndpoint: sidecar: defaultEndpoint must be of form 127.0.0.1:<port>,0.0.0.0:<port>,[::1]:port,[::]:port,unix://filepath or unset"),
        Arguments.of("""
            ingress:
            - port: {number: 9080, protocol: HTTP, name: http, targetPort: 8080}
            """, p.formatted(7) + "spec.ingress[0].port.targetPort: targetPort has no impact on Sidecars"),
        Arguments.of("""
            ingress:
            - port: {number: 9080, protocol: HTTP, name: http}
            - port: {number: 9080, protocol: TCP, name: tcp}
            """, p.formatted(8) + "spec.ingress[1].port.number: sidecar: ports on IP bound listeners must be unique"),
        Arguments.of("""
            ingress:
            - port: {number: 9443, protocol: HTTPS, name: https}
              tls: {mode: ISTIO_MUTUAL}
            """, p.formatted(8) + "spec.ingress[0].tls.mode: configuration is invalid: cannot set mode to ISTIO_MUTUAL in sidecar ingress tls"),
        Arguments.of("""
            ingress:
            - port: {number: 9443, protocol: HTTPS, name: https}
              tls: {mode: SIMPLE, credentialName: cert}
            """, p.formatted(8) + "spec.ingress[0].tls.credentialName: sidecar: credentialName is not currently supported"),
        Arguments.of("""
            inboundConnectionPool:
              tcp: {connectTimeout: 0.5ms}
            """, p.formatted(7) + "spec.inboundConnectionPool.tcp.connectTimeout: duration must be at least 1ms, got 0.0005s"),
        Arguments.of("""
            outboundTrafficPolicy:
              mode: REGISTRY_ONLY
              egressProxy: {host: egress.example.com, port: {number: 3128}}
            """, p.formatted(8) + "spec.outboundTrafficPolicy.egressProxy: sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode"),
        Arguments.of("""
            outboundTrafficPolicy:
              mode: ALLOW_ANY
              egressProxy: {host: egress.example.com}
            """, p.formatted(8) + "spec.outboundTrafficPolicy.egressProxy.port: sidecar: egress_proxy port must be non-nil"),
        Arguments.of("""
            workloadSelector: {labels: {"app": "*"}}
            egress: [{hosts: ["*/*"]}]
            """, p.formatted(6) + "spec.workloadSelector.labels.app: wildcard is not supported in selector: \"app=*\""));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void eachRuleReportsItsError(String spec, String expected) {
    assertThat(Loaded.messagesOf(sidecar(spec)).stream().filter(m -> !m.contains(": warning: "))).containsExactly(expected);
  }

  @Test
  void warnsAboutDuplicateHostsAndHttpPoolsOnTcpPorts() {
    assertThat(Loaded.messagesOf(sidecar("""
        ingress:
        - port: {number: 3306, protocol: TCP, name: mysql}
          connectionPool: {http: {maxRetries: 3}}
        egress:
        - hosts: ["*/*", "prod/*", "prod/a.example.com"]
        """))).containsExactly(
        "t.yaml:8: warning: Sidecar default/s: spec.ingress[0].connectionPool.http: sidecar: HTTP connection pool settings are configured "
            + "for port 3306 (\"mysql\") but its protocol is not HTTP (TCP); only TCP settings will apply",
        "t.yaml:10: warning: Sidecar default/s: spec.egress[0].hosts[2]: duplicated egress host: prod/a.example.com",
        "t.yaml:10: warning: Sidecar default/s: spec.egress[0].hosts: `*/*` host select all resources, no other hosts can be added");
  }
}
