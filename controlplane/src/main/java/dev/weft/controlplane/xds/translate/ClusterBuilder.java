package dev.weft.controlplane.xds.translate;

import dev.weft.config.model.Protocol;
import dev.weft.config.model.Resource;
import dev.weft.config.networking.destinationrule.DestinationRule;
import dev.weft.controlplane.registry.Endpoint;
import dev.weft.controlplane.registry.Resolution;
import dev.weft.controlplane.registry.Service;
import dev.weft.controlplane.registry.ServicePort;
import dev.weft.controlplane.xds.ProxyType;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.BindConfig;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * CDS (Istio's cluster builder): {@code outbound|port||host} per service port and
 * {@code outbound|port|subset|host} per DestinationRule subset, with the rule's traffic policy; for
 * sidecars {@code inbound|port||} per port of the proxy's own workload; BlackHoleCluster and
 * PassthroughCluster. A proxyless gRPC client gets only the outbound clusters it can use.
 */
final class ClusterBuilder {
  private ClusterBuilder() {}

  /** A cluster and, for EDS clusters, what its endpoints come from. */
  record Built(Cluster cluster, Service service, ServicePort port, Map<String, String> subsetLabels) {
    boolean eds() {
      return cluster.getType() == Cluster.DiscoveryType.EDS && service != null;
    }
  }

  static final com.google.protobuf.Duration CONNECT_TIMEOUT = Protos.seconds(10);

  static List<Built> build(ProxyScope scope) {
    List<Built> out = new ArrayList<>(outbound(scope));
    out.addAll(local(scope));
    return out;
  }

  /**
   * The outbound clusters: the same for every proxy with the same {@link ProxyScope#outboundKey}
   * (they read the proxy's type, namespace, Sidecar and DestinationRules, nothing else of it).
   */
  static List<Built> outbound(ProxyScope scope) {
    List<Built> out = new ArrayList<>();
    boolean proxyless = scope.proxy().type() == ProxyType.PROXYLESS_GRPC;
    for (Service s : scope.services()) {
      DestinationRule rule = scope.destinationRule(s.hostname(), s.namespace()).map(Resource::spec).orElse(null);
      for (ServicePort port : s.ports()) {
        add(out, outbound(scope, s, port, rule, null, Map.of()), proxyless);
        if (rule != null) {
          for (DestinationRule.Subset subset : rule.subsets()) {
            add(out, outbound(scope, s, port, rule, subset.name(), subset.labels()), proxyless);
          }
        }
      }
    }
    return out;
  }

  /** The clusters of this proxy alone (none for proxyless gRPC); none of them takes EDS. */
  static List<Built> local(ProxyScope scope) {
    List<Built> out = new ArrayList<>();
    if (scope.proxy().type() == ProxyType.PROXYLESS_GRPC) {
      return out;
    }
    out.add(new Built(blackHole(), null, null, Map.of()));
    out.add(new Built(passthrough(Names.PASSTHROUGH, false), null, null, Map.of()));
    if (scope.proxy().type() == ProxyType.SIDECAR) {
      out.add(new Built(passthrough(Names.INBOUND_PASSTHROUGH, true), null, null, Map.of()));
      out.addAll(inbound(scope));
    }
    return out;
  }

  /** gRPC accepts EDS and LOGICAL_DNS clusters only (gRFC A27, A37). */
  private static void add(List<Built> out, Built b, boolean proxyless) {
    Cluster.DiscoveryType t = b.cluster().getType();
    if (!proxyless || t == Cluster.DiscoveryType.EDS || t == Cluster.DiscoveryType.LOGICAL_DNS) {
      out.add(b);
    }
  }

  static Built outbound(ProxyScope scope, Service s, ServicePort port, DestinationRule rule, String subset,
      Map<String, String> subsetLabels) {
    boolean proxyless = scope.proxy().type() == ProxyType.PROXYLESS_GRPC;
    String name = Names.outbound(port.number(), subset, s.hostname());
    Cluster.Builder c = Cluster.newBuilder().setName(name).setConnectTimeout(CONNECT_TIMEOUT);
    List<Endpoint> endpoints = scope.endpoints(s.hostname());
    switch (s.resolution()) {
      case STATIC -> c.setType(Cluster.DiscoveryType.EDS).setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
          .setEdsConfig(proxyless ? Protos.ADS_PLAIN : Protos.ADS).setServiceName(name));
      case DNS, DNS_ROUND_ROBIN -> {
        // gRPC resolves one name itself (LOGICAL_DNS); Envoy resolves every endpoint name (STRICT_DNS).
        boolean logical = s.resolution() == Resolution.DNS_ROUND_ROBIN || proxyless;
        c.setType(logical ? Cluster.DiscoveryType.LOGICAL_DNS : Cluster.DiscoveryType.STRICT_DNS)
            .setDnsLookupFamily(Cluster.DnsLookupFamily.V4_ONLY);
        ClusterLoadAssignment cla = EndpointBuilder.build(name, port, subsetLabels, endpoints);
        if (logical && cla.getEndpointsCount() > 0) {
          // LOGICAL_DNS takes exactly one endpoint.
          var first = cla.getEndpoints(0).toBuilder().clearLbEndpoints().addLbEndpoints(cla.getEndpoints(0).getLbEndpoints(0));
          cla = cla.toBuilder().clearEndpoints().addEndpoints(first).build();
        }
        c.setLoadAssignment(cla);
      }
      case NONE -> c.setType(Cluster.DiscoveryType.ORIGINAL_DST).setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED);
    }
    EffectivePolicy policy = EffectivePolicy.of(rule, subset, port.number());
    if (s.resolution() != Resolution.NONE) {
      ClusterPolicies.loadBalancer(c, policy.loadBalancer(), proxyless);
    }
    if (proxyless) {
      ClusterPolicies.grpcConnectionPool(c, policy.connectionPool());
    } else {
      ClusterPolicies.connectionPool(c, policy.connectionPool());
    }
    ClusterPolicies.outlierDetection(c, policy.outlierDetection());
    Protocol protocol = port.protocol();
    boolean h2 = protocol == Protocol.HTTP2 || protocol == Protocol.GRPC || protocol == Protocol.GRPC_WEB;
    HttpProtocolOptions http = ClusterPolicies.httpOptions(policy.connectionPool(), h2, protocol.isHttp(), false);
    if (http != null) {
      c.putTypedExtensionProtocolOptions(ClusterPolicies.HTTP_PROTOCOL_OPTIONS, Protos.any(http));
    }
    // gRPC's xDS client accepts TLS only with certificate providers (gRFC A29), which mTLS will bring.
    if (!proxyless) {
      TransportSocket tls = TlsContexts.upstream(policy.tls(), identities(scope, s, endpoints),
          Names.istioSni(port.number(), subset, s.hostname()),
          s.hostname().startsWith("*") ? null : s.hostname());
      if (tls != null) {
        c.setTransportSocket(tls);
      }
    }
    return new Built(c.build(), s, port, subsetLabels);
  }

  /** The SPIFFE identities of a service's endpoints: what ISTIO_MUTUAL verifies by default. */
  private static List<String> identities(ProxyScope scope, Service s, List<Endpoint> endpoints) {
    TreeSet<String> out = new TreeSet<>();
    for (Endpoint e : endpoints) {
      if (e.serviceAccount() != null && !e.serviceAccount().isEmpty()) {
        String ns = e.workload() != null && e.workload().contains("/")
            ? e.workload().substring(0, e.workload().indexOf('/')) : s.namespace();
        out.add("spiffe://" + scope.mesh().trustDomain() + "/ns/" + ns + "/sa/" + e.serviceAccount());
      }
    }
    return List.copyOf(out);
  }

  /** {@code inbound|<targetPort>||}: the proxy's own application on 127.0.0.1. */
  private static List<Built> inbound(ProxyScope scope) {
    List<Built> out = new ArrayList<>();
    TreeSet<Integer> seen = new TreeSet<>();
    Interception interception = Interception.of(scope.proxy());
    for (Service s : scope.workloadServices()) {
      for (ServicePort port : s.ports()) {
        int target = scope.targetPort(s, port);
        if (!seen.add(target)) {
          continue;
        }
        String name = Names.inbound(target);
        Cluster.Builder c = Cluster.newBuilder().setName(name)
            .setType(Cluster.DiscoveryType.STATIC)
            .setConnectTimeout(CONNECT_TIMEOUT)
            .setCircuitBreakers(io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers.newBuilder()
                .addThresholds(ClusterPolicies.defaultThresholds()))
            .setLoadAssignment(ClusterLoadAssignment.newBuilder().setClusterName(name)
                .addEndpoints(io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints.newBuilder()
                    .addLbEndpoints(io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint.newBuilder()
                        .setEndpoint(io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
                            .setAddress(Protos.socket(interception.appHost(target), interception.appPort(target)))))));
        Protocol protocol = port.protocol();
        boolean h2 = protocol == Protocol.HTTP2 || protocol == Protocol.GRPC || protocol == Protocol.GRPC_WEB;
        HttpProtocolOptions http = ClusterPolicies.httpOptions(null, h2, protocol.isHttp(), false);
        if (http != null && h2) {
          c.putTypedExtensionProtocolOptions(ClusterPolicies.HTTP_PROTOCOL_OPTIONS, Protos.any(http));
        }
        out.add(new Built(c.build(), s, port, Map.of()));
      }
    }
    return out;
  }

  /** Istio's BlackHoleCluster: a static cluster without endpoints; what it gets is dropped. */
  static Cluster blackHole() {
    return Cluster.newBuilder().setName(Names.BLACKHOLE)
        .setType(Cluster.DiscoveryType.STATIC)
        .setConnectTimeout(CONNECT_TIMEOUT)
        .build();
  }

  /**
   * PassthroughCluster (to where the client was going, for hosts outside the registry under
   * ALLOW_ANY) and InboundPassthroughCluster (to the application's port not declared by a service,
   * from 127.0.0.6 as Istio does so the application sees a local peer).
   */
  static Cluster passthrough(String name, boolean inbound) {
    Cluster.Builder c = Cluster.newBuilder().setName(name)
        .setType(Cluster.DiscoveryType.ORIGINAL_DST)
        .setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED)
        .setConnectTimeout(CONNECT_TIMEOUT)
        .setCircuitBreakers(io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers.newBuilder()
            .addThresholds(ClusterPolicies.defaultThresholds()))
        .putTypedExtensionProtocolOptions(ClusterPolicies.HTTP_PROTOCOL_OPTIONS, Protos.any(HttpProtocolOptions.newBuilder()
            .setUseDownstreamProtocolConfig(HttpProtocolOptions.UseDownstreamHttpConfig.newBuilder()
                .setHttpProtocolOptions(Http1ProtocolOptions.getDefaultInstance())
                .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()))
            .build()));
    if (inbound) {
      c.setUpstreamBindConfig(BindConfig.newBuilder().setSourceAddress(
          io.envoyproxy.envoy.config.core.v3.SocketAddress.newBuilder().setAddress("127.0.0.6").setPortValue(0)));
    }
    return c.build();
  }
}
