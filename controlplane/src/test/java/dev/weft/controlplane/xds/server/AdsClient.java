package dev.weft.controlplane.xds.server;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.rpc.Status;
import dev.weft.controlplane.xds.ResourceType;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A hand-written ADS client on the generated stub: it sends exactly what a test says. */
final class AdsClient<Q, R> implements AutoCloseable {

    private final ManagedChannel channel;
    private final StreamObserver<Q> requests;
    private final BlockingQueue<R> responses = new LinkedBlockingQueue<>();
    final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
    private volatile boolean completed;

    private AdsClient(int port, boolean delta) {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        var stub = AggregatedDiscoveryServiceGrpc.newStub(channel);
        StreamObserver<R> observer = new StreamObserver<>() {
            @Override
            public void onNext(R response) {
                responses.add(response);
            }

            @Override
            public void onError(Throwable t) {
                errors.add(t);
            }

            @Override
            public void onCompleted() {
                completed = true;
            }
        };
        @SuppressWarnings("unchecked")
        StreamObserver<Q> stream = delta
                ? (StreamObserver<Q>) stub.deltaAggregatedResources((StreamObserver<DeltaDiscoveryResponse>) observer)
                : (StreamObserver<Q>) stub.streamAggregatedResources((StreamObserver<DiscoveryResponse>) observer);
        requests = stream;
    }

    static AdsClient<DiscoveryRequest, DiscoveryResponse> sotw(int port) {
        return new AdsClient<>(port, false);
    }

    static AdsClient<DeltaDiscoveryRequest, DeltaDiscoveryResponse> delta(int port) {
        return new AdsClient<>(port, true);
    }

    static Node node(String id) {
        return Node.newBuilder()
                .setId(id)
                .setCluster("test")
                .setMetadata(Struct.newBuilder()
                        .putFields("NAMESPACE", Value.newBuilder().setStringValue("default").build())
                        .putFields("LABELS", Value.newBuilder().setStructValue(Struct.newBuilder()
                                .putFields("app", Value.newBuilder().setStringValue("reviews").build())).build()))
                .build();
    }

    void send(Q request) {
        requests.onNext(request);
    }

    /** The next response, failing after 30 s (a hang guard: a loaded machine can take seconds). */
    R next() throws InterruptedException {
        R response = responses.poll(30, TimeUnit.SECONDS);
        if (response == null) {
            throw new AssertionError("no response within 30 s" + (errors.isEmpty() ? "" : "; stream failed: "
                    + errors.peek()));
        }
        return response;
    }

    /** Null if nothing arrives within {@code wait}: for "the server sends nothing" checks. */
    R poll(Duration wait) throws InterruptedException {
        return responses.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean completed() {
        return completed;
    }

    void cancel() {
        requests.onError(new RuntimeException("test cancels"));
    }

    @Override
    public void close() {
        try {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- request builders

    static DiscoveryRequest request(Node node, ResourceType type, List<String> names, String version, String nonce) {
        DiscoveryRequest.Builder builder = DiscoveryRequest.newBuilder()
                .setTypeUrl(type.typeUrl())
                .addAllResourceNames(names)
                .setVersionInfo(version)
                .setResponseNonce(nonce);
        if (node != null) {
            builder.setNode(node);
        }
        return builder.build();
    }

    static DiscoveryRequest ack(DiscoveryResponse response, List<String> names) {
        return request(null, ResourceType.ofTypeUrl(response.getTypeUrl()).orElseThrow(), names,
                response.getVersionInfo(), response.getNonce());
    }

    static DiscoveryRequest nack(DiscoveryResponse response, List<String> names, String acceptedVersion,
                                 String error) {
        return request(null, ResourceType.ofTypeUrl(response.getTypeUrl()).orElseThrow(), names, acceptedVersion,
                response.getNonce()).toBuilder()
                .setErrorDetail(Status.newBuilder().setCode(3).setMessage(error))
                .build();
    }

    static DeltaDiscoveryRequest deltaRequest(Node node, ResourceType type, List<String> subscribe,
                                              List<String> unsubscribe, Map<String, String> initialVersions) {
        DeltaDiscoveryRequest.Builder builder = DeltaDiscoveryRequest.newBuilder()
                .setTypeUrl(type.typeUrl())
                .addAllResourceNamesSubscribe(subscribe)
                .addAllResourceNamesUnsubscribe(unsubscribe)
                .putAllInitialResourceVersions(initialVersions);
        if (node != null) {
            builder.setNode(node);
        }
        return builder.build();
    }

    static DeltaDiscoveryRequest deltaAck(DeltaDiscoveryResponse response) {
        return DeltaDiscoveryRequest.newBuilder()
                .setTypeUrl(response.getTypeUrl())
                .setResponseNonce(response.getNonce())
                .build();
    }

    static DeltaDiscoveryRequest deltaNack(DeltaDiscoveryResponse response, String error) {
        return deltaAck(response).toBuilder()
                .setErrorDetail(Status.newBuilder().setCode(3).setMessage(error))
                .build();
    }
}
