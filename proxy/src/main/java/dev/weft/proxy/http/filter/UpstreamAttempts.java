package dev.weft.proxy.http.filter;

import dev.weft.proxy.http.Grpc;
import dev.weft.proxy.http.HttpExchange;
import dev.weft.proxy.http.RequestBody;
import dev.weft.proxy.http.ResponseFlag;
import dev.weft.proxy.route.ClusterSpecifier;
import dev.weft.proxy.route.RetryPolicy;
import dev.weft.proxy.route.RouteAction;
import dev.weft.proxy.upstream.HostSelection;
import dev.weft.proxy.upstream.UpstreamCluster;
import dev.weft.proxy.upstream.UpstreamFailure;
import dev.weft.proxy.upstream.UpstreamHost;
import dev.weft.proxy.upstream.UpstreamResponseListener;
import dev.weft.proxy.upstream.UpstreamStream;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One forwarded request and its attempts (Envoy's router with its RetryState): the first try, then
 * as the route's {@code retry_policy} says, retries after a jittered exponential backoff, each on a
 * host not tried before when the previous_hosts predicate is configured, each within the per-try
 * timeout and all within the route timeout. A retry needs a slot of the cluster's retry circuit
 * breaker (max_retries, or the retry budget): without one the last result is sent
 * ({@code upstream_rq_retry_overflow}, flag UO). When the retries are used up the last result is
 * sent with the flag URX ({@code upstream_rq_retry_limit_exceeded}). A request whose body outgrew
 * the buffer limit is never sent again ({@code retry_or_shadow_abandoned}).
 *
 * <p>Streaming: the request body goes to the attempt's {@link UpstreamStream} as it arrives; the
 * response is decided on its headers (retry or send downstream), then its chunks go downstream as
 * they come, the upstream paused while the downstream cannot take more. A failure after the headers
 * went downstream resets the downstream. Confined to the downstream event loop: upstream events
 * hop there (usually they are there already, the pools' affinity).
 */
final class UpstreamAttempts {

    private final HttpExchange exchange;
    private final RouteAction.Forward forward;
    private final ClusterSpecifier.WeightedCluster target;
    private final UpstreamCluster cluster;
    private final String stat;
    private final Optional<RetryPolicy> retry;
    /** Made at the first retry (most requests have none). */
    private RetryBackoff backoff;
    private final OptionalLong hash;
    private final long deadlineNanos;
    private final long startedNanos = System.nanoTime();
    /** The upstream request's headers, made at the first attempt. */
    private UpstreamRequests.Prepared prepared;
    /**
     * Hosts tried so far (read by the host predicate of a retry during {@link #attempt}): the first
     * in a field, any more in a list made at the first retry (most requests have none).
     */
    private UpstreamHost firstTried;
    private List<UpstreamHost> moreTried;
    private int attempts;
    private int retries;
    private boolean holdsRetrySlot;
    private boolean staleResent;
    /** The attempt in progress (events of earlier ones are dropped). */
    private Try current;
    /** The response headers went downstream: no retry or local reply any more. */
    private boolean committed;
    private boolean over;

    UpstreamAttempts(HttpExchange exchange, RouteAction.Forward forward, ClusterSpecifier.WeightedCluster target,
            UpstreamCluster cluster, OptionalLong hash) {
        this.exchange = exchange;
        this.forward = forward;
        this.target = target;
        this.cluster = cluster;
        this.stat = cluster.statPrefix(); // the cluster named by target.cluster()
        this.retry = forward.retryPolicy().filter(policy -> policy.numRetries() > 0);

        this.hash = hash;
        this.deadlineNanos = forward.timeout().isZero() ? Long.MAX_VALUE : startedNanos + forward.timeout().toNanos();
    }

    void start() {
        RequestBody body = exchange.body();
        if (retry.isPresent() && body.present()) {
            body.whenOverflowed(() -> exchange.stats().inc(stat + "retry_or_shadow_abandoned"));
        }
        if (!body.ended()) { // a body-less request's body cannot abort: no callback made for it
            body.whenAborted(this::stop);
        }
        exchange.onDownstreamGone(() -> onLoop(this::stop));
        if (body.present() && !Grpc.isGrpc(exchange.request().headers())) {
            // A request with a body goes upstream with its first body bytes, not before: a client
            // that opens requests and stalls (half-open HTTP/2 streams, a slow body) ties up no
            // upstream request or connection, and an HTTP/1.1 request whose framing is bad from its
            // first chunk (refused by the scanner) reaches no upstream at all. Clients send a body
            // right behind its head (Expect: 100-continue is answered here). gRPC goes at once: a
            // streaming call may wait for the server's first message.
            // The attempt starts after the rest of this read is parsed: a body whose framing breaks
            // further on in the same bytes (a bad chunk or trailer behind good data) is refused
            // before anything of it leaves, even when an idle upstream connection would take the
            // head at once (Envoy writes at the end of the loop iteration; the reset drops it).
            body.whenData(() -> exchange.eventLoop().execute(this::attempt));
        } else {
            attempt();
        }
    }

    private void onLoop(Runnable task) {
        if (exchange.eventLoop().inEventLoop()) {
            task.run();
        } else {
            exchange.eventLoop().execute(task);
        }
    }

    /** The downstream is gone (or its request broke off): the attempt in progress is reset. */
    private void stop() {
        over = true;
        endRetry();
        Try attempt = current;
        current = null;
        if (attempt != null && attempt.stream != null) {
            attempt.stream.reset();
        }
    }

    private void attempt() {
        send(true);
    }

    /** Sends the request to a host; {@code counted}: a new attempt (not a resend after a stale connection). */
    private void send(boolean counted) {
        if (over || exchange.responded()) {
            endRetry();
            return;
        }
        if (counted) {
            attempts++;
        }
        HostSelection selection = retry.isPresent() && retry.get().avoidPreviousHosts() && firstTried != null
                ? new HostSelection(hash, this::triedBefore, retry.get().hostSelectionMaxAttempts())
                : hash.isEmpty() ? HostSelection.ANY : new HostSelection(hash, host -> false, 1);
        Optional<UpstreamHost> host = cluster.chooseHost(selection);
        if (host.isEmpty()) {
            endRetry();
            over = true;
            exchange.stats().inc(stat + "upstream_cx_none_healthy");
            exchange.localReply(503, ResponseFlag.UH, "no healthy upstream");
            return;
        }
        if (firstTried == null) {
            firstTried = host.get();
        } else {
            if (moreTried == null) {
                moreTried = new ArrayList<>(2);
            }
            moreTried.add(host.get());
        }
        exchange.upstreamHost(host.get().hostAndPort());
        long remaining = deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            endRetry();
            over = true;
            timedOut();
            return;
        }
        Duration perTry = retry.map(RetryPolicy::perTryTimeout).orElse(Duration.ZERO);
        boolean perTryBound = !perTry.isZero() && perTry.toNanos() < remaining;
        Duration timeout = perTryBound ? perTry
                : remaining == Long.MAX_VALUE ? Duration.ZERO : Duration.ofNanos(remaining);
        if (counted) {
            cluster.upstreamRequests().incTotal();
        }
        RequestBody body = exchange.body();
        // A body that arrived whole and is kept goes as one message (a retry's always does); any
        // other streams behind the head.
        ByteBuf whole = body.present() && body.ended() ? body.copy() : null;
        // The upstream headers are made once (in place on the downstream's, unless a mirror will
        // copy those when its body has ended); the first attempt's head takes them as they are
        // when it goes over HTTP/1.1, whose encoder only reads them. Any other head gets a copy: a
        // retry's (an earlier head may still be queued for its encoder), and one for Netty's
        // HTTP/2 codec, which adds its scheme header to what it writes, on the connection's thread.
        boolean first = prepared == null;
        if (first) {
            prepared = UpstreamRequests.prepare(exchange, forward, target, forward.mirrors().isEmpty());
        }
        HttpRequest head = UpstreamRequests.head(exchange, prepared, forward, attempts, whole,
                first && cluster.sendsHttp1(exchange.downstreamHttp2()));
        Try attempt = new Try(perTryBound, !(head instanceof FullHttpRequest));
        current = attempt;
        UpstreamStream stream = cluster.open(host.get(), head, timeout, exchange.eventLoop(),
                exchange.downstreamHttp2(), attempt);
        if (attempt.stream == null) {
            attempt.stream = stream;
        }
        // Envoy's route and per-try timeouts run from the end of the downstream request.
        if (body.ended()) {
            stream.startTimer();
        } else {
            body.whenEnded(stream::startTimer);
        }
    }

    private boolean triedBefore(UpstreamHost host) {
        return host == firstTried || moreTried != null && moreTried.contains(host);
    }

    /** One attempt: the stream's listener, and the request body's sink while it streams. */
    private final class Try implements UpstreamResponseListener, RequestBody.Sink {

        private final boolean perTryBound;
        private final boolean streamsBody;
        UpstreamStream stream;

        Try(boolean perTryBound, boolean streamsBody) {
            this.perTryBound = perTryBound;
            this.streamsBody = streamsBody;
        }

        // --- RequestBody.Sink (on the downstream loop) ---

        @Override
        public boolean writable() {
            return stream.writable();
        }

        @Override
        public void write(HttpContent chunk) {
            stream.write(chunk);
        }

        @Override
        public void flush() {
            stream.flush();
        }

        @Override
        public void end(LastHttpContent last) {
            stream.end(last);
        }

        // --- UpstreamResponseListener (on the upstream loop: hop) ---

        @Override
        public void onReady(UpstreamStream ready) {
            onLoop(() -> {
                if (stream == null) {
                    stream = ready;
                }
                if (current != this) {
                    ready.reset();
                } else if (streamsBody) {
                    exchange.body().attach(this);
                }
            });
        }

        @Override
        public void onHeaders(HttpResponse head) {
            if (exchange.eventLoop().inEventLoop()) {
                headers(this, head);
            } else {
                exchange.eventLoop().execute(() -> headers(this, head));
            }
        }

        @Override
        public void onBody(HttpContent chunk) {
            onLoop(() -> {
                if (current != this || !committed) {
                    chunk.release();
                    return;
                }
                exchange.sendBody(chunk);
                if (!exchange.downstreamWritable()) {
                    // The downstream is slow: stop reading the upstream until it drains (backpressure).
                    stream.readResponse(false);
                    exchange.whenDownstreamWritable(() -> stream.readResponse(true));
                }
            });
        }

        @Override
        public void onEnd(LastHttpContent last) {
            if (exchange.eventLoop().inEventLoop()) {
                ended(last);
            } else {
                exchange.eventLoop().execute(() -> ended(last));
            }
        }

        private void ended(LastHttpContent last) {
            if (current != this || !committed) {
                ReferenceCountUtil.release(last);
                return;
            }
            done(this);
            exchange.endResponse(last);
        }

        @Override
        public void onReadComplete() {
            if (exchange.eventLoop().inEventLoop()) {
                readComplete();
            } else {
                exchange.eventLoop().execute(this::readComplete);
            }
        }

        private void readComplete() {
            if (current == this && committed) {
                exchange.flushResponse();
            }
        }

        @Override
        public void onWritable() {
            onLoop(() -> {
                if (current == this) {
                    exchange.body().pump();
                }
            });
        }

        @Override
        public void onFailure(UpstreamFailure failure) {
            onLoop(() -> failed(this, failure));
        }
    }

    private void headers(Try attempt, HttpResponse upstream) {
        if (current != attempt || over) {
            ReferenceCountUtil.release(upstream);
            return;
        }
        endRetry();
        int status = upstream.status().code();
        cluster.upstreamRequests().incStatus(status);
        if (retry.isPresent() && retry.get().retriableResponse(status, grpcStatus(upstream))
                // An upstream Envoy that says it is overloaded is not to be retried (Envoy's rule).
                && !upstream.headers().contains("x-envoy-overloaded")) {
            if (mayRetry()) {
                ReferenceCountUtil.release(upstream);
                abandon(attempt);
                scheduleRetry();
                return;
            }
        } else if (attempts > 1) {
            exchange.stats().inc(stat + "upstream_rq_retry_success");
        }
        HttpResponse response = UpstreamRequests.downstreamResponse(upstream, startedNanos);
        if (forward.attemptCount().inResponse()) {
            response.headers().set("x-envoy-attempt-count", Integer.toString(attempts));
        }
        committed = true;
        boolean whole = response instanceof FullHttpResponse;
        if (whole) {
            done(attempt);
        }
        if (!exchange.respondHeaders(response) && !whole) {
            // Answered already (a local reply won): this response goes nowhere.
            over = true;
            attempt.stream.reset();
        }
    }

    /** The response is complete: the body (if still coming) goes nowhere now. */
    private void done(Try attempt) {
        over = true;
        exchange.body().detach(attempt);
    }

    /** Gives up an attempt for a retry: its stream is reset, the body will be sent again. */
    private void abandon(Try attempt) {
        exchange.body().detach(attempt);
        current = null;
        attempt.stream.reset();
    }

    private void failed(Try attempt, UpstreamFailure failure) {
        if (current != attempt || over) {
            return;
        }
        endRetry();
        exchange.body().detach(attempt);
        if (!committed && failure.retriable() && !staleResent && exchange.body().replayable()) {
            // A stale keep-alive connection or a stream the host refused: nothing was processed;
            // sent once more (the same attempt, as Envoy's pools do).
            staleResent = true;
            current = null;
            send(false);
            return;
        }
        exchange.stats().inc(stat + switch (failure.kind()) {
            case CONNECT_FAILURE -> "upstream_cx_connect_fail";
            case OVERFLOW -> "upstream_rq_pending_overflow";
            case TIMEOUT -> attempt.perTryBound ? "upstream_rq_per_try_timeout" : "upstream_rq_timeout";
            case CONNECTION_TERMINATION, PROTOCOL_ERROR -> "upstream_rq_rx_reset";
        });
        ResponseFlag flag = ResponseFlag.valueOf(failure.kind().flag());
        if (committed) {
            // Headers (and maybe part of the body) went downstream: it is reset, never cut short silently.
            over = true;
            exchange.resetResponse(flag);
            return;
        }
        RetryPolicy.Reset reset = switch (failure.kind()) {
            case CONNECT_FAILURE -> RetryPolicy.Reset.CONNECT_FAILURE;
            case OVERFLOW -> RetryPolicy.Reset.OVERFLOW;
            // The route timeout ends the request; only a per-try timeout may be retried.
            case TIMEOUT -> attempt.perTryBound ? RetryPolicy.Reset.PER_TRY_TIMEOUT : null;
            case CONNECTION_TERMINATION, PROTOCOL_ERROR -> RetryPolicy.Reset.CONNECTION_RESET;
        };
        if (reset != null && retry.isPresent() && retry.get().retriableReset(reset) && mayRetry()) {
            current = null;
            scheduleRetry();
            return;
        }
        over = true;
        exchange.localReply(failure.kind().status(), flag, failure.kind().body());
    }

    /** Whether one more attempt may be made now; takes a retry slot when so. */
    private boolean mayRetry() {
        if (!exchange.body().replayable()) {
            // Envoy's rule: a request whose body was not kept whole (over the buffer limit) is not sent again.
            return false;
        }
        if (retries >= retry.orElseThrow().numRetries()) {
            exchange.stats().inc(stat + "upstream_rq_retry_limit_exceeded");
            exchange.addFlag(ResponseFlag.URX);
            return false;
        }
        if (deadlineNanos != Long.MAX_VALUE && deadlineNanos - System.nanoTime() <= 0) {
            return false;
        }
        if (!cluster.tryStartRetry()) {
            exchange.stats().inc(stat + "upstream_rq_retry_overflow");
            exchange.addFlag(ResponseFlag.UO);
            return false;
        }
        holdsRetrySlot = true;
        retries++;
        return true;
    }

    private void scheduleRetry() {
        exchange.stats().inc(stat + "upstream_rq_retry");
        exchange.stats().inc(stat + "upstream_rq_retry_backoff_exponential");
        if (backoff == null) {
            RetryPolicy policy = retry.orElseThrow();
            backoff = new RetryBackoff(policy.baseInterval(), policy.maxInterval(), ThreadLocalRandom.current());
        }
        long wait = backoff.next().toNanos();
        if (deadlineNanos != Long.MAX_VALUE) {
            wait = Math.max(0, Math.min(wait, deadlineNanos - System.nanoTime()));
        }
        exchange.eventLoop().schedule(this::attempt, wait, TimeUnit.NANOSECONDS);
    }

    private void endRetry() {
        if (holdsRetrySlot) {
            holdsRetrySlot = false;
            cluster.retryEnded();
        }
    }

    private void timedOut() {
        exchange.stats().inc(stat + "upstream_rq_timeout");
        UpstreamFailure.Kind kind = UpstreamFailure.Kind.TIMEOUT;
        exchange.localReply(kind.status(), ResponseFlag.UT, kind.body());
    }

    /** The gRPC status of a response head (a trailers-only response has it there), -1 if none. */
    private static int grpcStatus(HttpResponse response) {
        String value = response.headers().get("grpc-status");
        if (value == null && response instanceof FullHttpResponse full) {
            value = full.trailingHeaders().get("grpc-status");
        }
        if (value == null) {
            return -1;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
