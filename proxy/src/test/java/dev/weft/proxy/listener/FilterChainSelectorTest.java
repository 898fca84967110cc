package dev.weft.proxy.listener;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.proxy.config.CidrRange;
import dev.weft.proxy.config.FilterChainMatchConfig;
import dev.weft.proxy.config.ListenerConfig.FilterChainConfig;
import dev.weft.proxy.config.TcpProxyConfig;
import dev.weft.proxy.network.ConnectionInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FilterChainSelectorTest {

    private static FilterChainConfig chain(String name, FilterChainMatchConfig match) {
        return new FilterChainConfig(name, match, new TcpProxyConfig(name,
                List.of(new TcpProxyConfig.WeightedCluster("c", 1)), Duration.ZERO, 1), Optional.empty());
    }

    private static FilterChainMatchConfig match(Integer port, List<CidrRange> prefixes, List<String> serverNames,
            String transport, List<String> alpn, List<CidrRange> sources) {
        return new FilterChainMatchConfig(Optional.ofNullable(port), prefixes, serverNames, transport, alpn, List.of(),
                FilterChainMatchConfig.SourceType.ANY, sources, List.of());
    }

    private static CidrRange cidr(String address, int length) throws Exception {
        return new CidrRange(InetAddress.getByName(address).getAddress(), length);
    }

    private static ConnectionInfo to(String destination, int port) {
        return ConnectionInfo.of(new InetSocketAddress("192.168.1.9", 40000), new InetSocketAddress(destination, port),
                true);
    }

    private static String select(List<FilterChainConfig> chains, ConnectionInfo connection) {
        int index = FilterChainSelector.select(chains, connection);
        return index < 0 ? "none" : chains.get(index).name();
    }

    @Test
    void destinationPortComesFirstAndUnsetIsTheFallback() {
        List<FilterChainConfig> chains = List.of(
                chain("any", FilterChainMatchConfig.ANY),
                chain("9080", match(9080, List.of(), List.of(), "", List.of(), List.of())));
        assertThat(select(chains, to("10.0.0.1", 9080))).isEqualTo("9080");
        assertThat(select(chains, to("10.0.0.1", 80))).isEqualTo("any");
    }

    @Test
    void longestDestinationPrefixWinsAndThereIsNoBacktracking() throws Exception {
        List<FilterChainConfig> chains = List.of(
                chain("wide", match(null, List.of(cidr("10.0.0.0", 8)), List.of(), "", List.of(), List.of())),
                chain("narrow-tls", match(null, List.of(cidr("10.1.0.0", 16)), List.of(), "tls", List.of(), List.of())),
                chain("port", match(8443, List.of(), List.of(), "", List.of(), List.of())));
        assertThat(select(chains, to("10.2.3.4", 80))).isEqualTo("wide");
        // 10.1/16 is more specific than 10/8; it wants TLS, the connection is raw: Envoy does not go
        // back to 10/8, so nothing matches.
        assertThat(select(chains, to("10.1.3.4", 80))).isEqualTo("none");
        assertThat(select(chains, to("10.1.3.4", 80).withTls("", List.of()))).isEqualTo("narrow-tls");
        assertThat(select(chains, to("10.1.3.4", 8443))).isEqualTo("port");
        assertThat(select(chains, to("192.168.0.1", 80))).isEqualTo("none");
    }

    @Test
    void serverNamesExactBeforeLongestWildcard() {
        List<FilterChainConfig> chains = List.of(
                chain("wild", match(null, List.of(), List.of("*.example.com"), "", List.of(), List.of())),
                chain("deeper", match(null, List.of(), List.of("*.a.example.com"), "", List.of(), List.of())),
                chain("exact", match(null, List.of(), List.of("www.a.example.com"), "", List.of(), List.of())),
                chain("no-sni", FilterChainMatchConfig.ANY));
        assertThat(select(chains, to("10.0.0.1", 443).withTls("www.a.example.com", List.of()))).isEqualTo("exact");
        assertThat(select(chains, to("10.0.0.1", 443).withTls("api.a.example.com", List.of()))).isEqualTo("deeper");
        assertThat(select(chains, to("10.0.0.1", 443).withTls("b.example.com", List.of()))).isEqualTo("wild");
        assertThat(select(chains, to("10.0.0.1", 443).withTls("example.com", List.of()))).isEqualTo("no-sni");
        assertThat(select(chains, to("10.0.0.1", 443))).isEqualTo("no-sni");
    }

    @Test
    void applicationProtocolsAndSourceRanges() throws Exception {
        List<FilterChainConfig> chains = List.of(
                chain("http", match(null, List.of(), List.of(), "", List.of("http/1.1", "h2c"), List.of())),
                chain("from-lan", match(null, List.of(), List.of(), "", List.of(), List.of(cidr("192.168.0.0", 16)))),
                chain("tcp", FilterChainMatchConfig.ANY));
        assertThat(select(chains, to("10.0.0.1", 80).withApplicationProtocols(List.of("h2c")))).isEqualTo("http");
        assertThat(select(chains, to("10.0.0.1", 80))).isEqualTo("from-lan");
        ConnectionInfo fromElsewhere = ConnectionInfo.of(new InetSocketAddress("172.16.0.1", 1),
                new InetSocketAddress("10.0.0.1", 80), true);
        assertThat(select(chains, fromElsewhere)).isEqualTo("tcp");
    }
}
