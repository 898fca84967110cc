package dev.weft.proxy.config;

import dev.weft.proxy.config.EndpointsConfig.EndpointConfig;
import io.netty.handler.ssl.SslContext;
import java.util.List;
import java.util.Optional;

/**
 * A cluster ready to take traffic: its config, its current endpoints and, for a TLS cluster, the
 * client context built from its secrets (connections then start with a TLS handshake, SNI from the config).
 */
public record ActiveCluster(ClusterConfig config, List<EndpointConfig> endpoints, Optional<SslContext> tls) {

    public ActiveCluster {
        endpoints = List.copyOf(endpoints);
    }

    /** A plaintext cluster. */
    public ActiveCluster(ClusterConfig config, List<EndpointConfig> endpoints) {
        this(config, endpoints, Optional.empty());
    }
}
