package dev.weft.proxy.upstream;

import dev.weft.proxy.config.ClusterConfig;
import java.util.List;

/** Picks one host for a request from a non-empty list of routable hosts. */
public interface LoadBalancer {

    <H extends LbHost> H choose(List<H> hosts);

    static LoadBalancer of(ClusterConfig.LbPolicy policy) {
        return switch (policy) {
            case ROUND_ROBIN -> new RoundRobinLoadBalancer();
            case LEAST_REQUEST -> new LeastRequestLoadBalancer();
            case RANDOM -> new RandomLoadBalancer();
        };
    }
}
