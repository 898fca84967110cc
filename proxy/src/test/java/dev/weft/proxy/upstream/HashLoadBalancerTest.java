package dev.weft.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class HashLoadBalancerTest {

    record Host(String address, int weight) implements LbHost {
        @Override
        public int activeRequests() {
            return 0;
        }

        @Override
        public String hashKey() {
            return address;
        }
    }

    private static List<Host> hosts(int count) {
        List<Host> hosts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            hosts.add(new Host("10.0.0." + (i + 1) + ":8080", 1));
        }
        return hosts;
    }

    @Test
    void xxHash64MatchesTheReferenceVectors() {
        assertThat(XxHash64.hash("")).isEqualTo(0xEF46DB3751D8E999L);
        assertThat(XxHash64.hash("a")).isEqualTo(0xD24EC4F1A98C6E5BL);
        assertThat(XxHash64.hash("abc")).isEqualTo(0x44BC2CF5AD770999L);
        // More than 32 bytes: the four-lane path.
        assertThat(XxHash64.hash("Nobody inspects the spammish repetition"))
                .isEqualTo(0xFBCEA83C8A378BF1L);
    }

    @Test
    void twoProxiesBuildTheSameRingAndTableSoAKeyGoesToOneHost() {
        List<Host> hosts = hosts(5);
        for (LoadBalancer[] pair : new LoadBalancer[][] {
                {new RingHashLoadBalancer(1024, 8 << 20), new RingHashLoadBalancer(1024, 8 << 20)},
                {new MaglevLoadBalancer(65537), new MaglevLoadBalancer(65537)}}) {
            // The second proxy sees the hosts in another order: the same key still lands on the same host.
            List<Host> reversed = new ArrayList<>(hosts);
            java.util.Collections.reverse(reversed);
            for (int key = 0; key < 200; key++) {
                OptionalLong hash = OptionalLong.of(XxHash64.hash("user-" + key));
                assertThat(pair[0].choose(hosts, hash)).isEqualTo(pair[1].choose(reversed, hash));
            }
        }
    }

    @Test
    void keysSpreadEvenlyAndFollowWeights() {
        List<Host> hosts = List.of(new Host("a:1", 1), new Host("b:1", 1), new Host("c:1", 2));
        for (LoadBalancer balancer : List.of(new RingHashLoadBalancer(1024, 8 << 20), new MaglevLoadBalancer(65537))) {
            Map<String, Integer> counts = new HashMap<>();
            for (int key = 0; key < 8_000; key++) {
                counts.merge(balancer.choose(hosts, OptionalLong.of(XxHash64.hash("k" + key))).address(), 1,
                        Integer::sum);
            }
            assertThat(counts.get("c:1")).as(balancer.getClass().getSimpleName()).isBetween(3_400, 4_600);
            assertThat(counts.get("a:1")).as(balancer.getClass().getSimpleName()).isBetween(1_500, 2_500);
        }
    }

    @Test
    void removingAHostMovesOnlyItsOwnKeys() {
        List<Host> all = hosts(5);
        List<Host> fewer = all.subList(0, 4);
        // {balancer before, balancer after, most keys of staying hosts that may move}: a ring keeps its
        // size, so the staying hosts get more points and take a few keys from each other (~10%);
        // maglev moves very few. Modulo hashing would move about 80%.
        int keys = 2_000;
        Object[][] cases = {
                {new RingHashLoadBalancer(1024, 8 << 20), new RingHashLoadBalancer(1024, 8 << 20), keys * 15 / 100},
                {new MaglevLoadBalancer(65537), new MaglevLoadBalancer(65537), keys * 3 / 100}};
        for (Object[] c : cases) {
            LoadBalancer before = (LoadBalancer) c[0];
            LoadBalancer after = (LoadBalancer) c[1];
            int moved = 0;
            for (int key = 0; key < keys; key++) {
                OptionalLong hash = OptionalLong.of(XxHash64.hash("key-" + key));
                Host was = before.choose(all, hash);
                if (!was.equals(all.get(4)) && !was.equals(after.choose(fewer, hash))) {
                    moved++;
                }
            }
            assertThat(moved).as(before.getClass().getSimpleName()).isLessThan((Integer) c[2]);
        }
    }

    @Test
    void ringSizeFollowsTheMinimumAndMaximum() {
        RingHashLoadBalancer small = new RingHashLoadBalancer(3, 3);
        List<Host> hosts = hosts(3);
        Map<Host, Integer> counts = new HashMap<>();
        for (int key = 0; key < 300; key++) {
            counts.merge(small.choose(hosts, OptionalLong.of(XxHash64.hash("k" + key))), 1, Integer::sum);
        }
        // One point each: every host owns a part of the ring.
        assertThat(counts).hasSize(3);
    }
}
