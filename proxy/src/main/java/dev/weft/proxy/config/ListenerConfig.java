package dev.weft.proxy.config;

import java.util.List;
import java.util.Optional;

/**
 * An LDS listener: where it binds and its filter chains. This slice serves HTTP only: the first
 * chain holding an HTTP connection manager handles every connection ({@code filter_chain_match} is
 * not evaluated yet); a listener without one is accepted but not bound.
 *
 * @param host the socket address to bind (127.0.0.1, 0.0.0.0, ...)
 * @param port the port; 0 binds an ephemeral one
 * @param bindToPort false for Istio's per-port outbound listeners, which only receive connections
 *                   handed over by the virtual listener ({@code use_original_dst}; not implemented
 *                   yet): such a listener is accepted and warmed but not bound
 * @param inbound    {@code traffic_direction: INBOUND} (Istio's inbound listeners): what
 *                   {@code /drain_listeners?inboundonly} drains
 */
public record ListenerConfig(String name, String host, int port, boolean bindToPort,
        List<FilterChainConfig> filterChains, boolean inbound) {

    public ListenerConfig {
        filterChains = List.copyOf(filterChains);
    }

    /** A listener without a traffic direction. */
    public ListenerConfig(String name, String host, int port, boolean bindToPort, List<FilterChainConfig> filterChains) {
        this(name, host, port, bindToPort, filterChains, false);
    }

    /** One filter chain: its name and, if it has one, its HTTP connection manager. */
    public record FilterChainConfig(String name, Optional<HttpConnectionManagerConfig> http) {
    }

    /** The HTTP connection manager that serves this listener, if any. */
    public Optional<HttpConnectionManagerConfig> http() {
        return filterChains.stream().flatMap(chain -> chain.http().stream()).findFirst();
    }

    /** Routes by name this listener waits for. */
    public Optional<String> rdsName() {
        return http().flatMap(hcm -> hcm.routes() instanceof RouteSource.Rds rds
                ? Optional.of(rds.name()) : Optional.empty());
    }
}
