package dev.weft.bench;

/**
 * Generates a realistic mix of Istio and Kubernetes resources as one multi-document YAML text:
 * per service a Service, a VirtualService with header match, weights, retries and timeout, a
 * DestinationRule with subsets and a traffic policy, and, for every fifth, a ServiceEntry and an
 * AuthorizationPolicy; one Gateway per hundred services.
 */
public final class MixedConfig {
  private MixedConfig() {}

  /** About {@code resources} resources in {@code resources / 3.4} namespaced services. */
  public static String generate(int resources) {
    StringBuilder sb = new StringBuilder(resources * 600);
    int count = 0;
    for (int i = 0; count < resources; i++) {
      String ns = "ns" + (i % 20);
      String svc = "svc" + i;
      if (i % 100 == 0) {
        sb.append("""
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata: {name: gw%d, namespace: %s}
            spec:
              selector: {istio: ingressgateway}
              servers:
              - port: {number: 80, name: http, protocol: HTTP}
                hosts: ["*.example.com"]
            ---
            """.formatted(i, ns));
        count++;
      }
      sb.append("""
          apiVersion: v1
          kind: Service
          metadata: {name: %1$s, namespace: %2$s, labels: {app: %1$s}}
          spec:
            selector: {app: %1$s}
            ports:
            - {name: http, port: 9080, targetPort: 9080}
          ---
          apiVersion: networking.istio.io/v1
          kind: VirtualService
          metadata: {name: %1$s, namespace: %2$s}
          spec:
            hosts: [%1$s]
            http:
            - name: canary
              match:
              - headers:
                  end-user: {exact: jason}
                uri: {prefix: /api}
              route:
              - destination: {host: %1$s, subset: v2}
            - name: default
              route:
              - destination: {host: %1$s, subset: v1}
                weight: 90
              - destination: {host: %1$s, subset: v2}
                weight: 10
              retries: {attempts: 3, perTryTimeout: 2s, retryOn: "5xx,connect-failure"}
              timeout: 10s
          ---
          apiVersion: networking.istio.io/v1
          kind: DestinationRule
          metadata: {name: %1$s, namespace: %2$s}
          spec:
            host: %1$s
            trafficPolicy:
              loadBalancer: {simple: LEAST_REQUEST}
              connectionPool:
                tcp: {maxConnections: 100, connectTimeout: 1s}
                http: {http1MaxPendingRequests: 64, maxRequestsPerConnection: 10}
              outlierDetection: {consecutive5xxErrors: 5, interval: 10s, baseEjectionTime: 30s}
            subsets:
            - {name: v1, labels: {version: v1}}
            - {name: v2, labels: {version: v2}}
          ---
          """.formatted(svc, ns));
      count += 3;
      if (i % 5 == 0) {
        sb.append("""
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: ext%1$d, namespace: %2$s}
            spec:
              hosts: [api%1$d.example.com]
              location: MESH_EXTERNAL
              resolution: DNS
              ports:
              - {number: 443, name: https, protocol: TLS}
            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: %3$s, namespace: %2$s}
            spec:
              selector: {matchLabels: {app: %3$s}}
              action: ALLOW
              rules:
              - from:
                - source: {principals: ["cluster.local/ns/%2$s/sa/frontend"]}
                to:
                - operation: {methods: [GET], paths: ["/api/*"]}
            ---
            """.formatted(i, ns, svc));
        count += 2;
      }
    }
    return sb.toString();
  }
}
