package dev.weft.proxy.http.filter;

import dev.weft.proxy.http.HttpExchange;
import dev.weft.proxy.http.ResponseFlag;
import dev.weft.proxy.route.ClusterSpecifier;
import dev.weft.proxy.route.RetryPolicy;
import dev.weft.proxy.route.RouteAction;
import dev.weft.proxy.stats.ProxyStats;
import dev.weft.proxy.upstream.HostSelection;
import dev.weft.proxy.upstream.UpstreamCluster;
import dev.weft.proxy.upstream.UpstreamFailure;
import dev.weft.proxy.upstream.UpstreamHost;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One forwarded request and its attempts (Envoy's router with its RetryState): the first try, then
 * as the route's {@code retry_policy} says, retries after a jittered exponential backoff, each on a
 * host not tried before when the previous_hosts predicate is configured, each within the per-try
 * timeout and all within the route timeout. A retry needs a slot of the cluster's retry circuit
 * breaker (max_retries, or the retry budget): without one the last result is sent
 * ({@code upstream_rq_retry_overflow}, flag UO). When the retries are used up the last result is
 * sent with the flag URX ({@code upstream_rq_retry_limit_exceeded}).
 */
final class UpstreamAttempts {

    private final HttpExchange exchange;
    private final RouteAction.Forward forward;
    private final ClusterSpecifier.WeightedCluster target;
    private final UpstreamCluster cluster;
    private final String stat;
    private final Optional<RetryPolicy> retry;
    private final RetryBackoff backoff;
    private final OptionalLong hash;
    private final long deadlineNanos;
    private final long startedNanos = System.nanoTime();
    /** Hosts tried so far (read by the host predicate during {@link #attempt}, under this lock). */
    private final List<UpstreamHost> tried = new ArrayList<>(2);
    private int attempts;
    private int retries;
    private boolean holdsRetrySlot;

    UpstreamAttempts(HttpExchange exchange, RouteAction.Forward forward, ClusterSpecifier.WeightedCluster target,
            UpstreamCluster cluster, OptionalLong hash) {
        this.exchange = exchange;
        this.forward = forward;
        this.target = target;
        this.cluster = cluster;
        this.stat = "cluster." + target.cluster() + ".";
        this.retry = forward.retryPolicy().filter(policy -> policy.numRetries() > 0);
        this.backoff = retry.map(policy -> new RetryBackoff(policy.baseInterval(), policy.maxInterval(),
                ThreadLocalRandom.current())).orElse(null);
        this.hash = hash;
        this.deadlineNanos = forward.timeout().isZero() ? Long.MAX_VALUE : startedNanos + forward.timeout().toNanos();
    }

    void start() {
        attempt();
    }

    private synchronized void attempt() {
        if (exchange.responded()) {
            endRetry();
            return;
        }
        attempts++;
        HostSelection selection = retry.isPresent() && retry.get().avoidPreviousHosts() && !tried.isEmpty()
                ? new HostSelection(hash, tried::contains, retry.get().hostSelectionMaxAttempts())
                : hash.isEmpty() ? HostSelection.ANY : new HostSelection(hash, host -> false, 1);
        Optional<UpstreamHost> host = cluster.chooseHost(selection);
        if (host.isEmpty()) {
            endRetry();
            exchange.stats().inc(stat + "upstream_cx_none_healthy");
            exchange.localReply(503, ResponseFlag.UH, "no healthy upstream");
            return;
        }
        tried.add(host.get());
        exchange.upstreamHost(host.get().endpoint().host() + ":" + host.get().endpoint().port());
        long remaining = deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            endRetry();
            timedOut();
            return;
        }
        Duration perTry = retry.map(RetryPolicy::perTryTimeout).orElse(Duration.ZERO);
        boolean perTryBound = !perTry.isZero() && perTry.toNanos() < remaining;
        Duration timeout = perTryBound ? perTry
                : remaining == Long.MAX_VALUE ? Duration.ZERO : Duration.ofNanos(remaining);
        exchange.stats().inc(stat + "upstream_rq_total");
        FullHttpRequest request = UpstreamRequests.build(exchange, forward, target, attempts);
        cluster.send(host.get(), request, timeout, exchange.eventLoop(), exchange.downstreamHttp2()).whenComplete((response, thrown) -> {
            synchronized (this) {
                endRetry();
                if (thrown == null) {
                    onResponse(response);
                } else {
                    onFailure(thrown, perTryBound);
                }
            }
        });
    }

    private void onResponse(FullHttpResponse upstream) {
        int status = upstream.status().code();
        exchange.stats().inc(stat + "upstream_rq_" + ProxyStats.statusClass(status));
        if (retry.isPresent() && retry.get().retriableResponse(status, grpcStatus(upstream))
                // An upstream Envoy that says it is overloaded is not to be retried (Envoy's rule).
                && !upstream.headers().contains("x-envoy-overloaded")) {
            if (mayRetry()) {
                upstream.release();
                scheduleRetry();
                return;
            }
        } else if (attempts > 1) {
            exchange.stats().inc(stat + "upstream_rq_retry_success");
        }
        FullHttpResponse response = UpstreamRequests.downstreamResponse(upstream, startedNanos);
        if (forward.attemptCount().inResponse()) {
            response.headers().set("x-envoy-attempt-count", Integer.toString(attempts));
        }
        exchange.respond(response);
    }

    private void onFailure(Throwable thrown, boolean perTryBound) {
        Throwable error = thrown instanceof CompletionException wrapped && wrapped.getCause() != null
                ? wrapped.getCause() : thrown;
        UpstreamFailure failure = error instanceof UpstreamFailure f ? f
                : new UpstreamFailure(UpstreamFailure.Kind.CONNECTION_TERMINATION, String.valueOf(error), false);
        exchange.stats().inc(stat + switch (failure.kind()) {
            case CONNECT_FAILURE -> "upstream_cx_connect_fail";
            case OVERFLOW -> "upstream_rq_pending_overflow";
            case TIMEOUT -> perTryBound ? "upstream_rq_per_try_timeout" : "upstream_rq_timeout";
            case CONNECTION_TERMINATION, PROTOCOL_ERROR -> "upstream_rq_rx_reset";
        });
        RetryPolicy.Reset reset = switch (failure.kind()) {
            case CONNECT_FAILURE -> RetryPolicy.Reset.CONNECT_FAILURE;
            case OVERFLOW -> RetryPolicy.Reset.OVERFLOW;
            // The route timeout ends the request; only a per-try timeout may be retried.
            case TIMEOUT -> perTryBound ? RetryPolicy.Reset.PER_TRY_TIMEOUT : null;
            case CONNECTION_TERMINATION, PROTOCOL_ERROR -> RetryPolicy.Reset.CONNECTION_RESET;
        };
        if (reset != null && retry.isPresent() && retry.get().retriableReset(reset) && mayRetry()) {
            scheduleRetry();
            return;
        }
        exchange.localReply(failure.kind().status(), ResponseFlag.valueOf(failure.kind().flag()),
                failure.kind().body());
    }

    /** Whether one more attempt may be made now; takes a retry slot when so. */
    private boolean mayRetry() {
        if (!bodyReplayable()) {
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

    /**
     * Envoy retries only a request whose whole body it still holds (retry_shadow_buffer_limit): a
     * body already streamed upstream cannot be sent again. Requests reach the router aggregated
     * today (a FullHttpRequest whose content the exchange keeps until the response is written), so
     * this holds while the content is alive; a streaming request path must answer false here.
     */
    private boolean bodyReplayable() {
        FullHttpRequest request = exchange.request();
        return request.decoderResult().isSuccess() && request.content().refCnt() > 0;
    }

    private void scheduleRetry() {
        exchange.stats().inc(stat + "upstream_rq_retry");
        exchange.stats().inc(stat + "upstream_rq_retry_backoff_exponential");
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

    /** The gRPC status of a response (headers, or trailers for a whole response), -1 if none. */
    private static int grpcStatus(FullHttpResponse response) {
        String value = response.headers().get("grpc-status");
        if (value == null) {
            value = response.trailingHeaders().get("grpc-status");
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
