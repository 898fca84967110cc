package dev.weft.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadBalancerTest {

    record Host(String name, int weight, int activeRequests) implements LbHost {
    }

    private static Map<String, Integer> spread(LoadBalancer balancer, List<Host> hosts, int picks) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            counts.merge(balancer.choose(hosts).name(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void roundRobinTakesEachHostInTurn() {
        List<Host> hosts = List.of(new Host("a", 1, 0), new Host("b", 1, 0), new Host("c", 1, 0));
        RoundRobinLoadBalancer balancer = new RoundRobinLoadBalancer();
        assertThat(List.of(balancer.choose(hosts), balancer.choose(hosts), balancer.choose(hosts),
                balancer.choose(hosts)).stream().map(Host::name)).containsExactly("a", "b", "c", "a");
    }

    @Test
    void weightedRoundRobinIsExactlyProportionalOverACycleAndInterleaved() {
        List<Host> hosts = List.of(new Host("heavy", 3, 0), new Host("light", 1, 0));
        RoundRobinLoadBalancer balancer = new RoundRobinLoadBalancer();
        assertThat(spread(balancer, hosts, 400)).containsEntry("heavy", 300).containsEntry("light", 100);
        // No run of more than 3 picks of the heavy host in a row.
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            order.append(balancer.choose(hosts).name().charAt(0));
        }
        assertThat(order.toString()).doesNotContain("hhhh");
    }

    @Test
    void leastRequestPrefersTheLessLoadedOfTwoRandomHosts() {
        List<Host> hosts = List.of(new Host("busy", 1, 10), new Host("idle", 1, 0));
        // With two hosts both are always compared: the idle one always wins.
        assertThat(spread(new LeastRequestLoadBalancer(), hosts, 200)).containsOnlyKeys("idle");

        List<Host> three = List.of(new Host("busy", 1, 10), new Host("mid", 1, 5), new Host("idle", 1, 0));
        Map<String, Integer> counts = spread(new LeastRequestLoadBalancer(), three, 3_000);
        // busy loses every comparison; idle wins both of its pairs (2/3 of picks), mid one of two (1/3).
        assertThat(counts).doesNotContainKey("busy");
        assertThat(counts.get("idle")).isBetween(1_800, 2_200);
    }

    @Test
    void randomSpreadsOverAllHosts() {
        List<Host> hosts = List.of(new Host("a", 1, 0), new Host("b", 1, 0));
        Map<String, Integer> counts = spread(new RandomLoadBalancer(), hosts, 2_000);
        assertThat(counts.get("a")).isBetween(850, 1_150);
    }
}
