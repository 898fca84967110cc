package dev.weft.proxy.config;

import dev.weft.proxy.config.EndpointsConfig.EndpointConfig;
import java.util.List;

/** A cluster ready to take traffic: its config and its current endpoints. */
public record ActiveCluster(ClusterConfig config, List<EndpointConfig> endpoints) {

    public ActiveCluster {
        endpoints = List.copyOf(endpoints);
    }
}
