package dev.weft.proxy.http.filter;

import dev.weft.proxy.http.HttpExchange;
import dev.weft.proxy.route.ClusterSpecifier;
import dev.weft.proxy.route.MirrorPolicy;
import dev.weft.proxy.route.RouteAction;
import dev.weft.proxy.upstream.UpstreamCluster;
import dev.weft.proxy.upstream.UpstreamHost;
import dev.weft.proxy.http.RequestBody;
import dev.weft.proxy.upstream.UpstreamFailure;
import dev.weft.proxy.upstream.UpstreamResponseListener;
import dev.weft.proxy.upstream.UpstreamStream;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.atomic.AtomicBoolean;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code request_mirror_policies}: a sampled copy of the request (once its whole body arrived, if it
 * fit the buffer limit: as Envoy's shadow, a body that did not fit is not mirrored), with the Host suffixed
 * {@code -shadow} (Envoy's rule, before any port), goes to the mirror cluster, fire-and-forget: its
 * response is dropped, its failure ignored, and it never holds up the main request. Mirrors in
 * flight are bounded (beyond {@link #MAX_IN_FLIGHT} copies are skipped and counted in
 * {@code cluster.<mirror>.upstream_rq_shadow_overflow}), and each by the route timeout, or
 * {@link #DEFAULT_TIMEOUT} when the route has none.
 */
final class RequestMirrors {

    static final int MAX_IN_FLIGHT = 512;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
    private static final AtomicInteger IN_FLIGHT = new AtomicInteger();

    private RequestMirrors() {
    }

    static void send(HttpExchange exchange, RouteAction.Forward forward, ClusterSpecifier.WeightedCluster target) {
        for (MirrorPolicy policy : forward.mirrors()) {
            if (!policy.sample(ThreadLocalRandom.current())) {
                continue;
            }
            String stat = "cluster." + policy.cluster() + ".";
            Optional<UpstreamCluster> cluster = exchange.cluster(policy.cluster());
            if (cluster.isEmpty()) {
                exchange.stats().inc("http." + exchange.statPrefix() + ".shadow_no_cluster");
                continue;
            }
            // The copy needs the whole body: it goes when the body has arrived, if it fit the buffer
            // limit (else it is abandoned, Envoy's retry_or_shadow_abandoned).
            exchange.body().whenEnded(() -> sendCopy(exchange, forward, target, cluster.get(), stat));
            exchange.body().whenOverflowed(() -> exchange.stats().inc(stat + "retry_or_shadow_abandoned"));
        }
    }

    private static void sendCopy(HttpExchange exchange, RouteAction.Forward forward,
            ClusterSpecifier.WeightedCluster target, UpstreamCluster cluster, String stat) {
        RequestBody body = exchange.body();
        if (body.present() && !body.replayable()) {
            return;
        }
        Optional<UpstreamHost> host = cluster.chooseHost();
        if (host.isEmpty()) {
            exchange.stats().inc(stat + "upstream_cx_none_healthy");
            return;
        }
        if (IN_FLIGHT.incrementAndGet() > MAX_IN_FLIGHT) {
            IN_FLIGHT.decrementAndGet();
            exchange.stats().inc(stat + "upstream_rq_shadow_overflow");
            return;
        }
        HttpRequest copy = UpstreamRequests.build(exchange, forward, target, 1, body.present() ? body.copy() : null);
        String authority = copy.headers().get(HttpHeaderNames.HOST, "");
        copy.headers().set(HttpHeaderNames.HOST, shadowHost(authority));
        exchange.stats().inc(stat + "upstream_rq_total");
        Duration timeout = forward.timeout().isZero() ? DEFAULT_TIMEOUT : forward.timeout();
        UpstreamStream stream = cluster.open(host.get(), copy, timeout, exchange.eventLoop(), false, new Discard(stat, exchange));
        stream.startTimer();
    }

    /** A mirror's response is dropped as it comes; only its end (or failure) matters. */
    private static final class Discard implements UpstreamResponseListener {

        private final String stat;
        private final HttpExchange exchange;
        private final AtomicBoolean ended = new AtomicBoolean();

        Discard(String stat, HttpExchange exchange) {
            this.stat = stat;
            this.exchange = exchange;
        }

        @Override
        public void onReady(UpstreamStream stream) {
        }

        @Override
        public void onHeaders(HttpResponse head) {
            ReferenceCountUtil.release(head);
            if (head instanceof FullHttpResponse) {
                end();
            }
        }

        @Override
        public void onBody(HttpContent chunk) {
            chunk.release();
        }

        @Override
        public void onEnd(LastHttpContent last) {
            ReferenceCountUtil.release(last);
            end();
        }

        @Override
        public void onReadComplete() {
        }

        @Override
        public void onWritable() {
        }

        @Override
        public void onFailure(UpstreamFailure failure) {
            exchange.stats().inc(stat + "upstream_rq_shadow_failed");
            end();
        }

        private void end() {
            if (ended.compareAndSet(false, true)) {
                IN_FLIGHT.decrementAndGet();
            }
        }
    }

    /** {@code foo} -> {@code foo-shadow}, {@code foo:8080} -> {@code foo-shadow:8080}. */
    static String shadowHost(String authority) {
        int colon = authority.lastIndexOf(':');
        int bracket = authority.lastIndexOf(']');
        if (colon > bracket && (bracket >= 0 || authority.indexOf(':') == colon)) {
            return authority.substring(0, colon) + "-shadow" + authority.substring(colon);
        }
        return authority + "-shadow";
    }
}
