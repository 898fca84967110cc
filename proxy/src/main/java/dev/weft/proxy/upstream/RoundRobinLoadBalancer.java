package dev.weft.proxy.upstream;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Round robin. With equal weights each host in turn; with different weights a host is chosen in
 * proportion to its weight, interleaved (a position on a cycle of total-weight slots maps to the
 * host owning that slot; consecutive positions step through the cycle with a stride coprime to the
 * total so heavy hosts do not get runs of requests).
 */
public final class RoundRobinLoadBalancer implements LoadBalancer {

    private final AtomicLong next = new AtomicLong();

    @Override
    public <H extends LbHost> H choose(List<H> hosts) {
        long turn = next.getAndIncrement();
        int total = 0;
        boolean equal = true;
        for (H host : hosts) {
            total += host.weight();
            equal &= host.weight() == hosts.getFirst().weight();
        }
        if (equal) {
            return hosts.get((int) Math.floorMod(turn, (long) hosts.size()));
        }
        long stride = strideFor(total);
        int slot = (int) Math.floorMod(turn * stride, (long) total);
        for (H host : hosts) {
            slot -= host.weight();
            if (slot < 0) {
                return host;
            }
        }
        return hosts.getLast();
    }

    // The largest number below total/2 that is coprime to it visits every slot once per cycle.
    private static long strideFor(int total) {
        for (int candidate = Math.max(1, total / 2 - 1); candidate > 1; candidate--) {
            if (gcd(candidate, total) == 1) {
                return candidate;
            }
        }
        return 1;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
