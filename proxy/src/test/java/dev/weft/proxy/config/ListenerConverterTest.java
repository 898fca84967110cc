package dev.weft.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.extensions.filters.listener.http_inspector.v3.HttpInspector;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Listener conversion: chains, matches, tcp_proxy and listener filters, and what is refused (with the field). */
class ListenerConverterTest {

    private static FilterChain.Builder tcp(String name, TcpProxy proxy) {
        return FilterChain.newBuilder().setName(name).addFilters(Filter.newBuilder()
                .setName("envoy.filters.network.tcp_proxy").setTypedConfig(Any.pack(proxy)));
    }

    private static Listener.Builder listener() {
        return Listener.newBuilder().setName("l").setAddress(Address.newBuilder().setSocketAddress(
                SocketAddress.newBuilder().setAddress("0.0.0.0").setPortValue(15001)));
    }

    private static final TcpProxy TO_A = TcpProxy.newBuilder().setStatPrefix("a").setCluster("a").build();

    @Test
    void chainsMatchesTcpProxyAndListenerFilters() throws ConversionException {
        ListenerConfig config = ListenerConverter.convert(listener()
                .setUseOriginalDst(BoolValue.of(true))
                .addListenerFilters(ListenerFilter.newBuilder().setName("envoy.filters.listener.http_inspector")
                        .setTypedConfig(Any.pack(HttpInspector.getDefaultInstance())))
                .addFilterChains(tcp("by-port", TO_A.toBuilder()
                        .setIdleTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(7))
                        .setMaxConnectAttempts(UInt32Value.of(3)).build())
                        .setFilterChainMatch(FilterChainMatch.newBuilder().setDestinationPort(UInt32Value.of(9080))
                                .addServerNames("*.Example.com").addPrefixRanges(
                                        io.envoyproxy.envoy.config.core.v3.CidrRange.newBuilder()
                                                .setAddressPrefix("10.0.0.0").setPrefixLen(UInt32Value.of(8)))))
                .setDefaultFilterChain(tcp("default", TcpProxy.newBuilder().setStatPrefix("w")
                        .setWeightedClusters(TcpProxy.WeightedCluster.newBuilder()
                                .addClusters(TcpProxy.WeightedCluster.ClusterWeight.newBuilder().setName("a").setWeight(1))
                                .addClusters(TcpProxy.WeightedCluster.ClusterWeight.newBuilder().setName("b").setWeight(3)))
                        .build()))
                .build());
        assertThat(config.useOriginalDst()).isTrue();
        assertThat(config.listenerFilters().httpInspector()).isTrue();
        assertThat(config.listenerFilters().timeout()).isEqualTo(Duration.ofSeconds(15));
        FilterChainMatchConfig match = config.filterChains().getFirst().match();
        assertThat(match.destinationPort()).contains(9080);
        assertThat(match.serverNames()).containsExactly("*.example.com");
        assertThat(match.prefixRanges().getFirst().toString()).isEqualTo("10.0.0.0/8");
        TcpProxyConfig first = (TcpProxyConfig) config.filterChains().getFirst().filter();
        assertThat(first.idleTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(first.maxConnectAttempts()).isEqualTo(3);
        TcpProxyConfig weighted = (TcpProxyConfig) config.defaultChain().orElseThrow().filter();
        assertThat(weighted.totalWeight()).isEqualTo(4);
        assertThat(config.tcpClusters()).containsExactly("a", "b");
    }

