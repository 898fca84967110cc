package dev.weft.controlplane.xds.server;

import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.net.SocketAddress;
import java.util.function.Consumer;

/** The ADS gRPC service: one {@link ProxyConnection} per stream, state-of-the-world or delta. */
final class AdsService extends AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase {

    private static final System.Logger LOG = System.getLogger(AdsService.class.getName());
    private static final Context.Key<String> PEER = Context.key("weft-xds-peer");

    private final Connections connections;

    AdsService(Connections connections) {
        this.connections = connections;
    }

    /** Puts the client's address where the stream handlers can read it. */
    static ServerInterceptor peerInterceptor() {
        return new ServerInterceptor() {
            @Override
            public <Q, S> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, S> call, Metadata headers, ServerCallHandler<Q, S> next) {
                SocketAddress address = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
                String peer = address == null ? "" : address.toString();
                return Contexts.interceptCall(Context.current().withValue(PEER, peer), call, headers, next);
            }
        };
    }

    /**
     * State-of-the-world ADS, declared with a response marshaller for {@link EncodedResponse}: a
     * response shared by many streams is encoded once, not once per stream (see {@link #serviceDefinition}).
     */
    static final MethodDescriptor<DiscoveryRequest, EncodedResponse> SOTW_METHOD =
            AggregatedDiscoveryServiceGrpc.getStreamAggregatedResourcesMethod()
                    .toBuilder(AggregatedDiscoveryServiceGrpc.getStreamAggregatedResourcesMethod().getRequestMarshaller(),
                            EncodedResponse.MARSHALLER)
                    .build();

    /**
     * What the server serves: the generated service with its SotW method served by {@link #sotwStream}
     * instead (same name, same wire format).
     */
    ServerServiceDefinition serviceDefinition() {
        ServerServiceDefinition generated = bindService();
        ServerServiceDefinition.Builder service = ServerServiceDefinition.builder(generated.getServiceDescriptor().getName());
        for (ServerMethodDefinition<?, ?> method : generated.getMethods()) {
            if (!method.getMethodDescriptor().getFullMethodName().equals(SOTW_METHOD.getFullMethodName())) {
                service.addMethod(method);
            }
        }
        service.addMethod(SOTW_METHOD, ServerCalls.asyncBidiStreamingCall(this::sotwStream));
        return service.build();
    }

    private StreamObserver<DiscoveryRequest> sotwStream(StreamObserver<EncodedResponse> responses) {
        var out = (ServerCallStreamObserver<EncodedResponse>) responses;
        SotwConnection connection = new SotwConnection(connections, out, peer());
        return attach(out, connection, connection::onRequest);
    }

    @Override
    public StreamObserver<DeltaDiscoveryRequest> deltaAggregatedResources(
            StreamObserver<DeltaDiscoveryResponse> responses) {
        var out = (ServerCallStreamObserver<DeltaDiscoveryResponse>) responses;
        DeltaConnection connection = new DeltaConnection(connections, out, peer());
        return attach(out, connection, connection::onRequest);
    }

    private static String peer() {
        String peer = PEER.get();
        return peer == null ? "" : peer;
    }

    private <Q> StreamObserver<Q> attach(
            ServerCallStreamObserver<?> out, ProxyConnection<?> connection, Consumer<Q> handler) {
        out.setOnCancelHandler(() -> connection.clientGone(false));
        out.setOnReadyHandler(connection::flush);
        if (connections.shuttingDown()) {
            connection.close(Status.UNAVAILABLE.withDescription("xDS server is shutting down"));
        }
        return new StreamObserver<>() {
            @Override
            public void onNext(Q request) {
                try {
                    handler.accept(request);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "xDS stream " + connection.connectionId() + " failed", e);
                    connection.close(Status.INTERNAL.withDescription("xDS server error: " + e));
                }
            }

            @Override
            public void onError(Throwable t) {
                connection.clientGone(false);
            }

            @Override
            public void onCompleted() {
                connection.clientGone(true);
            }
        };
    }
}
