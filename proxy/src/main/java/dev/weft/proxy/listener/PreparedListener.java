package dev.weft.proxy.listener;

import dev.weft.proxy.config.ListenerConfig;
import dev.weft.proxy.config.ListenerConfig.FilterChainConfig;
import dev.weft.proxy.config.WarmListener;
import dev.weft.proxy.http.ServedListener;
import dev.weft.proxy.network.ConnectionInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A warm listener made ready for connections, once per configuration: its chains (default last)
 * and, for each HTTP chain, the HTTP connection manager with its filters instantiated.
 */
record PreparedListener(WarmListener warm, List<FilterChainConfig> chains, List<Optional<ServedListener>> http,
        Map<String, Integer> chainsByName) {

    static PreparedListener of(WarmListener warm) {
        List<FilterChainConfig> chains = warm.config().allChains();
        List<Optional<ServedListener>> http = new ArrayList<>();
        Map<String, Integer> byName = new HashMap<>();
        for (int i = 0; i < chains.size(); i++) {
            http.add(chains.get(i).http().map(hcm -> ServedListener.of(warm.http(hcm))));
            if (!chains.get(i).name().isEmpty()) {
                byName.putIfAbsent(chains.get(i).name(), i);
            }
        }
        return new PreparedListener(warm, List.copyOf(chains), List.copyOf(http), Map.copyOf(byName));
    }

    ListenerConfig config() {
        return warm.config();
    }

    /** The chain for a connection: the matching filter chain, else the default chain; -1 for none. */
    int chainFor(ConnectionInfo connection) {
        int index = FilterChainSelector.select(config().filterChains(), connection);
        if (index >= 0) {
            return index;
        }
        return config().defaultChain().isPresent() ? chains.size() - 1 : -1;
    }

    /**
     * The HTTP connection manager that chain {@code index} of an older version of this listener has
     * now: the chain of the same name (or position, for unnamed chains) if it is still HTTP, else
     * the old one (the connection keeps what it started with).
     */
    ServedListener currentHttp(String chainName, int index, ServedListener old) {
        Integer now = chainName.isEmpty() ? Integer.valueOf(index) : chainsByName.get(chainName);
        if (now == null || now >= http.size()) {
            return old;
        }
        return http.get(now).orElse(old);
    }
}
