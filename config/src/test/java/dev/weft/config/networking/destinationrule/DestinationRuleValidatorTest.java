package dev.weft.config.networking.destinationrule;

import dev.weft.config.testing.Loaded;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One case per rule of Istio's ValidateDestinationRule: the spec (from line 6) and the one error it
 * must produce (warnings aside, unless the expected message is the warning).
 */
class DestinationRuleValidatorTest {

  static String rule(String spec) {
    return "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: r\nspec:\n"
        + spec.stripIndent().lines().map(l -> "  " + l + "\n").reduce("", String::concat);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("""
            host: "reviews..svc"
            """, "t.yaml:6: DestinationRule default/r: spec.host: invalid host \"reviews..svc\": each dot-separated label must be 1-63 letters, digits or '-', not starting or ending with '-'"),
        Arguments.of("""
            subsets: []
            """, "t.yaml:5: DestinationRule default/r: spec.host: host must not be empty"),
        Arguments.of("""
            host: reviews
            trafficPolicy: {}
            """, "t.yaml:7: DestinationRule default/r: spec.trafficPolicy: traffic policy must have at least one field"),
        Arguments.of("""
            host: reviews
            subsets:
            - name: v1
            - name: v1
            """, "t.yaml:9: DestinationRule default/r: spec.subsets[1].name: duplicate subset names: v1"),
        Arguments.of("""
            host: reviews
            subsets:
            - name: V1_beta
            """, "t.yaml:8: DestinationRule default/r: spec.subsets[0].name: subset name is invalid: V1_beta"),
        Arguments.of("""
            host: reviews
            subsets:
            - labels: {version: v1}
            """, "t.yaml:8: DestinationRule default/r: spec.subsets[0].name: subset name cannot be empty"),
        Arguments.of("""
            host: reviews
            subsets:
            - name: v1
              labels: {version: "v1 beta"}
            """, "t.yaml:9: DestinationRule default/r: spec.subsets[0].labels[\"version\"]: invalid label value \"v1 beta\""),
        Arguments.of("""
            host: reviews
            trafficPolicy:
              outlierDetection:
                maxEjectionPercent: 120
            """, "t.yaml:9: DestinationRule default/r: spec.trafficPolicy.outlierDetection.maxEjectionPercent: must be 0..100, got 120"),
        Arguments.of("""
            host: reviews
            trafficPolicy:
              outlierDetection:
                consecutiveLocalOriginFailures: 3
            """, "t.yaml:9: DestinationRule default/r: spec.trafficPolicy.outlierDetection.consecutiveLocalOriginFailures: "
                + "outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false"),
        Arguments.of("""
            host: reviews
            trafficPolicy:
              outlierDetection:
                baseEjectionTime: 500us
            """, "t.yaml:9: DestinationRule default/r: spec.trafficPolicy.outlierDetection.baseEjectionTime: duration must be at least 1ms, got 0.0005s"),
        Arguments.of("""
            host: reviews
            trafficPolicy:
              connectionPool: {}
            """, "t.yaml:8: DestinationRule default/r: spec.trafficPolicy.connectionPool: connection pool must have at least one field"),
        Arguments.of("""
            host: reviews
            trafficPolicy:
              connectionPool:
                tcp:
                  connectTimeout: 0s
            """, "t.yaml:10: DestinationRule default/r: spec.trafficPolicy.connectionPool.tcp.connectTimeout: duration must be at least 1ms, got 0s"),
        Arguments.of("""
            host: reviews
            trafficPolicy:
              connectionPool:
                tcp:
                  maxConnections: -1
            """, "t.yaml:10: DestinationRule default/r: spec.trafficPolicy.connectionPool.tcp.maxConnections: max connections must be non-negative"),
        Arguments.of("""
            host: reviews
            trafficPolicy:
              connectionPool:
                http:
                  http1MaxPendingRequests: -5
            """, "t.yaml:10: DestinationRule default/r: spec.trafficPolicy.connectionPool.http.http1MaxPendingRequests: http1 max pending requests must be non-negative"),
        Arguments.of("""
            host: reviews
            trafficPolicy:
              connectionPool:
                http:
                  h2UpgradePolicy: UPGRADE
                  useClientProtocol: true
            """, "t.yaml:11: DestinationRule default/r: spec.trafficPolicy.connectionPool.http.useClientProtocol: use client protocol must not be true when H2UpgradePolicy is UPGRADE"),
        Arguments.of("""
            host: reviews
            trafficPolicy:
              loadBalancer:
                consistentHash:
                  httpCookie:
                    ttl: 10s
            """, "t.yaml:10: DestinationRule default/r: spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.name: name required for HttpCookie"),
        Arguments.of("""
            host: reviews
            trafficPolicy:
              loadBalancer:
                consistentHash:
                  useSourceIp: true
                  maglev:
                    tableSize: 1000
            """, "t.yaml:12: DestinationRule default/r: spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize: tableSize must be a prime number for maglev, got 1000"),
        Arguments.of("""
            host: reviews
            trafficPolicy:
              loadBalancer:
                consistentHash:
                  useSourceIp: true
                  maglev: {}
            """, "t.yaml:11: DestinationRule default/r: spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize: tableSize must be set for maglev"),
        Arguments.of("""
            host: reviews
            trafficPolicy:
              loadBalancer:
                consistentHash:
                  useSourceIp: true
                  minimumRingSize: 1024
                  ringHash: {minimumRingSize: 1024}
            """, "t.yaml:11: DestinationRule default/r: spec.trafficPolicy.loadBalancer.consistentHash.minimumRingSize: only one of MinimumRingSize or Maglev/Ringhash can be specified"),
        Arguments.of("""
            host: reviews
            trafficPolicy:
              loadBalancer:
                consistentHash:
                  useSourceIp: true
                  minimumRingSize: 1024
            """, "t.yaml:11: warning: DestinationRule default/r: spec.trafficPolicy.loadBalancer.consistentHash.minimumRingSize: consistent hash MinimumRingSize is deprecated, use ConsistentHashLB's RingHash configuration instead"),
        Arguments.of("""
            host: reviews
            trafficPolicy:
              loadBalancer:
                localityLbSetting:
                  distribute:
                  - from: us-west/*
                    to: {"us-west/*": 70, "us-east/*": 20}
            """, "t.yaml:12: DestinationRule default/r: spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].to: total locality weight 90 != 100"),
        Arguments.of("""
            host: reviews
            trafficPolicy:
              loadBalancer:
                localityLbSetting:
                  distribute:
                  - {from: us-west/*, to: {"us-west/*": 100}}
                  failover:
                  - {from: us-west, to: us-east}
            """, "t.yaml:9: DestinationRule default/r: spec.trafficPolicy.loadBalancer.localityLbSetting: can not simultaneously specify 'distribute' and 'failover'"),
        Arguments.of("""
            host: reviews
            trafficPolicy:
              outlierDetection: {consecutive5xxErrors: 5}
              loadBalancer:
                localityLbSetting:
                  failover:
                  - {from: us-west, to: us-west}
            """, "t.yaml:12: DestinationRule default/r: spec.trafficPolicy.loadBalancer.localityLbSetting.failover[0]: locality lb failover settings must specify different regions"),
        Arguments.of("""
            host: reviews
            trafficPolicy:
              loadBalancer:
                localityLbSetting:
                  distribute:
                  - {from: us-west/*/zone1, to: {"us-west/*": 100}}
            """, "t.yaml:10: DestinationRule default/r: spec.trafficPolicy.loadBalancer.localityLbSetting.distribute: locality us-west/*/zone1 wildcard '*' number can not exceed 1 and must be in the end"),
        Arguments.of("""
            host: reviews
            trafficPolicy:
              tls:
                mode: MUTUAL
                privateKey: /etc/key.pem
            """, "t.yaml:8: DestinationRule default/r: spec.trafficPolicy.tls.clientCertificate: client certificate required for mutual tls"),
        Arguments.of("""
            host: reviews
            trafficPolicy:
              tls:
                mode: SIMPLE
                credentialName: my-secret
                caCertificates: /etc/ca.pem
            """, "t.yaml:8: DestinationRule default/r: spec.trafficPolicy.tls: cannot specify client certificates or CA certificate or CA CRL If credentialName is set"),
        Arguments.of("""
            host: reviews
            trafficPolicy:
              tls:
                mode: SIMPLE
                insecureSkipVerify: true
                subjectAltNames: [reviews.example.com]
            """, "t.yaml:8: DestinationRule default/r: spec.trafficPolicy.tls: cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true"),
        Arguments.of("""
            host: reviews
            trafficPolicy:
              portLevelSettings:
              - port: {number: 80}
            """, "t.yaml:9: DestinationRule default/r: spec.trafficPolicy.portLevelSettings[0]: port traffic policy must have at least one field"),
        Arguments.of("""
            host: reviews
            trafficPolicy:
              portLevelSettings:
              - tls: {mode: SIMPLE}
            """, "t.yaml:9: DestinationRule default/r: spec.trafficPolicy.portLevelSettings[0].port: portTrafficPolicy must have valid port"),
        Arguments.of("""
            host: reviews
            trafficPolicy:
              tunnel: {targetHost: egress.example.com, targetPort: 443}
              proxyProtocol: {}
            """, "t.yaml:7: DestinationRule default/r: spec.trafficPolicy: tunnel and proxyProtocol must not be set together"),
        Arguments.of("""
            host: reviews
            trafficPolicy:
              tunnel: {protocol: GET, targetHost: egress.example.com, targetPort: 443}
            """, "t.yaml:8: DestinationRule default/r: spec.trafficPolicy.tunnel.protocol: tunnel protocol must be \"CONNECT\" or \"POST\""),
        Arguments.of("""
            host: reviews
            trafficPolicy:
              tunnel: {targetHost: "not a host", targetPort: 443}
            """, "t.yaml:8: DestinationRule default/r: spec.trafficPolicy.tunnel.targetHost: tunnel target host must be valid FQDN or IP address, got \"not a host\""),
        Arguments.of("""
            host: reviews
            exportTo: ["default", "."]
            """, "t.yaml:7: DestinationRule default/r: spec.exportTo[1]: duplicate entries in exportTo: . and current namespace default"),
        Arguments.of("""
            host: reviews
            exportTo: ["*", "prod"]
            """, "t.yaml:7: DestinationRule default/r: spec.exportTo: cannot have both public (*) and non-public exportTo values for a resource"),
        Arguments.of("""
            host: reviews
            exportTo: ["~"]
            """, "t.yaml:7: DestinationRule default/r: spec.exportTo[0]: exportTo ~ (none) is not allowed for Istio configuration objects"),
        Arguments.of("""
            host: reviews
            exportTo: ["prod"]
            workloadSelector:
              matchLabels: {app: ratings}
            """, "t.yaml:7: DestinationRule default/r: spec.exportTo: destination rule with workload selector cannot have exportTo beyond current namespace"),
        Arguments.of("""
            host: reviews
            workloadSelector:
              matchLabels: {app: "*"}
            """, "t.yaml:8: DestinationRule default/r: spec.workloadSelector.matchLabels.app: wildcard is not supported in selector: \"app=*\""),
        Arguments.of("""
            host: reviews
            workloadSelector: {matchLabels: {}}
            """, "t.yaml:7: warning: DestinationRule default/r: spec.workloadSelector.matchLabels: workload selector specified without labels"));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void eachRuleReportsItsMessageAlone(String spec, String expected) {
    boolean warning = expected.contains(": warning: ");
    assertThat(Loaded.messagesOf(rule(spec)).stream().filter(m -> warning || !m.contains(": warning: ")))
        .containsExactly(expected);
  }
}
