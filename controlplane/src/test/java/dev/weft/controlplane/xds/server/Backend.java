package dev.weft.controlplane.xds.server;

import dev.weft.controlplane.testing.BytesMarshaller;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** A gRPC server on 127.0.0.1 answering one method with its own name, without generated code. */
final class Backend implements AutoCloseable {

    static final MethodDescriptor<byte[], byte[]> WHO = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("weft.test.Who/Name")
            .setRequestMarshaller(BytesMarshaller.INSTANCE)
            .setResponseMarshaller(BytesMarshaller.INSTANCE)
            .build();

    private final Server server;

    Backend(String name) {
        ServerServiceDefinition service = ServerServiceDefinition.builder("weft.test.Who")
                .addMethod(WHO, ServerCalls.asyncUnaryCall((request, response) -> {
                    response.onNext(name.getBytes(StandardCharsets.UTF_8));
                    response.onCompleted();
                }))
                .build();
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .addService(service)
                    .build()
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return server.getPort();
    }

    /** Calls {@code Who/Name} on the channel: the name of the backend that answered. */
    static String who(Channel channel) {
        // A generous deadline: the first call of a JVM resolves xds:/// and loads grpc-xds, which
        // takes seconds on a loaded 2-core machine. A hang guard, not a timing assertion.
        byte[] answer = ClientCalls.blockingUnaryCall(channel, WHO,
                CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), new byte[0]);
        return new String(answer, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
