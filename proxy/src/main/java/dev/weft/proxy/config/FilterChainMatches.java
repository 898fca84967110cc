package dev.weft.proxy.config;

import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code FilterChainMatch} to {@link FilterChainMatchConfig}, and Envoy's check that no two chains match alike. */
final class FilterChainMatches {

    private FilterChainMatches() {
    }

    static FilterChainMatchConfig convert(FilterChainMatch match, String field) throws ConversionException {
        Protos.unsupported(!match.getAddressSuffix().isEmpty() || match.hasSuffixLen(), field + ".address_suffix/suffix_len");
        Optional<Integer> port = Optional.empty();
        if (match.hasDestinationPort()) {
            int value = match.getDestinationPort().getValue();
            if (value < 1 || value > 65535) {
                throw new ConversionException(field + ".destination_port: must be in [1, 65535], not "
                        + Integer.toUnsignedString(value));
            }
            port = Optional.of(value);
        }
        for (int i = 0; i < match.getServerNamesCount(); i++) {
            String name = match.getServerNames(i);
            if (name.isEmpty() || (name.contains("*") && !(name.startsWith("*.") && name.indexOf('*', 1) < 0))) {
                throw new ConversionException(field + ".server_names[" + i + "]: must be a name or *.suffix, not '"
                        + name + "'");
            }
        }
        for (int i = 0; i < match.getSourcePortsCount(); i++) {
            int value = match.getSourcePorts(i);
            if (value < 1 || value > 65535) {
                throw new ConversionException(field + ".source_ports[" + i + "]: must be in [1, 65535]");
            }
        }
        FilterChainMatchConfig.SourceType sourceType = switch (match.getSourceType()) {
            case ANY -> FilterChainMatchConfig.SourceType.ANY;
            case SAME_IP_OR_LOOPBACK -> FilterChainMatchConfig.SourceType.SAME_IP_OR_LOOPBACK;
            case EXTERNAL -> FilterChainMatchConfig.SourceType.EXTERNAL;
            case UNRECOGNIZED -> throw new ConversionException(field + ".source_type: unknown value");
        };
        return new FilterChainMatchConfig(port,
                ranges(match.getPrefixRangesList(), field + ".prefix_ranges"),
                match.getServerNamesList().stream().map(name -> name.toLowerCase(java.util.Locale.ROOT)).toList(),
                match.getTransportProtocol(),
                match.getApplicationProtocolsList(),
                ranges(match.getDirectSourcePrefixRangesList(), field + ".direct_source_prefix_ranges"),
                sourceType,
                ranges(match.getSourcePrefixRangesList(), field + ".source_prefix_ranges"),
                match.getSourcePortsList());
    }

    private static List<CidrRange> ranges(List<io.envoyproxy.envoy.config.core.v3.CidrRange> ranges, String field)
            throws ConversionException {
        List<CidrRange> result = new ArrayList<>();
        for (int i = 0; i < ranges.size(); i++) {
            var range = ranges.get(i);
            int length = range.hasPrefixLen() ? range.getPrefixLen().getValue()
                    : (range.getAddressPrefix().contains(":") ? 128 : 32);
            result.add(CidrRange.of(range.getAddressPrefix(), length, field + "[" + i + "]"));
        }
        return result;
    }

    /** Envoy refuses a listener where two chains have the same match (one of them could never be chosen). */
    static void checkDistinct(List<ListenerConfig.FilterChainConfig> chains) throws ConversionException {
        Map<List<Object>, String> seen = new HashMap<>();
        for (int i = 0; i < chains.size(); i++) {
            FilterChainMatchConfig m = chains.get(i).match();
            List<Object> key = List.of(m.destinationPort(), new HashSet<>(m.prefixRanges()), new HashSet<>(m.serverNames()),
                    m.transportProtocol(), new HashSet<>(m.applicationProtocols()),
                    new HashSet<>(m.directSourcePrefixRanges()), m.sourceType(), new HashSet<>(m.sourcePrefixRanges()),
                    new HashSet<>(m.sourcePorts()));
            String previous = seen.putIfAbsent(key, "filter_chains[" + i + "]");
            if (previous != null) {
                throw new ConversionException("filter_chains[" + i + "].filter_chain_match: the same as " + previous
                        + "'s (multiple filter chains with the same matching rules are defined)");
            }
        }
    }
}
