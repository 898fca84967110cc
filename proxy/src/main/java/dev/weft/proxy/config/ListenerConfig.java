package dev.weft.proxy.config;

import dev.weft.proxy.tls.TlsContextConfig;
import java.util.List;
import java.util.Optional;

/**
 * An LDS listener: where it binds and its filter chains. This slice serves HTTP only: the first
 * chain holding an HTTP connection manager handles every connection ({@code filter_chain_match} is
 * not evaluated yet, except {@code server_names} for choosing the TLS certificate of chains that
 * terminate TLS: see {@code tls.DownstreamTls}); a listener without one is accepted but not bound.
 *
 * @param host the socket address to bind (127.0.0.1, 0.0.0.0, ...)
 * @param port the port; 0 binds an ephemeral one
 * @param bindToPort false for Istio's per-port outbound listeners, which only receive connections
 *                   handed over by the virtual listener ({@code use_original_dst}; not implemented
 *                   yet): such a listener is accepted and warmed but not bound
 */
public record ListenerConfig(String name, String host, int port, boolean bindToPort,
        List<FilterChainConfig> filterChains) {

    public ListenerConfig {
        filterChains = List.copyOf(filterChains);
    }

    /**
     * One filter chain: its name, if it has one its HTTP connection manager, the SNI names of its
     * {@code filter_chain_match} and its TLS transport socket (empty: plaintext).
     */
    public record FilterChainConfig(String name, Optional<HttpConnectionManagerConfig> http, List<String> serverNames,
            Optional<TlsContextConfig> tls) {

        public FilterChainConfig {
            serverNames = List.copyOf(serverNames);
        }

        public FilterChainConfig(String name, Optional<HttpConnectionManagerConfig> http) {
            this(name, http, List.of(), Optional.empty());
        }
    }

    /** Whether connections are TLS: some chain terminates TLS (then TLS is offered on the whole listener). */
    public boolean terminatesTls() {
        return filterChains.stream().anyMatch(chain -> chain.tls().isPresent());
    }

    /** The SDS secrets the listener's TLS contexts name. */
    public java.util.Set<String> sdsNames() {
        java.util.Set<String> names = new java.util.TreeSet<>();
        filterChains.forEach(chain -> chain.tls().ifPresent(tls -> names.addAll(tls.sdsNames())));
        return names;
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
