package dev.weft.proxy.config;

import java.util.List;
import java.util.Optional;

/**
 * Envoy's {@code FilterChainMatch}: the criteria a connection must meet for a filter chain. An
 * empty list (or empty port/protocol) means "not specified"; the listener's chain selection
 * ({@code listener.FilterChainSelector}) prefers the most specific chain criterion by criterion.
 *
 * @param destinationPort           {@code destination_port}
 * @param prefixRanges              {@code prefix_ranges}: of the (original) destination address
 * @param serverNames               {@code server_names}: SNI, exact or {@code *.suffix}
 * @param transportProtocol         {@code transport_protocol}: "raw_buffer" or "tls"; empty = any
 * @param applicationProtocols      {@code application_protocols}: ALPN or what http_inspector saw
 * @param directSourcePrefixRanges  {@code direct_source_prefix_ranges}
 * @param sourceType                {@code source_type}
 * @param sourcePrefixRanges        {@code source_prefix_ranges}
 * @param sourcePorts               {@code source_ports}
 */
public record FilterChainMatchConfig(
        Optional<Integer> destinationPort,
        List<CidrRange> prefixRanges,
        List<String> serverNames,
        String transportProtocol,
        List<String> applicationProtocols,
        List<CidrRange> directSourcePrefixRanges,
        SourceType sourceType,
        List<CidrRange> sourcePrefixRanges,
        List<Integer> sourcePorts) {

    /** Envoy's {@code ConnectionSourceType}. */
    public enum SourceType { ANY, SAME_IP_OR_LOOPBACK, EXTERNAL }

    public static final FilterChainMatchConfig ANY = new FilterChainMatchConfig(Optional.empty(), List.of(),
            List.of(), "", List.of(), List.of(), SourceType.ANY, List.of(), List.of());

    public FilterChainMatchConfig {
        prefixRanges = List.copyOf(prefixRanges);
        serverNames = List.copyOf(serverNames);
        applicationProtocols = List.copyOf(applicationProtocols);
        directSourcePrefixRanges = List.copyOf(directSourcePrefixRanges);
        sourcePrefixRanges = List.copyOf(sourcePrefixRanges);
        sourcePorts = List.copyOf(sourcePorts);
    }
}
