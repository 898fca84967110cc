package dev.weft.proxy.upstream;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;

/** One HTTP/1.1 connection, or one HTTP/2 stream, to a host, used by one request at a time. */
public final class UpstreamConnection {

    private final Channel channel;
    private final ConnectionPool pool;
    private int requests;
    private UpstreamResponseHandler handler;

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
     * Starts {@code stream} on this connection: its response is reported to it, its head is written
     * and flushed at once (the body follows as the stream writes it). False when the connection
     * was already gone (reported to the stream as a retriable close).
     */
    boolean start(UpstreamStream stream, HttpRequest head) {
        requests++;
        UpstreamResponseHandler handler = this.handler;
        if (handler == null) {
            // Looked up once per connection (a walk of the pipeline): its handlers never change after setup.
            handler = channel.pipeline().get(UpstreamResponseHandler.class);
            this.handler = handler;
        }
        if (handler == null || !channel.isActive()) {
            ReferenceCountUtil.release(head);
            stream.onClosed(new UpstreamFailure(UpstreamFailure.Kind.CONNECTION_TERMINATION,
                    "connection closed before the request was sent", true));
            return false;
        }
        handler.expect(stream, requests > 1);
        channel.writeAndFlush(head).addListener(written -> {
            if (!written.isSuccess()) {
                stream.onClosed(new UpstreamFailure(UpstreamFailure.Kind.CONNECTION_TERMINATION,
                        "write failed: " + written.cause(), true));
            }
        });
        return true;
    }

    /** Gives the connection back: kept for the next request if {@code reusable}, else closed. */
    public void release(boolean reusable) {
        channel.config().setAutoRead(true); // a stream may have paused it (backpressure)
        pool.release(this, reusable);
    }

    /** Closes it (after a timeout or a protocol error: the connection is in an unknown state). */
    public void abort() {
        channel.close();
        pool.release(this, false);
    }
}
