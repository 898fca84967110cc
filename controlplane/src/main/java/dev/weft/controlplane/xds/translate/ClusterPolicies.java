package dev.weft.controlplane.xds.translate;

import static dev.weft.controlplane.xds.translate.Protos.duration;
import static dev.weft.controlplane.xds.translate.Protos.u32;

import com.google.protobuf.UInt64Value;
import dev.weft.config.networking.destinationrule.ConnectionPool;
import dev.weft.config.networking.destinationrule.LoadBalancer;
import dev.weft.config.networking.destinationrule.OutlierDetection;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.core.v3.TcpKeepalive;
import io.envoyproxy.envoy.config.core.v3.UpstreamHttpProtocolOptions;
import io.envoyproxy.envoy.type.v3.Percent;

/**
 * DestinationRule traffic policy on a cluster (Istio's cluster_traffic_policy.go): load balancer,
 * connection pool (circuit breakers, timeouts, HTTP options), outlier detection.
 */
final class ClusterPolicies {
  private ClusterPolicies() {}

  static final String HTTP_PROTOCOL_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";
  private static final long UNLIMITED = 0xFFFF_FFFFL;

  /**
   * Istio's applyLoadBalancer. Without a policy: LEAST_REQUEST (Istio's default), or ROUND_ROBIN for
   * proxyless gRPC (its default; gRPC has no MAGLEV, so a Maglev hash becomes RING_HASH there).
   */
  static void loadBalancer(Cluster.Builder c, LoadBalancer lb, boolean proxyless) {
    LoadBalancer.Policy policy = lb == null ? null : lb.policy();
    switch (policy) {
      case null -> c.setLbPolicy(proxyless ? Cluster.LbPolicy.ROUND_ROBIN : Cluster.LbPolicy.LEAST_REQUEST);
      case LoadBalancer.Simple s -> {
        switch (s.algorithm()) {
          case ROUND_ROBIN -> c.setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN);
          case RANDOM -> c.setLbPolicy(proxyless ? Cluster.LbPolicy.ROUND_ROBIN : Cluster.LbPolicy.RANDOM);
          case PASSTHROUGH -> {
            c.setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED).setType(Cluster.DiscoveryType.ORIGINAL_DST);
            c.clearEdsClusterConfig().clearLoadAssignment();
          }
          case LEAST_CONN, LEAST_REQUEST -> c.setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST);
          case UNSPECIFIED -> c.setLbPolicy(proxyless ? Cluster.LbPolicy.ROUND_ROBIN : Cluster.LbPolicy.LEAST_REQUEST);
        }
      }
      case LoadBalancer.ConsistentHash ch -> {
        if (ch.algorithm() instanceof LoadBalancer.Maglev m && !proxyless) {
          c.setLbPolicy(Cluster.LbPolicy.MAGLEV);
          if (m.tableSize() != null && m.tableSize() > 0) {
            c.setMaglevLbConfig(Cluster.MaglevLbConfig.newBuilder().setTableSize(UInt64Value.of(m.tableSize())));
          }
        } else {
          c.setLbPolicy(Cluster.LbPolicy.RING_HASH);
          Long size = ch.algorithm() instanceof LoadBalancer.RingHash r ? r.minimumRingSize() : ch.minimumRingSize();
          if (size != null && size > 0) {
            c.setRingHashLbConfig(Cluster.RingHashLbConfig.newBuilder().setMinimumRingSize(UInt64Value.of(size)));
          }
        }
      }
    }
    if (lb != null && lb.warmup() != null && lb.warmup().duration() != null) {
      slowStart(c, duration(lb.warmup().duration()));
    } else if (lb != null && lb.warmupDurationSecs() != null) {
      slowStart(c, duration(lb.warmupDurationSecs()));
    }
  }

  private static void slowStart(Cluster.Builder c, com.google.protobuf.Duration window) {
    Cluster.SlowStartConfig slow = Cluster.SlowStartConfig.newBuilder().setSlowStartWindow(window).build();
    if (c.getLbPolicy() == Cluster.LbPolicy.ROUND_ROBIN) {
      c.setRoundRobinLbConfig(Cluster.RoundRobinLbConfig.newBuilder().setSlowStartConfig(slow));
    } else if (c.getLbPolicy() == Cluster.LbPolicy.LEAST_REQUEST) {
      c.setLeastRequestLbConfig(Cluster.LeastRequestLbConfig.newBuilder().setSlowStartConfig(slow));
    }
  }

  /** Istio's getDefaultCircuitBreakerThresholds: no limits, remaining capacity tracked. */
  static CircuitBreakers.Thresholds.Builder defaultThresholds() {
    return CircuitBreakers.Thresholds.newBuilder()
        .setMaxConnections(u32(UNLIMITED))
        .setMaxPendingRequests(u32(UNLIMITED))
        .setMaxRequests(u32(UNLIMITED))
        .setMaxRetries(u32(UNLIMITED))
        .setTrackRemaining(true);
  }

  /**
   * Istio's applyConnectionPool: limits as circuit-breaker thresholds (on top of the unlimited
   * defaults), connect timeout, TCP keepalive; the HTTP parts go to the protocol options.
   */
  static void connectionPool(Cluster.Builder c, ConnectionPool pool) {
    CircuitBreakers.Thresholds.Builder t = defaultThresholds();
    if (pool != null && pool.tcp() != null) {
      ConnectionPool.Tcp tcp = pool.tcp();
      if (tcp.maxConnections() != null && tcp.maxConnections() > 0) {
        t.setMaxConnections(u32(tcp.maxConnections()));
      }
      if (tcp.connectTimeout() != null) {
        c.setConnectTimeout(duration(tcp.connectTimeout()));
      }
      if (tcp.tcpKeepalive() != null) {
        ConnectionPool.TcpKeepalive k = tcp.tcpKeepalive();
        TcpKeepalive.Builder ka = TcpKeepalive.newBuilder();
        if (k.probes() != null) {
          ka.setKeepaliveProbes(u32(k.probes()));
        }
        if (k.time() != null) {
          ka.setKeepaliveTime(u32(k.time().toSeconds()));
        }
        if (k.interval() != null) {
          ka.setKeepaliveInterval(u32(k.interval().toSeconds()));
        }
        c.setUpstreamConnectionOptions(c.getUpstreamConnectionOptionsBuilder().setTcpKeepalive(ka));
      }
    }
    if (pool != null && pool.http() != null) {
      ConnectionPool.Http http = pool.http();
      if (http.http1MaxPendingRequests() != null && http.http1MaxPendingRequests() > 0) {
        t.setMaxPendingRequests(u32(http.http1MaxPendingRequests()));
      }
      if (http.http2MaxRequests() != null && http.http2MaxRequests() > 0) {
        t.setMaxRequests(u32(http.http2MaxRequests()));
      }
      if (http.maxRetries() != null && http.maxRetries() > 0) {
        t.setMaxRetries(u32(http.maxRetries()));
      }
    }
    c.setCircuitBreakers(CircuitBreakers.newBuilder().addThresholds(t.setPriority(RoutingPriority.DEFAULT)));
  }

  /**
   * gRPC reads only max_requests of the DEFAULT thresholds (gRFC A32), as a signed int: the
   * unlimited 4294967295 would read as -1 and fail every call. So only a limit the rule sets is
   * sent; without one gRPC applies its own default (1024).
   */
  static void grpcConnectionPool(Cluster.Builder c, ConnectionPool pool) {
    if (pool != null && pool.http() != null && pool.http().http2MaxRequests() != null && pool.http().http2MaxRequests() > 0) {
      c.setCircuitBreakers(CircuitBreakers.newBuilder().addThresholds(CircuitBreakers.Thresholds.newBuilder()
          .setPriority(RoutingPriority.DEFAULT).setMaxRequests(u32(pool.http().http2MaxRequests()))));
    }
  }

  /**
   * The cluster's upstream HTTP options (typed_extension_protocol_options), or null when Envoy's
   * defaults do: HTTP/2 for h2 ports (gRPC, HTTP2) and for UPGRADE, the client's protocol for
   * useClientProtocol, idle timeout, requests per connection, connection duration.
   */
  static io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions httpOptions(
      ConnectionPool pool, boolean h2Port, boolean httpPort, boolean autoSni) {
    ConnectionPool.Http http = pool == null ? null : pool.http();
    ConnectionPool.Tcp tcp = pool == null ? null : pool.tcp();
    HttpProtocolOptions.Builder common = HttpProtocolOptions.newBuilder();
    boolean any = false;
    if (http != null && http.idleTimeout() != null) {
      common.setIdleTimeout(duration(http.idleTimeout()));
      any = true;
    }
    if (http != null && http.maxRequestsPerConnection() != null && http.maxRequestsPerConnection() > 0) {
      common.setMaxRequestsPerConnection(u32(http.maxRequestsPerConnection()));
      any = true;
    }
    if (tcp != null && tcp.maxConnectionDuration() != null) {
      common.setMaxConnectionDuration(duration(tcp.maxConnectionDuration()));
      any = true;
    }
    boolean h2 = h2Port || httpPort && http != null && http.h2UpgradePolicy() == ConnectionPool.H2UpgradePolicy.UPGRADE;
    boolean useClient = http != null && http.useClientProtocol();
    if (!any && !h2 && !useClient && !autoSni) {
      return null;
    }
    var out = io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.newBuilder();
    if (any) {
      out.setCommonHttpProtocolOptions(common);
    }
    if (autoSni) {
      out.setUpstreamHttpProtocolOptions(UpstreamHttpProtocolOptions.newBuilder().setAutoSni(true).setAutoSanValidation(true));
    }
    Http2ProtocolOptions.Builder h2Options = Http2ProtocolOptions.newBuilder();
    if (http != null && http.maxConcurrentStreams() != null && http.maxConcurrentStreams() > 0) {
      h2Options.setMaxConcurrentStreams(u32(http.maxConcurrentStreams()));
    }
    if (useClient) {
      out.setUseDownstreamProtocolConfig(
          io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.UseDownstreamHttpConfig.newBuilder()
              .setHttpProtocolOptions(Http1ProtocolOptions.getDefaultInstance())
              .setHttp2ProtocolOptions(h2Options));
    } else if (h2) {
      out.setExplicitHttpConfig(
          io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
              .setHttp2ProtocolOptions(h2Options));
    } else if (httpPort) {
      out.setExplicitHttpConfig(
          io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
              .setHttpProtocolOptions(Http1ProtocolOptions.getDefaultInstance()));
    } else {
      return null; // a TCP port: Envoy rejects HTTP options it cannot use there
    }
    return out.build();
  }

  /**
   * Istio's applyOutlierDetection: success-rate ejection off; consecutive 5xx and gateway errors
   * enforced at 100% when positive (0 turns them off); the deprecated consecutiveErrors counts gateway
   * errors only; min health percent as the panic threshold.
   */
  static void outlierDetection(Cluster.Builder c, OutlierDetection od) {
    if (od == null) {
      return;
    }
    io.envoyproxy.envoy.config.cluster.v3.OutlierDetection.Builder out =
        io.envoyproxy.envoy.config.cluster.v3.OutlierDetection.newBuilder().setEnforcingSuccessRate(u32(0));
    if (od.consecutiveErrors() != null && od.consecutiveErrors() > 0) {
      out.setConsecutiveGatewayFailure(u32(od.consecutiveErrors()))
          .setEnforcingConsecutiveGatewayFailure(u32(100))
          .setEnforcingConsecutive5Xx(u32(0));
    }
    if (od.consecutive5xxErrors() != null) {
      long v = od.consecutive5xxErrors();
      out.setConsecutive5Xx(u32(v)).setEnforcingConsecutive5Xx(u32(v > 0 ? 100 : 0));
    }
    if (od.consecutiveGatewayErrors() != null) {
      long v = od.consecutiveGatewayErrors();
      out.setConsecutiveGatewayFailure(u32(v)).setEnforcingConsecutiveGatewayFailure(u32(v > 0 ? 100 : 0));
    }
    if (od.interval() != null) {
      out.setInterval(duration(od.interval()));
    }
    if (od.baseEjectionTime() != null) {
      out.setBaseEjectionTime(duration(od.baseEjectionTime()));
    }
    if (od.maxEjectionPercent() != null && od.maxEjectionPercent() > 0) {
      out.setMaxEjectionPercent(u32(od.maxEjectionPercent()));
    }
    if (od.splitExternalLocalOriginErrors()) {
      out.setSplitExternalLocalOriginErrors(true);
      if (od.consecutiveLocalOriginFailures() != null && od.consecutiveLocalOriginFailures() > 0) {
        out.setConsecutiveLocalOriginFailure(u32(od.consecutiveLocalOriginFailures()))
            .setEnforcingConsecutiveLocalOriginFailure(u32(100));
      }
      out.setEnforcingLocalOriginSuccessRate(u32(0));
    }
    c.setOutlierDetection(out);
    // Istio disables the panic threshold unless minHealthPercent says otherwise: with few endpoints
    // per service, Envoy's default 50% would send traffic to ejected hosts.
    int minHealth = od.minHealthPercent() == null ? 0 : od.minHealthPercent();
    c.setCommonLbConfig(c.getCommonLbConfigBuilder().setHealthyPanicThreshold(Percent.newBuilder().setValue(minHealth)));
  }
}
