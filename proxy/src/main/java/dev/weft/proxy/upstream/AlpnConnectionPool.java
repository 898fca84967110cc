package dev.weft.proxy.upstream;

import dev.weft.proxy.net.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code auto_config} to a TLS host: HTTP/2 or HTTP/1.1 as the host's ALPN answer says (Envoy's
 * mixed pool; Envoy decides per connection, this pool once per host). The first request opens a
 * TLS connection offering the cluster's ALPN list (h2, http/1.1 by default) and closes it once the
 * handshake has told the protocol: {@code h2} picks the HTTP/2 pool, anything else (or no answer)
 * the HTTP/1.1 pool, for this host from then on. Requests wait for the answer as for a connection
 * ({@code max_pending_requests}); a failed handshake fails them (UF) and the next request asks again.
 */
final class AlpnConnectionPool implements ConnectionPool {

    private final InetSocketAddress address;
    private final Bootstrap probe;
    private final ConnectionPool http1;
    private final ConnectionPool http2;
    private final PendingRequests waiting;
    private volatile ConnectionPool chosen;
    private boolean probing;

    AlpnConnectionPool(Transport transport, InetSocketAddress address, ClusterLimits limits, Duration connectTimeout,
            UpstreamTls tls, PoolStats stats, ConnectionPool http1, ConnectionPool http2) {
        this.address = address;
        this.http1 = http1;
        this.http2 = http2;
        this.waiting = new PendingRequests(limits, stats);
        this.probe = new Bootstrap()
                .group(transport.workers())
                .channel(transport.clientChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(tls.newHandler(channel.alloc(), address));
                    }
                });
    }

    @Override
    public UpstreamConnection tryAcquireIdle(EventLoop loop) {
        ConnectionPool pool = chosen;
        return pool == null ? null : pool.tryAcquireIdle(loop);
    }

    @Override
    public CompletableFuture<UpstreamConnection> acquire(EventLoop loop) {
        ConnectionPool pool = chosen;
        if (pool != null) {
            return pool.acquire(loop);
        }
        CompletableFuture<UpstreamConnection> result = new CompletableFuture<>();
        boolean ask;
        synchronized (this) {
            pool = chosen;
            if (pool == null) {
                if (!waiting.offer(result, loop)) {
                    result.completeExceptionally(new UpstreamFailure(UpstreamFailure.Kind.OVERFLOW,
                            "too many pending requests to " + address, false));
                    return result;
                }
                ask = !probing;
                probing = true;
            } else {
                ask = false;
            }
        }
        if (pool != null) {
            return pool.acquire(loop);
        }
        if (ask) {
            ChannelFuture connecting = probe.connect(address);
            UpstreamTls.whenConnected(connecting, address, failure -> answered(connecting.channel(), failure));
        }
        return result;
    }

    // The handshake ended: the protocol is known (or the failure fails the requests waiting for it).
    private void answered(Channel channel, String failure) {
        String protocol = failure == null ? channel.pipeline().get(SslHandler.class).applicationProtocol() : null;
        channel.close();
        List<PendingRequests.Waiter> waiters;
        ConnectionPool pool = null;
        synchronized (this) {
            probing = false;
            if (failure == null) {
                pool = ApplicationProtocolNames.HTTP_2.equals(protocol) ? http2 : http1;
                chosen = pool;
            }
            waiters = waiting.pollAll();
        }
        for (PendingRequests.Waiter waiter : waiters) {
            if (waiter.future().isDone()) {
                continue; // timed out meanwhile
            }
            if (pool == null) {
                waiter.future().completeExceptionally(
                        new UpstreamFailure(UpstreamFailure.Kind.CONNECT_FAILURE, failure, false));
                continue;
            }
            ConnectionPool on = pool;
            on.acquire(waiter.loop()).whenComplete((connection, error) -> {
                if (error != null) {
                    waiter.future().completeExceptionally(error);
                } else if (!waiter.future().complete(connection)) {
                    connection.release(true); // timed out meanwhile
                }
            });
        }
    }

    /** The protocol the host chose by ALPN ("h2" or "http/1.1"), empty before its first handshake. */
    String protocol() {
        ConnectionPool pool = chosen;
        return pool == null ? "" : pool == http2 ? ApplicationProtocolNames.HTTP_2 : ApplicationProtocolNames.HTTP_1_1;
    }

    @Override
    public void release(UpstreamConnection connection, boolean reusable) {
        connection.release(reusable); // its own pool's
    }

    @Override
    public void drain() {
        http1.drain();
        http2.drain();
    }

    @Override
    public int idleConnections() {
        return http1.idleConnections() + http2.idleConnections();
    }
}
