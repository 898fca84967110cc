package dev.weft.proxy.upstream;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * The table of a hash-based balancer, built once per set of hosts (by their hash keys and weights)
 * and rebuilt when that set changes; a request without a hash gets a random point, as in Envoy.
 */
final class HashedHosts<T> {

    private record Built(List<String> key, Object table) {
    }

    private final Function<List<? extends LbHost>, T> build;
    private volatile Built built;

    HashedHosts(Function<List<? extends LbHost>, T> build) {
        this.build = build;
    }

    @SuppressWarnings("unchecked")
    T table(List<? extends LbHost> hosts) {
        List<String> key = hosts.stream().map(host -> host.hashKey() + "/" + host.weight()).toList();
        Built current = built;
        if (current == null || !current.key().equals(key)) {
            current = new Built(key, build.apply(hosts));
            built = current;
        }
        return (T) current.table();
    }

    static long hashOrRandom(java.util.OptionalLong hash) {
        return hash.isPresent() ? hash.getAsLong() : ThreadLocalRandom.current().nextLong();
    }
}
