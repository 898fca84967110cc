package dev.weft.proxy.config;

/**
 * The terminal network filter of a filter chain: what a connection that selected the chain runs.
 * Built by {@code network.NetworkFilters} onto the connection's pipeline.
 */
public sealed interface NetworkFilterConfig permits HttpConnectionManagerConfig, TcpProxyConfig {
}
