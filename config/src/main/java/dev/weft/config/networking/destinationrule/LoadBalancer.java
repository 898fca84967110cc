package dev.weft.config.networking.destinationrule;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * LoadBalancerSettings: how a client picks an endpoint.
 *
 * @param policy simple or consistent hash; null when neither is set (Istio then picks its default)
 * @param localityLbSetting null when absent (the mesh-wide setting applies)
 * @param warmupDurationSecs deprecated in favour of {@code warmup}; null when absent
 */
public record LoadBalancer(Policy policy, LocalityLbSetting localityLbSetting, Duration warmupDurationSecs, Warmup warmup) {

  /** The {@code lb_policy} oneof. */
  public sealed interface Policy permits Simple, ConsistentHash {}

  /** A standard algorithm that needs no tuning. */
  public record Simple(SimpleLb algorithm) implements Policy {}

  /** Istio's SimpleLB. */
  public enum SimpleLb {
    UNSPECIFIED,
    /** Deprecated: LEAST_REQUEST. */
    LEAST_CONN,
    RANDOM,
    PASSTHROUGH,
    ROUND_ROBIN,
    LEAST_REQUEST
  }

  /**
   * Soft session affinity: requests with the same hash key go to the same endpoint.
   *
   * @param hashKey null when none is written
   * @param algorithm ring hash (the default when null) or Maglev
   * @param minimumRingSize deprecated form of {@code ringHash.minimumRingSize}; null when absent
   */
  public record ConsistentHash(HashKey hashKey, HashAlgorithm algorithm, Long minimumRingSize) implements Policy {}

  /** The {@code hash_key} oneof: what the hash is computed over. */
  public sealed interface HashKey permits HttpHeaderName, HttpCookie, UseSourceIp, HttpQueryParameterName {}

  public record HttpHeaderName(String name) implements HashKey {}

  /**
   * A cookie; when the request lacks it and {@code ttl} is set, the proxy generates one.
   *
   * @param ttl null when absent; zero makes a session cookie
   */
  public record HttpCookie(String name, String path, Duration ttl, List<CookieAttribute> attributes) implements HashKey {
    public HttpCookie {
      attributes = List.copyOf(attributes);
    }
  }

  /** An attribute of a generated cookie ("SameSite": "Strict"); value may be null for flags. */
  public record CookieAttribute(String name, String value) {}

  public record UseSourceIp(boolean enabled) implements HashKey {}

  public record HttpQueryParameterName(String name) implements HashKey {}

  /** The {@code hash_algorithm} oneof. */
  public sealed interface HashAlgorithm permits RingHash, Maglev {}

  public record RingHash(Long minimumRingSize) implements HashAlgorithm {}

  public record Maglev(Long tableSize) implements HashAlgorithm {}

  /**
   * Locality-aware load balancing: where traffic from a locality goes.
   *
   * @param enabled null when absent (mesh-wide setting applies)
   */
  public record LocalityLbSetting(List<Distribute> distribute, List<Failover> failover, List<String> failoverPriority, Boolean enabled) {
    public LocalityLbSetting {
      distribute = List.copyOf(distribute);
      failover = List.copyOf(failover);
      failoverPriority = List.copyOf(failoverPriority);
    }
  }

  /** Traffic from locality {@code from} ("region/zone/subzone", wildcards at the end) split by weight over {@code to}. */
  public record Distribute(String from, Map<String, Long> to) {
    public Distribute {
      to = Map.copyOf(to);
    }
  }

  /** When region {@code from} has no healthy endpoints, fail over to region {@code to}. */
  public record Failover(String from, String to) {}

  /**
   * Slow start for new endpoints.
   *
   * @param minimumPercent 0..100, null when absent
   * @param aggression at least 0, null when absent
   */
  public record Warmup(Duration duration, Double minimumPercent, Double aggression) {}
}
