package dev.weft.proxy.listener;

import dev.weft.proxy.config.CidrRange;
import dev.weft.proxy.config.FilterChainMatchConfig;
import dev.weft.proxy.config.ListenerConfig.FilterChainConfig;
import dev.weft.proxy.network.ConnectionInfo;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Envoy's filter chain matching: the criteria are taken in a fixed order (destination port,
 * destination IP, server name, transport protocol, application protocols, direct source IP, source
 * type, source IP, source port). At each step only the chains whose criterion matches most
 * specifically stay; chains that leave the criterion unset stay only when no chain sets it to a
 * matching value. There is no backtracking: when the chains left by one step all fail a later one,
 * no chain matches (and the default chain, if any, takes the connection).
 */
public final class FilterChainSelector {

    /** A criterion's score for a chain: -1 fails, 0 unset (wildcard), higher is more specific. */
    private static final int FAILS = -1;
    private static final int UNSET = 0;

    private FilterChainSelector() {
    }

    /** The index of the chain for {@code connection} in {@code chains}, or -1 when none matches. */
    public static int select(List<FilterChainConfig> chains, ConnectionInfo connection) {
        List<Integer> left = new ArrayList<>(chains.size());
        for (int i = 0; i < chains.size(); i++) {
            left.add(i);
        }
        InetAddress destination = connection.destination().getAddress();
        InetAddress source = connection.source().getAddress();
        List<ToIntFunction<FilterChainMatchConfig>> criteria = List.of(
                m -> m.destinationPort().map(port -> port == connection.destination().getPort() ? 1 : FAILS)
                        .orElse(UNSET),
                m -> longestPrefix(m.prefixRanges(), destination),
                m -> serverName(m.serverNames(), connection.serverName()),
                m -> m.transportProtocol().isEmpty() ? UNSET
                        : m.transportProtocol().equals(connection.transportProtocol()) ? 1 : FAILS,
                m -> m.applicationProtocols().isEmpty() ? UNSET
                        : m.applicationProtocols().stream().anyMatch(connection.applicationProtocols()::contains)
                        ? 1 : FAILS,
                // No PROXY protocol here: the direct source is the source.
                m -> longestPrefix(m.directSourcePrefixRanges(), source),
                m -> sourceType(m.sourceType(), connection),
                m -> longestPrefix(m.sourcePrefixRanges(), source),
                m -> m.sourcePorts().isEmpty() ? UNSET
                        : m.sourcePorts().contains(connection.source().getPort()) ? 1 : FAILS);
        for (ToIntFunction<FilterChainMatchConfig> criterion : criteria) {
            int best = FAILS;
            List<Integer> kept = new ArrayList<>();
            for (int index : left) {
                int score = criterion.applyAsInt(chains.get(index).match());
                if (score > best) {
                    best = score;
                    kept.clear();
                }
                if (score == best && score != FAILS) {
                    kept.add(index);
                }
            }
            if (kept.isEmpty()) {
                return -1;
            }
            left = kept;
        }
        return left.getFirst();
    }

    // Score = 1 + prefix length, so /0 still beats "unset".
    private static int longestPrefix(List<CidrRange> ranges, InetAddress address) {
        if (ranges.isEmpty()) {
            return UNSET;
        }
        int best = FAILS;
        for (CidrRange range : ranges) {
            if (range.contains(address)) {
                best = Math.max(best, 1 + range.length());
            }
        }
        return best;
    }

    // Exact beats every wildcard; a longer *.suffix beats a shorter one.
    private static int serverName(List<String> names, String sni) {
        if (names.isEmpty()) {
            return UNSET;
        }
        if (sni.isEmpty()) {
            return FAILS;
        }
        int best = FAILS;
        for (String name : names) {
            if (name.equals(sni)) {
                return Integer.MAX_VALUE;
            }
            if (name.startsWith("*.") && sni.endsWith(name.substring(1)) && sni.length() > name.length() - 1) {
                best = Math.max(best, name.length());
            }
        }
        return best;
    }

    private static int sourceType(FilterChainMatchConfig.SourceType type, ConnectionInfo connection) {
        InetAddress source = connection.source().getAddress();
        boolean local = source.isLoopbackAddress() || source.equals(connection.destination().getAddress());
        return switch (type) {
            case ANY -> UNSET;
            case SAME_IP_OR_LOOPBACK -> local ? 1 : FAILS;
            case EXTERNAL -> local ? FAILS : 1;
        };
    }
}
