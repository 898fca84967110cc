package dev.weft.proxy.upstream;

import java.util.List;
import java.util.OptionalLong;

/**
 * Envoy's MAGLEV: a lookup table of a prime size (65537 by default) filled from each host's
 * permutation (offset = xxHash64(address, 0) mod M, skip = xxHash64(address, 1) mod (M - 1) + 1),
 * heavier hosts taking turns more often; a request goes to {@code table[hash mod M]}. Removing a
 * host moves only its own share of keys, and every proxy builds the same table.
 */
public final class MaglevLoadBalancer implements LoadBalancer {

    private final int tableSize;
    private final HashedHosts<int[]> tables;

    public MaglevLoadBalancer(long tableSize) {
        this.tableSize = (int) tableSize;
        this.tables = new HashedHosts<>(this::build);
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
        int[] table = tables.table(hosts);
        return hosts.get(table[(int) Long.remainderUnsigned(HashedHosts.hashOrRandom(hash), table.length)]);
    }

    private int[] build(List<? extends LbHost> hosts) {
        int m = tableSize;
        int n = hosts.size();
        long[] offset = new long[n];
        long[] skip = new long[n];
        long[] next = new long[n];
        double[] weight = new double[n];
        double[] target = new double[n];
        double maxWeight = hosts.stream().mapToDouble(LbHost::weight).max().orElse(1);
        for (int i = 0; i < n; i++) {
            String key = hosts.get(i).hashKey();
            offset[i] = Long.remainderUnsigned(XxHash64.hash(key, 0), m);
            skip[i] = Long.remainderUnsigned(XxHash64.hash(key, 1), m - 1) + 1;
            weight[i] = hosts.get(i).weight() / maxWeight;
        }
        int[] table = new int[m];
        java.util.Arrays.fill(table, -1);
        int filled = 0;
        for (long iteration = 1; filled < m; iteration++) {
            for (int i = 0; i < n && filled < m; i++) {
                // A host of the largest weight takes a slot every round; one of a third of it every third.
                if (iteration * weight[i] < target[i]) {
                    continue;
                }
                target[i] += 1.0;
                int c = (int) ((offset[i] + skip[i] * next[i]) % m);
                while (table[c] >= 0) {
                    next[i]++;
                    c = (int) ((offset[i] + skip[i] * next[i]) % m);
                }
                table[c] = i;
                next[i]++;
                filled++;
            }
        }
        return table;
    }
}
