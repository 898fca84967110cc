package dev.weft.proxy.upstream;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import java.util.concurrent.CompletableFuture;

/** One HTTP/1.1 connection, or one HTTP/2 stream, to a host, used by one request at a time. */
public final class UpstreamConnection {

    private final Channel channel;
    private final ConnectionPool pool;
    private int requests;

    UpstreamConnection(Channel channel, ConnectionPool pool) {
        this.channel = channel;
        this.pool = pool;
    }

    Channel channel() {
        return channel;
    }

    /** Requests sent on this connection so far (more than 1: it was reused). */
    public int requests() {
        return requests;
    }

    /**
     * Sends the request (its reference is passed on) and completes with the whole response (which
     * the caller must release), or fails with an {@link UpstreamFailure}.
     */
    public CompletableFuture<FullHttpResponse> send(FullHttpRequest request) {
        requests++;
        CompletableFuture<FullHttpResponse> response = new CompletableFuture<>();
        UpstreamResponseHandler handler = channel.pipeline().get(UpstreamResponseHandler.class);
        if (handler == null || !channel.isActive()) {
            request.release();
            response.completeExceptionally(new UpstreamFailure(UpstreamFailure.Kind.CONNECTION_TERMINATION,
                    "connection closed before the request was sent", true));
            return response;
        }
        handler.expect(response, requests > 1);
        channel.writeAndFlush(request).addListener(written -> {
            if (!written.isSuccess()) {
                response.completeExceptionally(new UpstreamFailure(UpstreamFailure.Kind.CONNECTION_TERMINATION,
                        "write failed: " + written.cause(), true));
            }
        });
        return response;
    }

    /** Gives the connection back: kept for the next request if {@code reusable}, else closed. */
    public void release(boolean reusable) {
        pool.release(this, reusable);
    }

    /** Closes it (after a timeout or a protocol error: the connection is in an unknown state). */
    public void abort() {
        channel.close();
        pool.release(this, false);
    }
}
