package dev.weft.config.networking.destinationrule;

import dev.weft.config.testing.Loaded;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.config.networking.PortSelector;
import dev.weft.config.networking.destinationrule.LoadBalancer.ConsistentHash;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DestinationRuleParserTest {

  @Test
  void readsEveryPartOfARichRule() {
    DestinationRule dr = Loaded.spec("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: reviews
          namespace: prod
        spec:
          host: reviews.prod.svc.cluster.local
          exportTo: ["."]
          trafficPolicy:
            loadBalancer:
              consistentHash:
                httpCookie:
                  name: user
                  path: /
                  ttl: 0s
                  attributes:
                  - name: SameSite
                    value: Strict
                  - name: Secure
                ringHash:
                  minimumRingSize: 2048
              localityLbSetting:
                enabled: true
                distribute:
                - from: us-west/zone1/*
                  to:
                    "us-west/zone1/*": 80
                    "us-west/zone2/*": 20
              warmup:
                duration: 60s
                minimumPercent: 10
                aggression: 1.5
            connectionPool:
              tcp:
                maxConnections: 100
                connectTimeout: 30ms
                tcpKeepalive:
                  probes: 9
                  time: 7200s
                  interval: 75s
                maxConnectionDuration: 1h
                idleTimeout: 10m
              http:
                http1MaxPendingRequests: 10
                http2MaxRequests: 1000
                maxRequestsPerConnection: 10
                maxRetries: 3
                idleTimeout: 30s
                h2UpgradePolicy: UPGRADE
                maxConcurrentStreams: 100
            outlierDetection:
              splitExternalLocalOriginErrors: true
              consecutiveLocalOriginFailures: 3
              consecutiveGatewayErrors: 5
              consecutive5xxErrors: 7
              interval: 5m
              baseEjectionTime: 15m
              maxEjectionPercent: 50
              minHealthPercent: 20
            tls:
              mode: MUTUAL
              clientCertificate: /etc/certs/cert.pem
              privateKey: /etc/certs/key.pem
              caCertificates: /etc/certs/ca.pem
              subjectAltNames: [reviews.example.com]
              sni: reviews.example.com
              insecureSkipVerify: false
              caCrl: /etc/certs/crl.pem
            portLevelSettings:
            - port:
                number: 9080
              loadBalancer:
                simple: LEAST_REQUEST
                warmupDurationSecs: 30s
          subsets:
          - name: v1
            labels:
              version: v1
            trafficPolicy:
              loadBalancer:
                consistentHash:
                  useSourceIp: true
                  maglev:
                    tableSize: 65537
          - name: v2
            labels:
              version: v2
          workloadSelector:
            matchLabels:
              app: productpage
        """, DestinationRule.class);

    assertThat(dr.host()).isEqualTo("reviews.prod.svc.cluster.local");
    assertThat(dr.exportTo()).containsExactly(".");
    assertThat(dr.workloadSelector().labels()).containsExactly(Map.entry("app", "productpage"));

    LoadBalancer lb = dr.trafficPolicy().loadBalancer();
    ConsistentHash hash = (ConsistentHash) lb.policy();
    assertThat(hash.hashKey()).isEqualTo(new LoadBalancer.HttpCookie("user", "/", Duration.ZERO,
        List.of(new LoadBalancer.CookieAttribute("SameSite", "Strict"), new LoadBalancer.CookieAttribute("Secure", null))));
    assertThat(hash.algorithm()).isEqualTo(new LoadBalancer.RingHash(2048L));
    assertThat(hash.minimumRingSize()).isNull();
    assertThat(lb.localityLbSetting().enabled()).isTrue();
    assertThat(lb.localityLbSetting().distribute()).containsExactly(
        new LoadBalancer.Distribute("us-west/zone1/*", Map.of("us-west/zone1/*", 80L, "us-west/zone2/*", 20L)));
    assertThat(lb.warmup()).isEqualTo(new LoadBalancer.Warmup(Duration.ofSeconds(60), 10.0, 1.5));

    ConnectionPool cp = dr.trafficPolicy().connectionPool();
    assertThat(cp.tcp()).isEqualTo(new ConnectionPool.Tcp(100, Duration.ofMillis(30),
        new ConnectionPool.TcpKeepalive(9L, Duration.ofSeconds(7200), Duration.ofSeconds(75)), Duration.ofHours(1), Duration.ofMinutes(10)));
    assertThat(cp.http()).isEqualTo(new ConnectionPool.Http(10, 1000, 10, 3, Duration.ofSeconds(30),
        ConnectionPool.H2UpgradePolicy.UPGRADE, false, 100));

    assertThat(dr.trafficPolicy().outlierDetection()).isEqualTo(new OutlierDetection(true, 3L, 5L, 7L, null,
        Duration.ofMinutes(5), Duration.ofMinutes(15), 50, 20));
    assertThat(dr.trafficPolicy().tls()).isEqualTo(new ClientTls(ClientTls.Mode.MUTUAL, "/etc/certs/cert.pem", "/etc/certs/key.pem",
        "/etc/certs/ca.pem", null, List.of("reviews.example.com"), "reviews.example.com", false, "/etc/certs/crl.pem"));

    TrafficPolicy.PortTrafficPolicy port = dr.trafficPolicy().portLevelSettings().getFirst();
    assertThat(port.port()).isEqualTo(new PortSelector(9080));
    assertThat(port.loadBalancer().policy()).isEqualTo(new LoadBalancer.Simple(LoadBalancer.SimpleLb.LEAST_REQUEST));
    assertThat(port.loadBalancer().warmupDurationSecs()).isEqualTo(Duration.ofSeconds(30));

    assertThat(dr.subsets()).extracting(DestinationRule.Subset::name).containsExactly("v1", "v2");
    assertThat(dr.subsets().get(1).labels()).containsExactly(Map.entry("version", "v2"));
    assertThat(dr.subsets().get(1).trafficPolicy()).isNull();
    ConsistentHash subsetHash = (ConsistentHash) dr.subsets().getFirst().trafficPolicy().loadBalancer().policy();
    assertThat(subsetHash.hashKey()).isEqualTo(new LoadBalancer.UseSourceIp(true));
    assertThat(subsetHash.algorithm()).isEqualTo(new LoadBalancer.Maglev(65537L));
  }

  @Test
  void readsTheOtherHashKeysTunnelAndProxyProtocolAndDefaults() {
    DestinationRule dr = Loaded.spec("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: r
        spec:
          host: egress.example.com
          trafficPolicy:
            tunnel:
              protocol: POST
              targetHost: 10.0.0.1
              targetPort: 8443
            tls: {}
          subsets:
          - name: header
            trafficPolicy:
              loadBalancer:
                consistentHash: {httpHeaderName: x-user}
          - name: query
            trafficPolicy:
              loadBalancer:
                consistentHash: {httpQueryParameterName: user}
              proxyProtocol: {version: V2}
        """, DestinationRule.class);
    assertThat(dr.trafficPolicy().tunnel()).isEqualTo(new TrafficPolicy.Tunnel("POST", "10.0.0.1", 8443));
    assertThat(dr.trafficPolicy().tls().mode()).isEqualTo(ClientTls.Mode.DISABLE);
    assertThat(dr.trafficPolicy().proxyProtocol()).isNull();
    assertThat(((ConsistentHash) dr.subsets().get(0).trafficPolicy().loadBalancer().policy()).hashKey())
        .isEqualTo(new LoadBalancer.HttpHeaderName("x-user"));
    ConsistentHash query = (ConsistentHash) dr.subsets().get(1).trafficPolicy().loadBalancer().policy();
    assertThat(query).isEqualTo(new ConsistentHash(new LoadBalancer.HttpQueryParameterName("user"), null, null));
    assertThat(dr.subsets().get(1).trafficPolicy().proxyProtocol().version()).isEqualTo(TrafficPolicy.ProxyProtocol.Version.V2);
  }

  @Test
  void twoMembersOfAOneofAreRefusedAtTheSecond() {
    assertThat(Loaded.messagesOf("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: r
        spec:
          host: reviews
          trafficPolicy:
            loadBalancer:
              simple: ROUND_ROBIN
              consistentHash:
                httpHeaderName: x-user
                useSourceIp: true
        """)).containsExactly(
        "t.yaml:10: DestinationRule default/r: spec.trafficPolicy.loadBalancer.consistentHash: "
            + "only one of simple, consistentHash may be set, found simple and consistentHash",
        "t.yaml:12: DestinationRule default/r: spec.trafficPolicy.loadBalancer.consistentHash.useSourceIp: "
            + "only one of httpHeaderName, httpCookie, useSourceIp, httpQueryParameterName may be set, found httpHeaderName and useSourceIp");
  }

  @Test
  void unknownFieldsAndBadEnumsAreReportedWithSuggestions() {
    assertThat(Loaded.messagesOf("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: r
        spec:
          host: reviews
          trafficPolicy:
            connectionPool:
              tcp:
                maxConnection: 10
            loadBalancer:
              simple: ROUND_ROBBIN
        """)).containsExactly(
        "t.yaml:12: DestinationRule default/r: spec.trafficPolicy.loadBalancer.simple: invalid value \"ROUND_ROBBIN\", must be one of "
            + "UNSPECIFIED, LEAST_CONN, RANDOM, PASSTHROUGH, ROUND_ROBIN, LEAST_REQUEST (did you mean \"ROUND_ROBIN\"?)",
        "t.yaml:10: DestinationRule default/r: spec.trafficPolicy.connectionPool.tcp.maxConnection: unknown field \"maxConnection\" (did you mean \"maxConnections\"?)");
  }
}
