package dev.weft.config.networking.destinationrule;

import java.time.Duration;

/**
 * ConnectionPoolSettings: circuit-breaking limits per upstream host (also used by Sidecar for
 * inbound connections). Each part, and each field, is null when absent.
 */
public record ConnectionPool(Tcp tcp, Http http) {

  public record Tcp(Integer maxConnections, Duration connectTimeout, TcpKeepalive tcpKeepalive, Duration maxConnectionDuration,
      Duration idleTimeout) {}

  /** SO_KEEPALIVE settings; null fields keep the OS defaults. */
  public record TcpKeepalive(Long probes, Duration time, Duration interval) {}

  public record Http(
      Integer http1MaxPendingRequests,
      Integer http2MaxRequests,
      Integer maxRequestsPerConnection,
      Integer maxRetries,
      Duration idleTimeout,
      H2UpgradePolicy h2UpgradePolicy,
      boolean useClientProtocol,
      Integer maxConcurrentStreams) {}

  /** Whether HTTP/1.1 connections are upgraded to HTTP/2. */
  public enum H2UpgradePolicy {
    DEFAULT,
    DO_NOT_UPGRADE,
    UPGRADE
  }
}
