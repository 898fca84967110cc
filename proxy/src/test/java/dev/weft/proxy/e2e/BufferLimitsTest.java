package dev.weft.proxy.e2e;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static dev.weft.controlplane.xds.ResourceType.ENDPOINT;
import static dev.weft.controlplane.xds.ResourceType.LISTENER;
import static dev.weft.controlplane.xds.ResourceType.ROUTE;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listener's {@code per_connection_buffer_limit_bytes} bounds what one downstream connection
 * keeps of a request body: a body over it is not kept, so it is not retried (Envoy's
 * retry_or_shadow_abandoned); under it, or on a listener without the field (Envoy's 1 MiB), the
 * same request is retried.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BufferLimitsTest {

    private static final String NODE_ID = "router~127.0.0.1~buffers.weft-system~weft-system.svc.cluster.local";
    private static final int SMALL_LIMIT = 16 * 1024;

    private final ScriptedBackend failing = ScriptedBackend.always("failing", 503);
    private ProxyUnderTest under;
    @TempDir
    Path temp;

    @BeforeAll
    void start() throws Exception {
        Route retried = Envoy.toCluster("/", "failing").toBuilder()
                .setRoute(Envoy.toCluster("/", "failing").getRoute().toBuilder()
                        .setRetryPolicy(RetryPolicy.newBuilder().setRetryOn("5xx").setNumRetries(UInt32Value.of(2))
                                .setRetryBackOff(RetryPolicy.RetryBackOff.newBuilder()
                                        .setBaseInterval(com.google.protobuf.Duration.newBuilder().setNanos(1_000_000)))))
                .build();
        Listener small = Envoy.httpListener("small", 0, "routes").unpack(Listener.class).toBuilder()
                .setPerConnectionBufferLimitBytes(UInt32Value.of(SMALL_LIMIT)).build();
        MutableSource source = new MutableSource()
                .put(CLUSTER, "failing", Envoy.edsCluster("failing"))
                .put(ENDPOINT, "failing", Envoy.endpoints("failing", failing.port()))
                .put(LISTENER, "small", Any.pack(small))
                .put(LISTENER, "default", Envoy.httpListener("default", 0, "routes"))
                .put(ROUTE, "routes", Any.pack(RouteConfiguration.newBuilder().setName("routes")
                        .addVirtualHosts(Envoy.virtualHost("all", "*").addRoutes(retried)).build()));
        under = new ProxyUnderTest(source, NODE_ID);
    }

    @AfterAll
    void stop() {
        if (under != null) {
            under.close();
        }
        failing.close();
    }

    /** POSTs {@code bytes} to the listener; the attempts the backend saw. */
    private int attempts(String listener, int bytes) throws Exception {
        Path body = temp.resolve("body-" + bytes);
        Files.write(body, new byte[bytes]);
        int before = failing.requests();
        Tools.Result result = Tools.run(List.of("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}",
                "-H", "Host: buffers.example.com", "--data-binary", "@" + body,
                "http://127.0.0.1:" + under.listener(listener).getPort() + "/fail"));
        assertThat(result.out()).as(result.err()).isEqualTo("503");
        return failing.requests() - before;
    }

    @Test
    void aBodyOverTheListenersBufferLimitIsNotRetriedUnderItItIs() throws Exception {
        Tools.assumeInstalled("curl");
        long abandoned = under.stat("cluster.failing.retry_or_shadow_abandoned");
        assertThat(attempts("small", 4 * SMALL_LIMIT)).as("attempts of a 64 KiB body, 16 KiB limit").isEqualTo(1);
        assertThat(under.stat("cluster.failing.retry_or_shadow_abandoned") - abandoned).isEqualTo(1);
        assertThat(attempts("small", SMALL_LIMIT / 2)).as("attempts of an 8 KiB body, 16 KiB limit").isEqualTo(3);
        assertThat(attempts("default", 4 * SMALL_LIMIT)).as("attempts of a 64 KiB body, default 1 MiB").isEqualTo(3);
        assertThat(under.stat("cluster.failing.retry_or_shadow_abandoned") - abandoned).isEqualTo(1);
    }
}