    @Test
    void refusesWhatItCannotServeNamingTheField() {
        assertThatThrownBy(() -> ListenerConverter.convert(listener()
                .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder().setName("envoy.filters.network.rbac")
                        .setTypedConfig(Any.pack(com.google.protobuf.Empty.getDefaultInstance())))).build()))
                .hasMessageStartingWith("filter_chains[0].filters[0]: network filter envoy.filters.network.rbac")
                .hasMessageEndingWith("is not supported by weft-proxy yet");
        assertThatThrownBy(() -> ListenerConverter.convert(listener()
                .addFilterChains(tcp("one", TO_A)).addFilterChains(tcp("two", TO_A)).build()))
                .hasMessageContaining("filter_chains[1].filter_chain_match: the same as filter_chains[0]'s");
        assertThatThrownBy(() -> ListenerConverter.convert(listener()
                .addFilterChains(tcp("tls", TO_A).setTransportSocket(TransportSocket.newBuilder()
                        .setName("envoy.transport_sockets.tls"))).build()))
                .hasMessage("filter_chains[0].transport_socket.typed_config: required for envoy.transport_sockets.tls");
        assertThatThrownBy(() -> ListenerConverter.convert(listener()
                .addFilterChains(tcp("alts", TO_A).setTransportSocket(TransportSocket.newBuilder()
                        .setName("envoy.transport_sockets.alts"))).build()))
                .hasMessage("filter_chains[0].transport_socket.name: envoy.transport_sockets.alts is not supported by weft-proxy");
        assertThatThrownBy(() -> ListenerConverter.convert(listener()
                .addListenerFilters(ListenerFilter.newBuilder().setName("envoy.filters.listener.proxy_protocol"))
                .addFilterChains(tcp("a", TO_A)).build()))
                .hasMessage("listener_filters[0]: listener filter envoy.filters.listener.proxy_protocol is not "
                        + "supported by weft-proxy yet");
        assertThatThrownBy(() -> ListenerConverter.convert(listener()
                .addFilterChains(tcp("a", TcpProxy.newBuilder().setStatPrefix("a").build())).build()))
                .hasMessage("filter_chains[0].filters[0].typed_config: one of cluster or weighted_clusters is required");
        assertThatThrownBy(() -> ListenerConverter.convert(listener()
                .addFilterChains(tcp("a", TO_A).setFilterChainMatch(FilterChainMatch.newBuilder()
                        .addServerNames("a.*.com"))).build()))
                .hasMessage("filter_chains[0].filter_chain_match.server_names[0]: must be a name or *.suffix, not 'a.*.com'");
    }

    @Test
    void perConnectionBufferLimitBytesBoundsTheRequestBodiesOfItsConnections() throws ConversionException {
        var hcm = io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                .newBuilder().setStatPrefix("h").setRouteConfig(io.envoyproxy.envoy.config.route.v3.RouteConfiguration
                        .getDefaultInstance()).build();
        var chain = io.envoyproxy.envoy.config.listener.v3.FilterChain.newBuilder()
                .addFilters(io.envoyproxy.envoy.config.listener.v3.Filter.newBuilder()
                        .setName(ListenerConverter.HCM_NAME).setTypedConfig(com.google.protobuf.Any.pack(hcm)));
        ListenerConfig unset = ListenerConverter.convert(listener().addFilterChains(chain).build());
        assertThat(((HttpConnectionManagerConfig) unset.filterChains().getFirst().filter()).limits()
                .bodyBufferLimitBytes()).isEqualTo(1024 * 1024);
        ListenerConfig small = ListenerConverter.convert(listener().addFilterChains(chain)
                .setPerConnectionBufferLimitBytes(com.google.protobuf.UInt32Value.of(32768)).build());
        assertThat(((HttpConnectionManagerConfig) small.filterChains().getFirst().filter()).limits()
                .bodyBufferLimitBytes()).isEqualTo(32768);
        assertThatThrownBy(() -> ListenerConverter.convert(listener().addFilterChains(chain)
                .setPerConnectionBufferLimitBytes(com.google.protobuf.UInt32Value.of(0)).build()))
                .hasMessageStartingWith("per_connection_buffer_limit_bytes: 0 (no limit) is not supported");
        assertThat(ClusterConverter.convert(io.envoyproxy.envoy.config.cluster.v3.Cluster.newBuilder().setName("c")
                .setPerConnectionBufferLimitBytes(com.google.protobuf.UInt32Value.of(32768)).build())
                .perConnectionBufferLimitBytes()).isEqualTo(32768);
        assertThat(ClusterConverter.convert(io.envoyproxy.envoy.config.cluster.v3.Cluster.newBuilder().setName("c")
                .build()).perConnectionBufferLimitBytes()).isZero();
    }
}
