package dev.weft.proxy.upstream;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;

/**
 * Envoy's RING_HASH (Ketama): each host owns points on a ring of 64-bit xxHash64 values of
 * {@code "<address>_<n>"}, as many as its share of the weight times the ring size; a request goes to
 * the owner of the first point at or after its hash. The ring has at least {@code minimum_ring_size}
 * points (more when needed for the lightest host to get one), at most {@code maximum_ring_size}.
 */
public final class RingHashLoadBalancer implements LoadBalancer {

    private record Ring(long[] hashes, int[] owners) {
    }

    private final long minRingSize;
    private final long maxRingSize;
    private final HashedHosts<Ring> rings;

    public RingHashLoadBalancer(long minRingSize, long maxRingSize) {
        this.minRingSize = minRingSize;
        this.maxRingSize = maxRingSize;
        this.rings = new HashedHosts<>(this::build);
    }

    @Override
    public <H extends LbHost> H choose(List<H> hosts) {
        return choose(hosts, OptionalLong.empty());
    }

    @Override
    public <H extends LbHost> H choose(List<H> hosts, OptionalLong hash) {
        if (hosts.size() == 1) {
            return hosts.getFirst();
        }
        Ring ring = rings.table(hosts);
        long h = HashedHosts.hashOrRandom(hash);
        // First point with an unsigned hash >= h, wrapping around.
        int low = 0;
        int high = ring.hashes().length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (Long.compareUnsigned(ring.hashes()[mid], h) < 0) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return hosts.get(ring.owners()[low == ring.hashes().length ? 0 : low]);
    }

    private Ring build(List<? extends LbHost> hosts) {
        double total = hosts.stream().mapToDouble(LbHost::weight).sum();
        double minNormalized = hosts.stream().mapToDouble(host -> host.weight() / total).min().orElse(1);
        double scale = Math.min(Math.ceil(minNormalized * minRingSize) / minNormalized, maxRingSize);
        int size = (int) Math.min(Integer.MAX_VALUE - 8, Math.ceil(scale) + hosts.size());
        long[] hashes = new long[size];
        int[] owners = new int[size];
        int count = 0;
        double target = 0;
        for (int index = 0; index < hosts.size(); index++) {
            LbHost host = hosts.get(index);
            target += scale * host.weight() / total;
            for (int n = 0; count < target && count < size; n++) {
                hashes[count] = XxHash64.hash(host.hashKey() + "_" + n);
                owners[count] = index;
                count++;
            }
        }
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparing((Integer i) -> hashes[i], Long::compareUnsigned));
        long[] sortedHashes = new long[count];
        int[] sortedOwners = new int[count];
        for (int i = 0; i < count; i++) {
            sortedHashes[i] = hashes[order[i]];
            sortedOwners[i] = owners[order[i]];
        }
        return new Ring(sortedHashes, sortedOwners);
    }
}
