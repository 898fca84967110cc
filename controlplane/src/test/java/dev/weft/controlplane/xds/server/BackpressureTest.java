package dev.weft.controlplane.xds.server;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.weft.controlplane.xds.ConfigChange;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A proxy that does not read: pushes to it coalesce instead of queueing without bound. */
class BackpressureTest {

    private static Any bigCluster(int generation) {
        return Any.pack(Cluster.newBuilder()
                .setName("big")
                .setMetadata(Metadata.newBuilder().putFilterMetadata("test", Struct.newBuilder()
                        .putFields("generation", Value.newBuilder().setNumberValue(generation).build())
                        .putFields("padding", Value.newBuilder().setStringValue("x".repeat(200_000)).build())
                        .build()))
                .build());
    }

    private static int generation(DiscoveryResponse response) throws Exception {
        return (int) response.getResources(0).unpack(Cluster.class).getMetadata()
                .getFilterMetadataOrThrow("test").getFieldsOrThrow("generation").getNumberValue();
    }

    @Test
    void aSlowProxyGetsTheLatestConfigNotEveryVersion() throws Exception {
        TestSource source = new TestSource().put(CLUSTER, "big", bigCluster(0));
        BlockingQueue<DiscoveryResponse> received = new LinkedBlockingQueue<>();
        java.util.concurrent.atomic.AtomicReference<ClientCallStreamObserver<DiscoveryRequest>> call =
                new java.util.concurrent.atomic.AtomicReference<>();
        try (XdsServer server = new XdsServer(source, XdsServerOptions.defaults().withAddress("127.0.0.1", 0)
                .withDebounce(Duration.ZERO, Duration.ZERO)).start()) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
                    .maxInboundMessageSize(4 << 20).build();
            try {
                AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(
                        new ClientResponseObserver<DiscoveryRequest, DiscoveryResponse>() {
                            @Override
                            public void beforeStart(ClientCallStreamObserver<DiscoveryRequest> stream) {
                                stream.disableAutoRequestWithInitial(0); // read nothing until told
                                call.set(stream);
                            }

                            @Override
                            public void onNext(DiscoveryResponse response) {
                                received.add(response);
                            }

                            @Override
                            public void onError(Throwable t) {
                            }

                            @Override
                            public void onCompleted() {
                            }
                        });
                String id = "sidecar~10.0.0.1~slow.default~default.svc.cluster.local";
                call.get().onNext(AdsClient.request(AdsClient.node(id), CLUSTER, List.of(), "", ""));
                Await.until("proxy connected", Duration.ofSeconds(20), () -> server.proxyStatus(id).isPresent());

                for (int generation = 1; generation <= 50; generation++) {
                    source.put(CLUSTER, "big", bigCluster(generation));
                    server.configChanged(ConfigChange.all("generation " + generation));
                }
                Await.until("50 pushes run", Duration.ofSeconds(10), () -> server.pushStats().pushes() == 50);

                call.get().request(Integer.MAX_VALUE);
                int count = 0;
                int last = -1;
                while (last != 50) {
                    DiscoveryResponse response = received.poll(5, TimeUnit.SECONDS);
                    assertThat(response).as("a response within 5 s").isNotNull();
                    last = generation(response);
                    count++;
                }
                // 51 versions existed (initial + 50); the transport held a few, the rest coalesced.
                assertThat(count).isLessThan(25);
                assertThat(server.proxyStatus(id).orElseThrow().types().get(CLUSTER).responsesSent())
                        .isEqualTo(count);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }
}
