package dev.weft.proxy.upstream;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Envoy's RANDOM: a uniformly random host. */
public final class RandomLoadBalancer implements LoadBalancer {

    @Override
    public <H extends LbHost> H choose(List<H> hosts) {
        return hosts.get(ThreadLocalRandom.current().nextInt(hosts.size()));
    }
}
