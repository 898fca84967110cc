package dev.weft.proxy.upstream;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One request/response exchange with a host, the same for both protocols: on an HTTP/1.1
 * connection lent by its pool, or on a new stream of a shared HTTP/2 connection (Envoy's
 * UpstreamRequest over a GenericConnPool). The request head goes out as soon as there is a
 * connection; the body follows chunk by chunk ({@link #write}, {@link #end}) while the connection is
 * {@link #writable()}; the response comes back chunk by chunk to the {@link UpstreamResponseListener},
 * whose reading can be paused while the downstream cannot take more. It owns the per-request
 * bookkeeping of its cluster (circuit breaker counts, the host's active requests, the outcome for
 * outlier detection), settled exactly once, and the timeout (armed by {@link #startTimer()}: Envoy's
 * route timeout starts when the downstream request is complete).
 */
public final class UpstreamStream {

    private final UpstreamCluster cluster;
    private final UpstreamHost host;
    private final HttpRequest head;
    private final Duration timeout;
    private final EventLoop loop;
    private final boolean downstreamHttp2;
    private final UpstreamResponseListener listener;
    private UpstreamConnection connection;
    private ScheduledFuture<?> timer;
    private HttpResponse responseHead;
    private boolean requestEnded;
    private boolean keepAlive;
    private boolean responseEnded;
    private boolean done;
    private boolean staleRetried;

    UpstreamStream(UpstreamCluster cluster, UpstreamHost host, HttpRequest head, Duration timeout, EventLoop loop,
            boolean downstreamHttp2, UpstreamResponseListener listener) {
        this.cluster = cluster;
        this.host = host;
        this.head = head;
        this.timeout = timeout;
        this.loop = loop;
        this.downstreamHttp2 = downstreamHttp2;
        this.listener = listener;
        this.requestEnded = head instanceof FullHttpRequest;
    }

    void open() {
        ConnectionPool pool = host.pool(downstreamHttp2);
        UpstreamConnection idle = pool.tryAcquireIdle(loop);
        if (idle != null) {
            acquired(idle, null);
        } else {
            pool.acquire(loop).whenComplete(this::acquired);
        }
    }

    private void acquired(UpstreamConnection acquired, Throwable error) {
        if (error != null) {
            if (error instanceof UpstreamFailure failure && failure.kind() == UpstreamFailure.Kind.CONNECT_FAILURE) {
                host.connectFailures.increment();
            }
            fail(error instanceof UpstreamFailure failure ? failure
                    : new UpstreamFailure(UpstreamFailure.Kind.CONNECT_FAILURE, String.valueOf(error), false));
            return;
        }
        boolean give;
        synchronized (this) {
            give = done;
            if (!done) {
                connection = acquired;
            }
        }
        if (give) {
            acquired.release(true); // timed out or reset while waiting for it
            return;
        }
        if (!acquired.start(this, writable(head))) {
            return; // failed at once (reported through onClosed)
        }
        listener.onReady(this);
    }

    /**
     * What is written for the head: a whole request is kept (a resend after a stale connection
     * writes it again), so the codec gets its own view of the content, sharing the headers (Netty's
     * retainedDuplicate would copy every header).
     */
    private static HttpRequest writable(HttpRequest head) {
        if (!(head instanceof FullHttpRequest full) || full.content() == io.netty.buffer.Unpooled.EMPTY_BUFFER) {
            return head; // nothing the codec's release could free: the head itself can be written again
        }
        return new DefaultFullHttpRequest(full.protocolVersion(), full.method(), full.uri(),
                full.content().retainedDuplicate(), full.headers(), full.trailingHeaders());
    }

    /** Arms the timeout (if any): no complete response within it fails the stream with UT. */
    public void startTimer() {
        if (timeout.isZero()) {
            return;
        }
        synchronized (this) {
            if (done || timer != null) {
                return;
            }
            timer = loop.schedule(() -> fail(new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT,
                    "no response within " + timeout, false)), timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** Whether the connection takes more body now (false before there is one). */
    public boolean writable() {
        UpstreamConnection current = connection;
        return current != null && current.channel().isWritable();
    }

    /** One body chunk (its reference passes); dropped if the stream is over. */
    public void write(HttpContent chunk) {
        Channel channel = channelIfOpen();
        if (channel == null) {
            chunk.release();
            return;
        }
        channel.write(chunk, channel.voidPromise());
    }

    public void flush() {
        Channel channel = channelIfOpen();
        if (channel != null) {
            channel.flush();
        }
    }

    /** The last chunk (trailers): the request is complete. */
    public void end(LastHttpContent last) {
        Channel channel = channelIfOpen();
        if (channel == null) {
            ReferenceCountUtil.release(last);
            return;
        }
        boolean release;
        synchronized (this) {
            requestEnded = true;
            release = responseEnded;
        }
        channel.writeAndFlush(last, channel.voidPromise());
        if (release) {
            finish(); // the response was complete before the request (unusual, allowed)
        }
    }

    /** Stops reading the response while the downstream cannot take more (backpressure), or resumes. */
    public void readResponse(boolean read) {
        Channel channel = channelIfOpen();
        if (channel != null) {
            channel.config().setAutoRead(read);
        }
    }

    /**
     * Gives the stream up without a report to the listener (a retry on another, a downstream that
     * went away, a response already answered): HTTP/2 RST_STREAM, HTTP/1.1 close. Not an outcome of
     * the host for outlier detection.
     */
    public void reset() {
        abandon(null, null);
    }

    /**
     * Ends the stream once, settles it with {@code head} (null: no answer) or {@code failure}, and
     * drops its connection; false when it had ended already.
     */
    private boolean abandon(HttpResponse head, UpstreamFailure failure) {
        UpstreamConnection current;
        synchronized (this) {
            if (done) {
                return false;
            }
            done = true;
            current = connection;
        }
        settle(head, failure);
        if (current != null) {
            current.abort();
        }
        return true;
    }

    private synchronized Channel channelIfOpen() {
        return done || connection == null ? null : connection.channel();
    }

    // --- from the connection's UpstreamResponseHandler, on its event loop ---

    void onHeaders(HttpResponse response) {
        synchronized (this) {
            if (done) {
                ReferenceCountUtil.release(response);
                return;
            }
            responseHead = response;
            keepAlive = HttpUtil.isKeepAlive(response); // before the listener rewrites the headers in place
        }
        listener.onHeaders(response);
        if (response instanceof FullHttpResponse) {
            responseEnded();
        }
    }

    void onBody(HttpContent chunk) {
        if (isDone()) {
            chunk.release();
            return;
        }
        if (chunk instanceof LastHttpContent last) {
            listener.onEnd(last);
            responseEnded();
        } else {
            listener.onBody(chunk);
        }
    }

    void onReadComplete() {
        if (!isDone()) {
            listener.onReadComplete();
        }
    }

    void onWritable() {
        if (!isDone()) {
            listener.onWritable();
        }
    }

    /** The connection closed or failed; {@code failure} says how (retriable: nothing was processed). */
    void onClosed(UpstreamFailure failure) {
        synchronized (this) {
            if (done) {
                return;
            }
            if (failure.retriable() && responseHead == null && !staleRetried && head instanceof FullHttpRequest) {
                // A reused keep-alive connection the host had just closed (or a stream it refused):
                // the request was never processed; a body-less request goes once more on a new one.
                staleRetried = true;
                UpstreamConnection stale = connection;
                connection = null;
                if (stale != null) {
                    stale.release(false);
                }
                reopen();
                return;
            }
        }
        fail(failure);
    }

    private void reopen() {
        loop.execute(this::open);
    }

    private synchronized boolean isDone() {
        return done;
    }

    private void responseEnded() {
        boolean finish;
        synchronized (this) {
            responseEnded = true;
            finish = requestEnded;
        }
        if (finish) {
            finish();
        } else {
            // The host answered before the whole request was sent: it wants no more of it. The
            // connection cannot be reused (HTTP/1.1) or the stream is reset (HTTP/2).
            abandon(responseHead, null);
        }
    }

    private void finish() {
        UpstreamConnection current;
        HttpResponse response;
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
            current = connection;
            response = responseHead;
        }
        settle(response, null);
        if (current != null) {
            current.release(keepAlive);
        }
    }

    private void fail(UpstreamFailure failure) {
        if (abandon(null, failure)) {
            listener.onFailure(failure);
        }
    }

    // Exactly once: the timer, the cluster's counts, the host's outcome.
    private void settle(HttpResponse response, UpstreamFailure failure) {
        ScheduledFuture<?> pending;
        synchronized (this) {
            pending = timer;
        }
        if (pending != null) {
            pending.cancel(false);
        }
        ReferenceCountUtil.release(head); // a whole request is kept until here: the stale-connection resend writes it again
        cluster.streamEnded(host, response, failure);
    }
}
