package dev.weft.controlplane.xds.server;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.controlplane.xds.ConfigChange;
import dev.weft.controlplane.xds.ResourceType;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DebounceTest {

    @Test
    void aBurstOfFiftyChangesIsOnePush() throws Exception {
        TestSource source = new TestSource().put(CLUSTER, "c0", TestResources.edsCluster("c0"));
        Node node = AdsClient.node("sidecar~10.0.0.1~a.default~default.svc.cluster.local");
        try (XdsServer server = new XdsServer(source, XdsServerOptions.defaults().withAddress("127.0.0.1", 0)).start();
             var client = AdsClient.sotw(server.port())) {
            client.send(AdsClient.request(node, CLUSTER, List.of(), "", ""));
            client.send(AdsClient.ack(client.next(), List.of()));

            for (int i = 1; i <= 50; i++) {
                source.put(CLUSTER, "c" + i, TestResources.edsCluster("c" + i));
                server.configChanged(ConfigChange.all("cluster c" + i));
            }
            // Wait until the proxy has the final state, whatever number of responses that took.
            List<DiscoveryResponse> pushed = new ArrayList<>();
            while (pushed.isEmpty() || pushed.getLast().getResourcesCount() < 51) {
                pushed.add(client.next());
            }
            assertThat(client.poll(Duration.ofMillis(1500))).as("nothing after the final state").isNull();

            PushStats stats = server.pushStats();
            assertThat(stats.changesReceived()).isEqualTo(50);
            assertThat(stats.pushes()).isBetween(1L, 2L);
            assertThat(pushed).hasSizeBetween(1, 2);
            assertThat(server.proxyStatus(node.getId()).orElseThrow().types().get(CLUSTER).responsesSent())
                    .isEqualTo(1 + pushed.size());
        }
    }

    /** The rules themselves, on a hand-driven clock: quiet period, maximum delay, merging. */
    @Test
    void quietPeriodAndMaximumDelay() throws Exception {
        AtomicLong now = new AtomicLong();
        List<ConfigChange> fired = new ArrayList<>();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            PushDebouncer debouncer = new PushDebouncer(Duration.ofMillis(100), Duration.ofSeconds(1), timer,
                    fired::add, now::get);
            // A change every 50 ms (always inside the quiet period) for 1.5 s of clock time.
            for (int i = 0; i < 30; i++) {
                debouncer.add(ConfigChange.proxies(Set.of("p" + i), "c" + i)
                        .onlyTypes(Set.of(i % 2 == 0 ? ResourceType.CLUSTER : ResourceType.ENDPOINT)));
                now.addAndGet(Duration.ofMillis(50).toNanos());
                runDueChecks(timer);
            }
            // Without the maximum delay nothing would have fired yet: the quiet period never passed.
            assertThat(fired).hasSize(1);
            ConfigChange first = fired.getFirst();
            assertThat(first.allProxies()).isFalse();
            assertThat(first.proxyIds()).hasSizeGreaterThanOrEqualTo(19).contains("p0", "p19");
            assertThat(first.types()).containsExactlyInAnyOrder(ResourceType.CLUSTER, ResourceType.ENDPOINT);

            now.addAndGet(Duration.ofMillis(100).toNanos());
            runDueChecks(timer);
            assertThat(fired).hasSize(2);
            assertThat(fired.get(1).proxyIds()).contains("p29");
        } finally {
            timer.shutdownNow();
        }
    }

    /** Lets the timer run the checks the debouncer scheduled (they read the fake clock). */
    private static void runDueChecks(ScheduledExecutorService timer) throws Exception {
        // The debouncer schedules with real delays up to 100 ms; running a no-op after them is enough.
        timer.schedule(() -> { }, 110, java.util.concurrent.TimeUnit.MILLISECONDS).get();
    }
}
