package dev.weft.proxy.upstream;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Envoy's LEAST_REQUEST with the default choice count of 2 ("power of two choices"): pick two
 * hosts at random, send to the one with fewer requests in flight. Cheap, and avoids the herd that
 * a global least-loaded choice causes when many proxies see the same counts.
 */
public final class LeastRequestLoadBalancer implements LoadBalancer {

    @Override
    public <H extends LbHost> H choose(List<H> hosts) {
        if (hosts.size() == 1) {
            return hosts.getFirst();
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int first = random.nextInt(hosts.size());
        int second = random.nextInt(hosts.size() - 1);
        if (second >= first) {
            second++;
        }
        H a = hosts.get(first);
        H b = hosts.get(second);
        return b.activeRequests() < a.activeRequests() ? b : a;
    }
}
