package dev.weft.proxy.upstream;

import dev.weft.proxy.config.ClusterConfig;
import java.util.List;
import java.util.OptionalLong;

/** Picks one host for a request from a non-empty list of routable hosts. */
public interface LoadBalancer {

    <H extends LbHost> H choose(List<H> hosts);

    /** With the request's hash (empty: none); only hash-based balancers read it. */
    default <H extends LbHost> H choose(List<H> hosts, OptionalLong hash) {
        return choose(hosts);
    }

    static LoadBalancer of(ClusterConfig config) {
        return switch (config.lbPolicy()) {
            case ROUND_ROBIN -> new RoundRobinLoadBalancer();
            case LEAST_REQUEST -> new LeastRequestLoadBalancer();
            case RANDOM -> new RandomLoadBalancer();
            case RING_HASH -> new RingHashLoadBalancer(config.lbOptions().minRingSize(), config.lbOptions().maxRingSize());
            case MAGLEV -> new MaglevLoadBalancer(config.lbOptions().maglevTableSize());
        };
    }

    static LoadBalancer of(ClusterConfig.LbPolicy policy) {
        return switch (policy) {
            case ROUND_ROBIN -> new RoundRobinLoadBalancer();
            case LEAST_REQUEST -> new LeastRequestLoadBalancer();
            case RANDOM -> new RandomLoadBalancer();
            case RING_HASH -> new RingHashLoadBalancer(ClusterConfig.LbOptions.DEFAULTS.minRingSize(),
                    ClusterConfig.LbOptions.DEFAULTS.maxRingSize());
            case MAGLEV -> new MaglevLoadBalancer(ClusterConfig.LbOptions.DEFAULTS.maglevTableSize());
        };
    }
}
