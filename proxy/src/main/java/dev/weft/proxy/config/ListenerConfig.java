package dev.weft.proxy.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * An LDS listener: where it binds, its listener filters and its filter chains. Each connection
 * runs the listener filters, then takes the chain its {@code filter_chain_match} selects (Envoy's
 * order, {@code listener.FilterChainSelector}), else the default chain, else it is closed.
 *
 * @param host            the socket address to bind (127.0.0.1, 0.0.0.0, ...)
 * @param port            the port; 0 binds an ephemeral one
 * @param bindToPort      false for Istio's per-port outbound listeners, which only receive connections
 *                        handed over by a listener with {@code use_original_dst}
 * @param useOriginalDst  {@code use_original_dst}: a connection whose original destination matches
 *                        another listener's address is handed over to that listener
 * @param listenerFilters the listener filters (original_dst, tls_inspector, http_inspector)
 * @param filterChains    {@code filter_chains} in order
 * @param defaultChain    {@code default_filter_chain}
 * @param inbound         {@code traffic_direction: INBOUND} (Istio's inbound listeners): what
 *                        {@code /drain_listeners?inboundonly} drains
 */
public record ListenerConfig(String name, String host, int port, boolean bindToPort, boolean useOriginalDst,
        ListenerFiltersConfig listenerFilters, List<FilterChainConfig> filterChains,
        Optional<FilterChainConfig> defaultChain, boolean inbound) {

    public ListenerConfig {
        filterChains = List.copyOf(filterChains);
    }

    /** Without a traffic direction. */
    public ListenerConfig(String name, String host, int port, boolean bindToPort, boolean useOriginalDst,
            ListenerFiltersConfig listenerFilters, List<FilterChainConfig> filterChains,
            Optional<FilterChainConfig> defaultChain) {
        this(name, host, port, bindToPort, useOriginalDst, listenerFilters, filterChains, defaultChain, false);
    }

    /** A plain listener: bound, no listener filters, its chains in order, no default chain. */
    public ListenerConfig(String name, String host, int port, boolean bindToPort, List<FilterChainConfig> filterChains) {
        this(name, host, port, bindToPort, false, ListenerFiltersConfig.NONE, filterChains, Optional.empty());
    }

    /**
     * One filter chain.
     *
     * @param match           its {@code filter_chain_match}
     * @param filter          its terminal network filter (HTTP connection manager or TCP proxy)
     * @param transportSocket its {@code transport_socket}; empty = plain text
     */
    public record FilterChainConfig(String name, FilterChainMatchConfig match, NetworkFilterConfig filter,
            Optional<TransportSocketConfig> transportSocket) {

        /** A chain matching every connection, in plain text. */
        public FilterChainConfig(String name, NetworkFilterConfig filter) {
            this(name, FilterChainMatchConfig.ANY, filter, Optional.empty());
        }

        /** This chain with another transport socket (its TLS context built). */
        public FilterChainConfig withTransportSocket(Optional<TransportSocketConfig> socket) {
            return new FilterChainConfig(name, match, filter, socket);
        }

        /** Its HTTP connection manager, if that is its terminal filter. */
        public Optional<HttpConnectionManagerConfig> http() {
            return filter instanceof HttpConnectionManagerConfig hcm ? Optional.of(hcm) : Optional.empty();
        }
    }

    /** Every chain, the default one last. */
    public List<FilterChainConfig> allChains() {
        List<FilterChainConfig> all = new ArrayList<>(filterChains);
        defaultChain.ifPresent(all::add);
        return all;
    }

    /** The first HTTP connection manager of this listener, if any. */
    public Optional<HttpConnectionManagerConfig> http() {
        return allChains().stream().flatMap(chain -> chain.http().stream()).findFirst();
    }

    /** Route configurations by name this listener waits for. */
    public Set<String> rdsNames() {
        Set<String> names = new TreeSet<>();
        allChains().stream().flatMap(chain -> chain.http().stream())
                .flatMap(hcm -> hcm.routes() instanceof RouteSource.Rds rds ? Stream.of(rds.name()) : Stream.empty())
                .forEach(names::add);
        return names;
    }

    /** Clusters its TCP proxies name. */
    public Set<String> tcpClusters() {
        Set<String> names = new TreeSet<>();
        allChains().forEach(chain -> {
            if (chain.filter() instanceof TcpProxyConfig tcp) {
                tcp.clusters().forEach(cluster -> names.add(cluster.name()));
            }
        });
        return names;
    }

    /** This listener with each chain (the default one too) replaced by {@code resolve} of it. */
    public ListenerConfig withChains(java.util.function.UnaryOperator<FilterChainConfig> resolve) {
        return new ListenerConfig(name, host, port, bindToPort, useOriginalDst, listenerFilters,
                filterChains.stream().map(resolve).toList(), defaultChain.map(resolve));
    }

    /** The SDS secrets its chains' TLS contexts name. */
    public Set<String> sdsNames() {
        Set<String> names = new TreeSet<>();
        allChains().forEach(chain -> {
            if (chain.transportSocket().orElse(null) instanceof DownstreamTlsSocket tls) {
                names.addAll(tls.tls().sdsNames());
            }
        });
        return names;
    }

    /** Whether there is anything to serve (an API listener for proxyless gRPC has no chains). */
    public boolean serves() {
        return !filterChains.isEmpty() || defaultChain.isPresent();
    }
}
